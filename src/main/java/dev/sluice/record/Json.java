package dev.sluice.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one Jackson set-up for records: strict about duplicate keys, fast doubles, and bounded by the one setting for
 * the largest record, {@code sluice.source.max-record-bytes}: no record parsed can be longer than that, hold a string
 * or field name longer than that, nest deeper than {@link #MAX_NESTING_DEPTH}, or hold more tokens than it has bytes
 * (so a hostile record cannot exhaust memory or the stack while it is parsed).
 */
public final class Json {

    /** Deeper nesting than any telemetry record needs, shallow enough that a hostile line cannot blow the stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** {@code sluice.source.max-record-bytes}, read once: the default when no configuration is there (unit tests). */
    public static final int MAX_RECORD_BYTES = ConfigProvider.getConfig()
            .getOptionalValue("sluice.source.max-record-bytes", Integer.class).orElse(1 << 20);

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxDocumentLength(MAX_RECORD_BYTES).maxStringLength(MAX_RECORD_BYTES)
                    .maxNameLength(Math.min(MAX_RECORD_BYTES, 50_000)).maxTokenCount(MAX_RECORD_BYTES).build())
            // the same doubles, correctly rounded, at a fraction of Double.parseDouble's and toString's CPU
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // exact decimals keep their digits (12.50 stays 12.50) and are written as plain numbers
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /**
     * For documents Sluice wrote itself (its dead-letter files, its API's answers to the command line): Jackson's own
     * limits, not a record's, since a dead letter holds a whole record and a page many.
     */
    public static final ObjectMapper OWN = new ObjectMapper();

    /**
     * For request bodies that hold many records: the same limits on nesting and on each string, none on the whole (the
     * HTTP body limit bounds it), and nothing is built from it: records are only delimited.
     */
    private static final JsonFactory BODIES = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();

    /** A parser that delimits the records of a request body (see {@link #MAPPER} for parsing one record). */
    public static JsonParser bodyParser(byte[] body) throws IOException {
        return BODIES.createParser(body);
    }

    private Json() {
    }

    /** A record (or any value of one) as JSON text: what {@code MAPPER.writeValueAsString} writes, faster. */
    public static String writeString(Object value) throws InvalidRecordException {
        StringWriter out = new StringWriter(256);
        write(() -> MAPPER.getFactory().createGenerator(out), value);
        return out.toString();
    }

    /** A record (or any value of one) as UTF-8 JSON: what {@code MAPPER.writeValueAsBytes} writes, faster. */
    public static byte[] writeBytes(Object value) throws InvalidRecordException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(() -> MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8), value);
        return out.toByteArray();
    }

    private interface GeneratorOpener {
        JsonGenerator open() throws IOException;
    }

    private static void write(GeneratorOpener target, Object value) throws InvalidRecordException {
        try (JsonGenerator generator = target.open()) {
            write(generator, value);
        } catch (IOException e) {
            throw new InvalidRecordException("cannot write as JSON: "
                    + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
        }
    }

    /**
     * Writes the values parsed records hold (maps, lists, strings, numbers, booleans) straight to the generator, and
     * anything else through databind: databind looks up a serializer for every value, which was a third of the CPU
     * of writing a row (docs/performance.md).
     */
    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else if (value instanceof Integer number) {
            generator.writeNumber(number);
        } else if (value instanceof Long number) {
            generator.writeNumber(number);
        } else if (value instanceof Double number) {
            generator.writeNumber(number);
        } else if (value instanceof BigDecimal number) {
            generator.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            generator.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            generator.writeBoolean(flag);
        } else {
            MAPPER.writeValue(generator, value);
        }
    }

    /**
     * A JSON tree (a jq result) as the record it is: objects as ordered maps, arrays as lists, exact decimals as
     * {@link BigDecimal}, other numbers as Integer, Long, BigInteger or Double.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toRecord(JsonNode object) {
        return (Map<String, Object>) toValue(object);
    }

    private static Object toValue(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(field -> map.put(field.getKey(), toValue(field.getValue())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(toValue(item)));
                yield list;
            }
            case NUMBER -> node.isBigDecimal() ? node.decimalValue()
                    : node.isDouble() || node.isFloat() ? (Object) node.doubleValue() : node.numberValue();
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            default -> null;
        };
    }

    /** A value as it reads in a message: its JSON, cut at 80 characters. */
    public static String describe(Object value) {
        String json;
        try {
            json = value instanceof JsonNode node ? node.toString() : MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            json = String.valueOf(value);
        }
        return json.length() > 80 ? json.substring(0, 77) + "..." : json;
    }

    /** Parses JSON text from configuration (not a record). */
    public static JsonNode parseTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses one JSON object, for code that reads records itself (a Java {@code DataSource}). */
    public static Map<String, Object> parseObject(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
