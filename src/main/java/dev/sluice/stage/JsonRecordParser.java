package dev.sluice.stage;

import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.record.RecordOrigin;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first stage of every pipeline: turns the raw bytes of one record into a JSON object (a {@code Map} body)
 * and checks it against a small schema. A record that is not valid UTF-8, not JSON, not an object, or breaks the
 * schema throws {@link InvalidRecordException} with the reason, which sends it to the dead-letter queue.
 *
 * <p>
 * Declared in a pipeline's {@code beans:} with two properties, each a comma-separated list of
 * {@code field:type} (types: string, integer, number, decimal, boolean, timestamp, object, array; see
 * {@link FieldType}):
 * {@code required} (must be present with that type) and {@code optional} (may be absent or null, else must have
 * that type). Fields not listed are kept as they are.
 */
public class JsonRecordParser implements Processor {

    private List<FieldSpec> required = List.of();
    private List<FieldSpec> optional = List.of();

    record FieldSpec(String name, FieldType type) {
        static List<FieldSpec> parseList(String specs) {
            return specs.isBlank() ? List.of()
                    : Arrays.stream(specs.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                            .map(FieldSpec::parse).toList();
        }

        static FieldSpec parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Field spec '" + spec + "' must be name:type");
            }
            return new FieldSpec(spec.substring(0, colon).trim(), FieldType.parse(spec.substring(colon + 1)));
        }
    }

    private boolean exact;

    public void setRequired(String specs) {
        this.required = FieldSpec.parseList(specs);
        exact = hasDecimals();
    }

    public void setOptional(String specs) {
        this.optional = FieldSpec.parseList(specs);
        exact = hasDecimals();
    }

    private boolean hasDecimals() {
        return Stream.concat(required.stream(), optional.stream())
                .anyMatch(spec -> spec.type() == FieldType.DECIMAL);
    }

    /**
     * Parses a record read as bytes (a {@link RecordOrigin} body); a record parsed already (a {@code Map} body, as a
     * Java pipeline hands to shared YAML stages) is only checked against this parser's schema.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Object body = exchange.getIn().getBody();
        RecordOrigin origin = RecordOrigin.of(exchange);
        if (!(body instanceof Map<?, ?> && origin != null)) {
            origin = exchange.getIn().getMandatoryBody(RecordOrigin.class);
            origin.attachTo(exchange);
        }
        if (body instanceof Map<?, ?> record) {
            counted(origin, () -> {
                check((Map<String, Object>) record);
                return (Map<String, Object>) record;
            });
        } else {
            exchange.getIn().setBody(read(origin));
        }
    }

    /** Parses a record and counts the outcome in its pipeline's parse stage: what the compiled stages call first. */
    public Map<String, Object> read(RecordOrigin origin) throws InvalidRecordException {
        return counted(origin, () -> parse(origin));
    }

    private interface Parse {
        Map<String, Object> run() throws InvalidRecordException;
    }

    private static Map<String, Object> counted(RecordOrigin origin, Parse parse) throws InvalidRecordException {
        Map<String, Object> record;
        try {
            record = parse.run();
        } catch (InvalidRecordException e) {
            origin.stats().stage("parse", "failed");
            throw e;
        }
        origin.stats().stage("parse", "out");
        return record;
    }

    /** Parses and validates one record; public so Java pipelines and tests use the same rules. */
    public Map<String, Object> parse(RecordOrigin origin) throws InvalidRecordException {
        if (origin.truncated()) {
            throw new InvalidRecordException("record longer than the limit of " + origin.payload().length
                    + " bytes (sluice.source.max-record-bytes); only its first bytes are kept");
        }
        byte[] payload = origin.payload();
        int scanned = Utf8.scan(payload);
        if (scanned < 0) {
            throw new InvalidRecordException("not valid UTF-8");
        }
        RecordReader reader = new RecordReader(exact);
        Map<String, Object> record = reader.parseObject(payload);
        if (exact) {
            // read exactly for the decimal fields only: every other number, nested too, is a double as without
            for (Map.Entry<String, Object> field : record.entrySet()) {
                if (!isDeclaredDecimal(field.getKey())) {
                    field.setValue(doubles(field.getValue()));
                }
            }
        }
        if (scanned == Utf8.ESCAPES || reader.infinite || exact) {
            // what only an escape (a lone surrogate) or a number out of range can spell; exact numbers become doubles
            checkValues(record);
        }
        check(record);
        return record;
    }

    private boolean isDeclaredDecimal(String field) {
        for (List<FieldSpec> specs : List.of(required, optional)) {
            for (FieldSpec spec : specs) {
                if (spec.name().equals(field) && spec.type() == FieldType.DECIMAL) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The value with every exact number in it made a double (beyond a double's range: Infinity, refused after). */
    @SuppressWarnings("unchecked")
    private static Object doubles(Object value) {
        if (value instanceof BigDecimal exactValue) {
            return exactValue.doubleValue();
        }
        if (value instanceof Map<?, ?> object) {
            for (Map.Entry<String, Object> field : ((Map<String, Object>) object).entrySet()) {
                field.setValue(doubles(field.getValue()));
            }
        } else if (value instanceof List<?> items) {
            List<Object> list = (List<Object>) items;
            for (int i = 0; i < list.size(); i++) {
                list.set(i, doubles(list.get(i)));
            }
        }
        return value;
    }

    /**
     * What JSON can spell but no column or topic can hold, refused here rather than changed on the way out: a
     * {@code \ud800} escape with no partner (stored as '?' by the database), a number beyond a double's range
     * (read as Infinity).
     */
    private static void checkValues(Map<String, Object> record) throws InvalidRecordException {
        Unstorable found = unstorable(record);
        if (found != null) {
            throw new InvalidRecordException(found.message());
        }
    }

    /**
     * A value no column or topic can hold: the path to it (built only for the one found, on the way back up), whether
     * it is a field name (then the path is the object's), and why.
     */
    private record Unstorable(String path, boolean name, String why) {
        static final String UNPAIRED = "is not valid Unicode: an escaped surrogate (\\ud800-\\udfff) without its pair";
        static final String RANGE = "is a number beyond the range of a double (±1.8e308)";

        Unstorable under(String step) {
            return new Unstorable(path.isEmpty() ? step : step + (path.startsWith("[") ? "" : ".") + path, name, why);
        }

        String message() {
            return (name ? (path.isEmpty() ? "a field name" : "a field name in '" + path + "'") : "field '" + path + "'")
                    + " " + why;
        }
    }

    @SuppressWarnings("unchecked")
    private static Unstorable unstorable(Object value) {
        if (value instanceof String text) {
            return validUnicode(text) ? null : new Unstorable("", false, Unstorable.UNPAIRED);
        }
        if (value instanceof Double number) {
            return number.isInfinite() ? new Unstorable("", false, Unstorable.RANGE) : null;
        }
        if (value instanceof Map<?, ?> object) {
            for (Map.Entry<String, Object> field : ((Map<String, Object>) object).entrySet()) {
                if (!validUnicode(field.getKey())) {
                    return new Unstorable("", true, Unstorable.UNPAIRED);
                }
                Unstorable inside = unstorable(field.getValue());
                if (inside != null) {
                    return inside.under(field.getKey());
                }
            }
        } else if (value instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                Unstorable inside = unstorable(items.get(i));
                if (inside != null) {
                    return inside.under("[" + i + "]");
                }
            }
        }
        return null;
    }

    private static boolean validUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    private void check(Map<String, Object> record) throws InvalidRecordException {
        for (FieldSpec spec : required) {
            Object value = record.get(spec.name());
            if (value == null) {
                throw new InvalidRecordException("missing required field '" + spec.name() + "'");
            }
            checkType(spec, value);
            asDeclared(record, spec, value);
        }
        for (FieldSpec spec : optional) {
            Object value = record.get(spec.name());
            if (value != null) {
                checkType(spec, value);
                asDeclared(record, spec, value);
            }
        }
    }

    /** A {@code number} read exactly (a schema with decimals) is a double, as without; a decimal is exact. */
    private static void asDeclared(Map<String, Object> record, FieldSpec spec, Object value)
            throws InvalidRecordException {
        if (spec.type() == FieldType.NUMBER && value instanceof BigDecimal exactValue) {
            double number = exactValue.doubleValue();
            if (Double.isInfinite(number)) {
                throw new InvalidRecordException(new Unstorable(spec.name(), false, Unstorable.RANGE).message());
            }
            record.put(spec.name(), number);
        } else if (spec.type() == FieldType.DECIMAL && !(value instanceof BigDecimal)) {
            record.put(spec.name(), new BigDecimal(value.toString()));
        }
    }

    private static void checkType(FieldSpec spec, Object value) throws InvalidRecordException {
        if (!spec.type().matches(value)) {
            throw new InvalidRecordException("field '" + spec.name() + "' must be " + spec.type().describe()
                    + ", got " + describe(value));
        }
    }

    private static String describe(Object value) {
        try {
            String json = Json.MAPPER.writeValueAsString(value);
            return json.length() > 80 ? json.substring(0, 77) + "..." : json;
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /**
     * Reads one record straight from its bytes into maps, lists and values, without a tree or databind: the values as
     * Jackson's databind makes them (an integer an Integer, Long or BigInteger; a fraction a Double, or a BigDecimal
     * read exactly), field order kept, a duplicate field refused by the parser.
     */
    private static final class RecordReader {
        private final boolean exact;
        /** A fraction read as a double was beyond its range (Infinity): the record is checked for it. */
        boolean infinite;

        RecordReader(boolean exact) {
            this.exact = exact;
        }

        Map<String, Object> parseObject(byte[] bytes) throws InvalidRecordException {
            // a byte-order mark as the decoded text had it: the byte parser would skip it
            try (JsonParser parser = Utf8.startsWithBom(bytes)
                    ? Json.MAPPER.createParser(new String(bytes, StandardCharsets.UTF_8))
                    : Json.MAPPER.createParser(bytes)) {
                JsonToken first = parser.nextToken();
                if (first != JsonToken.START_OBJECT) {
                    throw new InvalidRecordException("not a JSON object: found " + tokenName(first));
                }
                Map<String, Object> record = object(parser);
                JsonToken trailing = parser.nextToken();
                if (trailing != null) {
                    throw new InvalidRecordException("not JSON: unexpected " + tokenName(trailing) + " after the object");
                }
                return record;
            } catch (JsonProcessingException e) {
                throw new InvalidRecordException("not JSON: " + withoutLocation(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new InvalidRecordException("not JSON: " + e.getMessage());
            }
        }

        private Map<String, Object> object(JsonParser parser) throws IOException {
            Map<String, Object> object = new LinkedHashMap<>();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                object.put(name, value(parser, parser.nextToken()));
            }
            return object;
        }

        private Object value(JsonParser parser, JsonToken token) throws IOException {
            return switch (token) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT -> parser.getNumberValue();
                case VALUE_NUMBER_FLOAT -> {
                    if (exact) {
                        yield parser.getDecimalValue();
                    }
                    double number = parser.getDoubleValue();
                    infinite |= Double.isInfinite(number);
                    yield number;
                }
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case START_OBJECT -> object(parser);
                case START_ARRAY -> {
                    List<Object> items = new ArrayList<>();
                    for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                        items.add(value(parser, item));
                    }
                    yield items;
                }
                default -> throw new JsonParseException(parser, "unexpected " + tokenName(token));
            };
        }
    }

    /** Jackson's message without where the problem is: records are one line, and the source is not shown. */
    private static String withoutLocation(String message) {
        int marker = message.indexOf(" (start marker at");
        return (marker < 0 ? message : message.substring(0, marker)).lines().findFirst().orElse(message);
    }

    private static String tokenName(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }
}
