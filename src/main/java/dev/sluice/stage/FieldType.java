package dev.sluice.stage;

import dev.sluice.record.Timestamps;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON types a record schema can require of a field. */
public enum FieldType {
    STRING, INTEGER, NUMBER, BOOLEAN, TIMESTAMP, OBJECT, ARRAY;

    static FieldType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown field type '" + name + "'; use one of string, integer, number, "
                    + "boolean, timestamp, object, array");
        }
    }

    /** True when {@code value}, as Jackson parsed it, has this type. */
    boolean matches(Object value) {
        return switch (this) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            case NUMBER -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case TIMESTAMP -> value instanceof String s && Timestamps.parse(s) != null;
            case OBJECT -> value instanceof Map;
            case ARRAY -> value instanceof List;
        };
    }

    String describe() {
        return switch (this) {
            case INTEGER -> "an integer";
            case TIMESTAMP -> "an ISO-8601 timestamp with offset";
            case OBJECT, ARRAY -> "an " + name().toLowerCase(Locale.ROOT);
            default -> "a " + name().toLowerCase(Locale.ROOT);
        };
    }
}
