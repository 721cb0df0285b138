package dev.sluice.stage;

import java.util.Map;

import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import dev.sluice.record.StageException;
import dev.sluice.record.UnavailableException;
import net.thisptr.jackson.jq.JsonQuery;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.RuntimeCamelException;

/**
 * A filter predicate in jq, compiled once: true when the {@code expression}'s first output is neither {@code false}
 * nor {@code null} (jq's truth). With the {@code variables} and {@code tables} of {@link JqMapping}.
 *
 * <pre>
 * - beans:
 *     - name: unpaid
 *       type: dev.sluice.stage.JqFilter
 *       properties: {expression: '.status != "paid"'}
 * ...
 * - filter:
 *     ref: unpaid
 *     steps: [{stop: {}}]
 * </pre>
 *
 * An expression that fails on a record fails that record, which is dead-lettered with the expression and the error.
 */
public class JqFilter implements Predicate, RecordCondition, CamelContextAware {

    private final JqVariables variables = new JqVariables();
    private CamelContext camel;
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

    @Override
    public boolean matches(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof Map<?, ?> record)) {
            return false;
        }
        try {
            return test(record);
        } catch (StageException e) {
            throw new RuntimeCamelException(e); // a predicate can only throw unchecked
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean test(Map record) throws StageException {
        boolean[] result = new boolean[1];
        boolean[] seen = new boolean[1];
        try {
            query.apply(variables.scope(camel), Json.MAPPER.valueToTree(record), out -> {
                if (!seen[0]) {
                    seen[0] = true;
                    result[0] = !out.isNull() && !(out.isBoolean() && !out.booleanValue());
                }
            });
        } catch (JsonQueryException | UnavailableException e) {
            throw new StageException("jq filter", new InvalidRecordException(
                    "jq '" + JqText.abbreviated(source) + "' failed: " + e.getMessage()));
        }
        return result[0];
    }
}
