package dev.sluice.stage;

import dev.sluice.record.Timestamps;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON types a record schema can require of a field. {@code number} is a double (IEEE 754, as JSON parsers and jq
 * read numbers: 0.1 + 0.2 is not 0.3); {@code decimal} is exact: read as written, kept as a {@code BigDecimal} through
 * the stages (use jq's {@code decimal_*} functions for arithmetic) and written to a NUMERIC column digit for digit.
 */
public enum FieldType {
    STRING, INTEGER, NUMBER, DECIMAL, BOOLEAN, TIMESTAMP, OBJECT, ARRAY;

    static FieldType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown field type '" + name + "'; use one of string, integer, number, "
                    + "decimal, boolean, timestamp, object, array");
        }
    }

    /** True when {@code value}, as Jackson parsed it, has this type. */
    boolean matches(Object value) {
        return switch (this) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            case NUMBER, DECIMAL -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case TIMESTAMP -> value instanceof String s && Timestamps.parse(s) != null;
            case OBJECT -> value instanceof Map;
            case ARRAY -> value instanceof List;
        };
    }

    String describe() {
        return switch (this) {
            case INTEGER -> "an integer";
            case DECIMAL -> "a number";
            case TIMESTAMP -> "an ISO-8601 timestamp with offset";
            case OBJECT, ARRAY -> "an " + name().toLowerCase(Locale.ROOT);
            default -> "a " + name().toLowerCase(Locale.ROOT);
        };
    }
}
