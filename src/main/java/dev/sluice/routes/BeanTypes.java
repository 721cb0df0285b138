package dev.sluice.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.sluice.stage.FieldEquals;
import dev.sluice.stage.JqFilter;
import dev.sluice.stage.JqMapping;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.ProcessingTime;
import dev.sluice.stage.QueryLookup;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.stage.ReferenceTable;

/**
 * The beans a routes file may declare: Sluice's stage types only, each with its properties declared once (name, kind,
 * whether required, what it does). Sluice makes the bean itself with {@code new} and its setters, so nothing a file
 * writes chooses a class, a constructor or a method; docs/security.md lists this table ({@link AllowList}).
 */
public final class BeanTypes {

    /** What a bean is for, so a step can reference only a bean that fits it. */
    public enum Role {
        PARSER("a parser: a template's parser"), PREDICATE("a filter: filter and when by ref"),
        STAGE("a stage: process"), TABLE("a reference table: jq tables and lookups");

        private final String description;

        Role(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** A property of a bean type, set from its text by {@code set}. */
    public record Property<T>(String name, Kind kind, boolean required, String description, BiConsumer<T, String> set) {
    }

    /** A type a routes file may declare beans of. */
    public record BeanType<T>(Class<T> type, Role role, String description, Supplier<T> make, List<Property<T>> properties,
            Function<Map<String, String>, String> rule) {

        Optional<Property<T>> property(String name) {
            return properties.stream().filter(property -> property.name().equals(name)).findFirst();
        }

        /** A bean with the given properties set, each by its setter; a setter's refusal names the property. */
        T make(Map<String, String> values) throws RoutesException {
            T bean = make.get();
            for (Map.Entry<String, String> value : values.entrySet()) {
                Property<T> property = property(value.getKey()).orElseThrow();
                try {
                    property.set().accept(bean, value.getValue());
                } catch (RuntimeException e) {
                    throw new RoutesException("property " + property.name() + ": " + e.getMessage());
                }
            }
            return bean;
        }
    }

    private static final Map<String, BeanType<?>> TYPES = new LinkedHashMap<>();

    static {
        add(new BeanType<>(JsonRecordParser.class, Role.PARSER, "The record's schema: a record that is not a JSON object "
                + "with these fields and types is dead-lettered", JsonRecordParser::new, List.of(
                        new Property<>("required", Kind.SCHEMA, false, "fields every record has", JsonRecordParser::setRequired),
                        new Property<>("optional", Kind.SCHEMA, false, "fields a record may have", JsonRecordParser::setOptional)),
                values -> null));
        add(new BeanType<>(FieldEquals.class, Role.PREDICATE, "True when a field's value, as text, equals a value",
                FieldEquals::new, List.of(
                        new Property<>("field", Kind.FIELD, true, "the field", FieldEquals::setField),
                        new Property<>("value", Kind.TEXT, true, "the value it is compared with", FieldEquals::setValue),
                        new Property<FieldEquals>("negate", Kind.BOOLEAN, false, "true: when it does not equal",
                                (bean, text) -> bean.setNegate(Boolean.parseBoolean(text)))),
                values -> null));
        add(new BeanType<>(JqFilter.class, Role.PREDICATE, "True when a jq program's result is neither false nor null",
                JqFilter::new, List.of(
                        new Property<>("expression", Kind.JQ, true, "the jq program", jq(JqFilter::setExpression)),
                        new Property<>("variables", Kind.JSON_OBJECT, false, "$name values", JqFilter::setVariables),
                        new Property<>("tables", Kind.JQ_TABLES, false, "$name reference tables", JqFilter::setTables)),
                values -> null));
        add(new BeanType<>(JqMapping.class, Role.STAGE, "Changes each record with one jq program",
                JqMapping::new, List.of(
                        new Property<>("name", Kind.NAME, false, "the stage's name (default jq)", JqMapping::setName),
                        new Property<>("expression", Kind.JQ, true, "the jq program", jq(JqMapping::setExpression)),
                        new Property<>("variables", Kind.JSON_OBJECT, false, "$name values", JqMapping::setVariables),
                        new Property<>("tables", Kind.JQ_TABLES, false, "$name reference tables", JqMapping::setTables)),
                values -> null));
        add(new BeanType<>(ProcessingTime.class, Role.STAGE, "Sets a field to the time of processing (UTC, ISO-8601)",
                ProcessingTime::new, List.of(
                        new Property<>("field", Kind.FIELD, true, "the field set", ProcessingTime::setField)),
                values -> null));
        add(new BeanType<>(ReferenceTable.class, Role.TABLE, "Rows by key from a CSV file or a table, shared by lookups "
                + "and jq stages", ReferenceTable::new, List.of(
                        new Property<>("source", Kind.REFERENCE, true, "where the rows are", ReferenceTable::setSource),
                        new Property<>("key", Kind.FIELD, true, "the column rows are found by", ReferenceTable::setKey),
                        new Property<>("types", Kind.COLUMN_TYPES, false, "CSV columns that are not text",
                                ReferenceTable::setTypes),
                        new Property<>("reload", Kind.RELOAD, false, "when the rows are read again", ReferenceTable::setReload)),
                values -> null));
        add(new BeanType<>(ReferenceLookup.class, Role.STAGE, "Adds a field looked up by key in a reference",
                ReferenceLookup::new, List.of(
                        new Property<>("reference", Kind.REFERENCE, false, "where the rows are (or table)",
                                ReferenceLookup::setReference),
                        new Property<>("table", Kind.TABLE_BEAN, false, "a ReferenceTable bean (or reference)",
                                ReferenceLookup::setTable),
                        new Property<>("keyField", Kind.FIELD, true, "the record's field looked up", ReferenceLookup::setKeyField),
                        new Property<>("targetField", Kind.FIELD, true, "the field added", ReferenceLookup::setTargetField),
                        new Property<>("keyColumn", Kind.FIELD, false, "the reference's key column (default keyField)",
                                ReferenceLookup::setKeyColumn),
                        new Property<>("valueColumn", Kind.FIELD, false, "the column whose value is added (default "
                                + "targetField)", ReferenceLookup::setValueColumn),
                        new Property<>("defaultValue", Kind.TEXT, false, "the value for an unknown key",
                                ReferenceLookup::setDefaultValue),
                        new Property<>("types", Kind.COLUMN_TYPES, false, "CSV columns that are not text",
                                ReferenceLookup::setTypes),
                        new Property<>("reload", Kind.RELOAD, false, "when the rows are read again",
                                ReferenceLookup::setReload)),
                values -> values.containsKey("reference") == values.containsKey("table")
                        ? "a ReferenceLookup takes either reference or table" : null));
        add(new BeanType<>(QueryLookup.class, Role.STAGE, "Adds the columns of the first row a SELECT finds, its :field "
                + "marks bound to the record's fields", QueryLookup::new, List.of(
                        new Property<>("name", Kind.NAME, false, "the stage's name (default query)", QueryLookup::setName),
                        new Property<>("query", Kind.SELECT, true, "the SELECT", QueryLookup::setQuery),
                        new Property<QueryLookup>("cacheSize", Kind.SIZE, false, "rows kept by parameter values (default "
                                + "10000; 0 keeps none)", (bean, text) -> bean.setCacheSize(Integer.parseInt(text.trim())))),
                values -> null));
    }

    private BeanTypes() {
    }

    private static void add(BeanType<?> type) {
        TYPES.put(type.type().getName(), type);
    }

    /** A setter that may throw jq's checked exception: the routes check reports it at the property. */
    private interface JqSetter<T> {
        void set(T bean, String value) throws Exception;
    }

    private static <T> BiConsumer<T, String> jq(JqSetter<T> setter) {
        return (bean, value) -> {
            try {
                setter.set(bean, value);
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
    }

    /** The type named by a routes file's {@code type:}, if a routes file may declare it. */
    static Optional<BeanType<?>> named(String type) {
        return Optional.ofNullable(TYPES.get(type));
    }

    /** Every type, in the order of the docs. */
    public static List<BeanType<?>> all() {
        return List.copyOf(TYPES.values());
    }
}
