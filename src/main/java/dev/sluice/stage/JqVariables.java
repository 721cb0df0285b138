package dev.sluice.stage;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.record.Json;
import dev.sluice.record.UnavailableException;
import net.thisptr.jackson.jq.Scope;
import org.apache.camel.CamelContext;

/**
 * The {@code $variables} of a jq stage: fixed values (a JSON object from YAML, so from settings through placeholders)
 * and reference tables ({@code name=bean} or {@code name=bean.column}), each a JSON object from key to row or value.
 */
final class JqVariables {

    private Map<String, JsonNode> values = Map.of();
    /** Variable name → table bean name and, if given, the column whose value each key maps to. */
    private final Map<String, String[]> tables = new LinkedHashMap<>();
    private final Scope base = JqFunctions.newScope();

    void setVariables(String json) {
        JsonNode parsed = Json.parseTree(json);
        if (!parsed.isObject()) {
            throw new IllegalArgumentException("jq variables are a JSON object, not " + Json.describe(parsed));
        }
        Map<String, JsonNode> map = new LinkedHashMap<>();
        parsed.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue()));
        this.values = Map.copyOf(map);
    }

    void setTables(String spec) {
        for (String entry : spec.split(",")) {
            String[] pair = entry.trim().split("=", 2);
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank()) {
                throw new IllegalArgumentException("jq tables are name=bean or name=bean.column, comma-separated: " + spec);
            }
            tables.put(pair[0].trim(), pair[1].trim().split("\\.", 2));
        }
    }

    /** The scope to run an expression in: the built-ins, the fixed values and the tables as read now. */
    Scope scope(CamelContext camel) throws UnavailableException {
        Scope scope = Scope.newChildScope(base);
        values.forEach(scope::setValue);
        for (Map.Entry<String, String[]> table : tables.entrySet()) {
            String[] ref = table.getValue();
            if (camel == null) {
                throw new IllegalStateException("jq table " + ref[0] + " needs the Camel context");
            }
            ReferenceTable bean = camel.getRegistry().lookupByNameAndType(ref[0], ReferenceTable.class);
            if (bean == null) {
                throw new IllegalStateException("no ReferenceTable bean named " + ref[0] + " for jq table $" + table.getKey());
            }
            scope.setValue(table.getKey(), bean.asJson(ref.length > 1 ? ref[1] : null));
        }
        return scope;
    }
}
