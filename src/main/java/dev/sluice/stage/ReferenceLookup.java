package dev.sluice.stage;

import java.io.IOException;
import java.util.Map;

import dev.sluice.record.RecordOrigin;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * An enrich stage: adds {@code targetField}, looked up by the value of {@code keyField} in a {@link ReferenceTable},
 * or {@code defaultValue} when the key is unknown.
 *
 * <p>
 * The table is either a {@link ReferenceTable} bean ({@code table: <bean name>}), or made here from
 * {@code reference} (its source: {@code classpath:…}, {@code file:…} or {@code table:<name>}), {@code types} and
 * {@code reload}, as that bean's properties. {@code keyColumn} and {@code valueColumn} name the columns to read
 * (default: {@code keyField} and {@code targetField}). The value keeps its type: a typed CSV column or a database
 * column fills an integer or numeric column as such. While the table cannot be read (database down, file missing) the
 * stage waits and retries like a sink, and readiness says why; records are never dead-lettered for it.
 */
public class ReferenceLookup implements Processor, RecordStage, CamelContextAware {

    private final ReferenceTable own = new ReferenceTable();
    private CamelContext camel;
    private String tableBean;
    private String reference;
    private String keyField;
    private String targetField;
    private String keyColumn;
    private String valueColumn;
    private String defaultValue;
    private String types;
    private volatile ReferenceTable table;
    private volatile Object typedDefault;

    public void setReference(String reference) {
        this.reference = reference;
        own.setSource(reference);
    }

    public void setTable(String tableBean) {
        this.tableBean = tableBean;
    }

    public void setKeyField(String keyField) {
        this.keyField = keyField;
    }

    public void setTargetField(String targetField) {
        this.targetField = targetField;
    }

    public void setKeyColumn(String keyColumn) {
        this.keyColumn = keyColumn;
    }

    public void setValueColumn(String valueColumn) {
        this.valueColumn = valueColumn;
    }

    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    public void setTypes(String types) {
        this.types = types;
        own.setTypes(types);
    }

    public void setReload(String reload) {
        own.setReload(reload);
    }

    /** The reference this lookup reads, as set (null when it uses a table bean). */
    public String reference() {
        return reference;
    }

    /** Reads {@code reference} from now on (the fixture tests' overrides). */
    public void use(String reference) {
        if (tableBean != null) {
            throw new IllegalArgumentException("this lookup uses the ReferenceTable bean " + tableBean
                    + ": override that bean instead");
        }
        this.reference = reference;
        own.use(reference);
    }

    /** What keeps the lookup's reference from being read now, or null (see {@link ReferenceTable#verify}). */
    public String verify() {
        if (tableBean != null) {
            return null;
        }
        if (reference == null) {
            return "a lookup needs a reference or a table";
        }
        own.setKey(keyColumn != null ? keyColumn : keyField);
        return own.verify();
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
        own.setCamelContext(camel);
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        RecordOrigin origin = RecordOrigin.of(exchange);
        Map<String, Object> record;
        try {
            record = exchange.getIn().getMandatoryBody(Map.class);
        } catch (InvalidPayloadException notARecord) {
            count(origin, "failed");
            throw notARecord;
        }
        lookUp(record, origin, exchange.getContext());
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record, RecordOrigin origin) throws Exception {
        return lookUp(record, origin, camel);
    }

    private Map<String, Object> lookUp(Map<String, Object> record, RecordOrigin origin, CamelContext context)
            throws Exception {
        String outcome = "failed";
        try {
            Map<String, Object> row = table(context).row(record.get(keyField));
            Object value = row == null ? null : row.get(valueColumn != null ? valueColumn : targetField);
            record.put(targetField, value != null ? value : defaultValue());
            outcome = "out";
            return record;
        } finally {
            count(origin, outcome);
        }
    }

    private void count(RecordOrigin origin, String outcome) {
        if (origin != null) {
            origin.stats().stage("lookup " + targetField, outcome);
        }
    }

    private ReferenceTable table(CamelContext context) {
        ReferenceTable current = table;
        if (current == null) {
            if (tableBean != null) {
                current = context.getRegistry().lookupByNameAndType(tableBean, ReferenceTable.class);
                if (current == null) {
                    throw new IllegalStateException("no ReferenceTable bean named " + tableBean);
                }
            } else {
                if (reference == null) {
                    throw new IllegalStateException("a lookup needs a reference or a table");
                }
                own.setKey(keyColumn != null ? keyColumn : keyField);
                if (own.getCamelContext() == null) {
                    own.setCamelContext(context);
                }
                current = own;
            }
            table = current;
        }
        return current;
    }

    /** The default, of the value column's type when {@code types} names it. */
    private Object defaultValue() throws IOException {
        if (defaultValue == null) {
            return null;
        }
        Object typed = typedDefault;
        if (typed == null) {
            String column = valueColumn != null ? valueColumn : targetField;
            FieldType type = types == null ? null : JsonRecordParser.FieldSpec.parseList(types).stream()
                    .filter(spec -> spec.name().equals(column)).map(JsonRecordParser.FieldSpec::type).findFirst()
                    .orElse(null);
            typed = ReferenceTable.typed(column, defaultValue, type);
            typedDefault = typed;
        }
        return typed;
    }
}
