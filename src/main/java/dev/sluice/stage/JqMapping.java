package dev.sluice.stage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import net.thisptr.jackson.jq.JsonQuery;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * A mapping stage in jq, declared in YAML: one {@code expression}, compiled once, turns each record into the record
 * it becomes, setting, renaming and removing fields at once:
 *
 * <pre>
 * - beans:
 *     - name: toEuro
 *       type: dev.sluice.stage.JqMapping
 *       properties:
 *         expression: '.amount_eur = decimal_round(decimal_mul(.amount; $rates[.currency]); 2) | del(.note)'
 *         variables: '{"source": "shop"}'
 *         tables: rates=currencyRates
 * </pre>
 *
 * {@code variables} is a JSON object whose fields become {@code $name}; {@code tables} names {@link ReferenceTable}
 * beans ({@code name=bean}, comma-separated), each a {@code $name} object from key to value. The expression's one
 * output is the new record; no output drops the record (counted as filtered); an error, more than one output or an
 * output that is not an object dead-letters the record with the expression and the error.
 */
public class JqMapping implements PipelineStage, CamelContextAware {

    private final JqVariables variables = new JqVariables();
    private CamelContext camel;
    private String name = "jq";
    private String source;
    private volatile JsonQuery query;

    public void setExpression(String expression) throws JsonQueryException {
        this.source = expression;
        this.query = JsonQuery.compile(expression, JqFunctions.VERSION);
    }

    public void setVariables(String json) {
        variables.setVariables(json);
    }

    public void setTables(String tables) {
        variables.setTables(tables);
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    /** The stage's name in dead letters and the stage metrics (default {@code jq}). */
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) throws Exception {
        if (query == null) {
            throw new IllegalStateException("jq stage " + name + " has no expression");
        }
        Scope scope = variables.scope(camel);
        List<JsonNode> outputs = new ArrayList<>(1);
        try {
            query.apply(scope, Json.MAPPER.valueToTree(record), outputs::add);
        } catch (JsonQueryException e) {
            throw new InvalidRecordException("jq '" + JqText.abbreviated(source) + "' failed: " + e.getMessage());
        }
        if (outputs.isEmpty()) {
            return null;
        }
        if (outputs.size() > 1) {
            throw new InvalidRecordException("jq '" + JqText.abbreviated(source) + "' gave " + outputs.size() + " results, not one record");
        }
        JsonNode out = outputs.get(0);
        if (!(out instanceof ObjectNode)) {
            throw new InvalidRecordException("jq '" + JqText.abbreviated(source) + "' gave " + Json.describe(out) + ", not a record (an object)");
        }
        String infinite = nonFinite(out, "");
        if (infinite != null) {
            throw new InvalidRecordException("jq '" + JqText.abbreviated(source) + "' gave field '" + infinite
                    + "' an infinite number or NaN, which no column or JSON holds");
        }
        return Json.toRecord(out);
    }

    /** The path of the first infinite or NaN number in {@code node} ({@code a.b[2]}), or null: no column holds one. */
    static String nonFinite(JsonNode node, String path) {
        if (node.isDouble() || node.isFloat()) {
            return Double.isFinite(node.doubleValue()) ? null : path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nonFinite(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String found = nonFinite(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
