package dev.sluice.stage;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * A filter predicate made once, from YAML: whether a record's field has a value (compared as text), or with
 * {@code negate}, has not. The same test as {@code simple: "${body[status]} != 'active'"} for a small fraction of
 * the CPU: the simple language resolves {@code body[status]} anew on every record (docs/performance.md).
 *
 * <pre>
 * - beans:
 *     - name: inactive
 *       type: dev.sluice.stage.FieldEquals
 *       properties: {field: status, value: active, negate: true}
 * ...
 * - filter:
 *     ref: inactive
 *     steps: [{stop: {}}]
 * </pre>
 */
public class FieldEquals implements Predicate, RecordCondition {

    private String field;
    private String value;
    private boolean negate;

    public void setField(String field) {
        this.field = field;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public void setNegate(boolean negate) {
        this.negate = negate;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return exchange.getMessage().getBody() instanceof Map<?, ?> record ? test(record) : negate;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean test(Map record) {
        Object actual = record.get(field);
        boolean equal = actual != null && actual.toString().equals(value);
        return equal != negate;
    }
}
