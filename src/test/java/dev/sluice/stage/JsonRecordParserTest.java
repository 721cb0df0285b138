package dev.sluice.stage;

import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import org.junit.jupiter.api.Test;

class JsonRecordParserTest {

    private final JsonRecordParser parser = new JsonRecordParser();

    JsonRecordParserTest() {
        parser.setRequired("robot_id:string, ts:timestamp, seq:integer, status:string");
        parser.setOptional("temperature_c:number, tags:array");
    }

    static RecordOrigin origin(byte[] bytes) {
        return new RecordOrigin(dev.sluice.Unwatched.stats("p"), new Location.FileLine("f.jsonl", 1), bytes,
                TestAcks.NONE, false);
    }

    private Map<String, Object> parse(String json) throws InvalidRecordException {
        return parser.parse(origin(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepsEveryFieldInOrderWithJsonTypes() throws Exception {
        Map<String, Object> record = parse("{\"robot_id\":\"r-1\",\"ts\":\"2026-11-26T10:00:00.123Z\",\"seq\":17,"
                + "\"status\":\"active\",\"temperature_c\":41.5,\"extra\":{\"a\":[1,true,null]},\"tags\":[]}");
        assertThat(record).containsExactly(Map.entry("robot_id", "r-1"), Map.entry("ts", "2026-11-26T10:00:00.123Z"),
                Map.entry("seq", 17), Map.entry("status", "active"), Map.entry("temperature_c", 41.5),
                Map.entry("extra", Map.of("a", Arrays.asList(1, true, null))), Map.entry("tags", List.of()));
    }

    @Test
    void acceptsTimestampsWithAnyOffsetAndBigIntegers() throws Exception {
        assertThat(parse("{\"robot_id\":\"r\",\"ts\":\"2026-11-26T10:00:00+02:00\",\"seq\":9223372036854775807,"
                + "\"status\":\"x\"}")).containsEntry("seq", Long.MAX_VALUE);
    }

    @Test
    void acceptsAnOptionalFieldThatIsAbsentOrNull() throws Exception {
        assertThat(parse("{\"robot_id\":\"r\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"x\","
                + "\"temperature_c\":null}")).containsEntry("temperature_c", null);
    }

    @Test
    void rejectsWithAReasonForEachWayARecordCanBeWrong() {
        String ok = "\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"x\"";
        assertRejected("", "not a JSON object: found nothing");
        assertRejected("{", "not JSON: Unexpected end-of-input: expected close marker for Object");
        assertRejected("17", "not a JSON object: found a number");
        assertRejected("null", "not a JSON object: found null");
        assertRejected("{\"robot_id\":\"r\"," + ok + "}{}", "not JSON: unexpected '{' after the object");
        assertRejected("{\"robot_id\":null," + ok + "}", "missing required field 'robot_id'");
        assertRejected("{\"robot_id\":[\"r\"]," + ok + "}", "field 'robot_id' must be a string, got [\"r\"]");
        assertRejected("{\"robot_id\":\"r\",\"ts\":\"2026-11-26 10:00:00\",\"seq\":1,\"status\":\"x\"}",
                "field 'ts' must be an ISO-8601 timestamp with offset, got \"2026-11-26 10:00:00\"");
        assertRejected("{\"robot_id\":\"r\",\"ts\":\"2026-11-26T10:00:00\",\"seq\":1,\"status\":\"x\"}",
                "field 'ts' must be an ISO-8601 timestamp with offset, got \"2026-11-26T10:00:00\"");
        assertRejected("{\"robot_id\":\"r\"," + ok + ",\"tags\":\"a\"}", "field 'tags' must be an array, got \"a\"");
        assertRejected("{\"robot_id\":\"" + "r".repeat(100) + "\",\"ts\":1,\"seq\":1,\"status\":\"x\"}",
                "field 'ts' must be an ISO-8601 timestamp with offset, got 1");
    }

    @Test
    void rejectsWhatJsonSpellsButNoColumnHolds_aLoneSurrogateOrANumberBeyondADouble() throws Exception {
        String ok = "\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"x\"";
        String unpaired = " is not valid Unicode: an escaped surrogate (\\ud800-\\udfff) without its pair";
        assertRejected("{\"robot_id\":\"\\ud800x\"," + ok + "}", "field 'robot_id'" + unpaired);
        assertRejected("{\"robot_id\":\"r\"," + ok + ",\"site\":{\"name\":[\"a\",\"\\udc00\"]}}",
                "field 'site.name[1]'" + unpaired);
        assertRejected("{\"robot_id\":\"r\"," + ok + ",\"\\ud83d\":1}", "a field name" + unpaired);
        assertRejected("{\"robot_id\":\"r\"," + ok + ",\"temperature_c\":1e400}",
                "field 'temperature_c' is a number beyond the range of a double (±1.8e308)");
        assertRejected("{\"robot_id\":\"r\"," + ok + ",\"x\":{\"y\":-1e400}}",
                "field 'x.y' is a number beyond the range of a double (±1.8e308)");
        // a pair written as two escapes is one character, and the largest doubles are numbers
        assertThat(parse("{\"robot_id\":\"\\ud83d\\ude00\"," + ok + ",\"temperature_c\":1.7e308}"))
                .containsEntry("robot_id", "\ud83d\ude00").containsEntry("temperature_c", 1.7e308);

        JsonRecordParser exact = new JsonRecordParser();
        exact.setRequired("amount:decimal, rate:number");
        assertThatThrownBy(() -> exact.parse(origin("{\"amount\":1e400,\"rate\":1e400}".getBytes(StandardCharsets.UTF_8))))
                .hasMessage("field 'rate' is a number beyond the range of a double (±1.8e308)");
        assertThat(exact.parse(origin("{\"amount\":1e400,\"rate\":2.5}".getBytes(StandardCharsets.UTF_8))))
                .containsEntry("amount", new java.math.BigDecimal("1e400")).containsEntry("rate", 2.5);
    }

    /**
     * A schema with a decimal field reads that field exactly and only that one: every other number of the record,
     * declared or not, nested too, is a double as without the schema, and one beyond a double is refused with its path.
     */
    @Test
    void decimalAppliesToTheFieldsDeclaredDecimalOnly() throws Exception {
        JsonRecordParser exact = new JsonRecordParser();
        exact.setRequired("amount:decimal");
        Map<String, Object> record = exact.parse(origin(
                "{\"amount\":12.10,\"fee\":0.1,\"meta\":{\"ratio\":[0.25,1.5]}}".getBytes(StandardCharsets.UTF_8)));
        assertThat(record.get("amount")).isEqualTo(new java.math.BigDecimal("12.10"));
        assertThat(record.get("fee")).isEqualTo(0.1);
        assertThat(record.get("meta")).isEqualTo(Map.of("ratio", java.util.List.of(0.25, 1.5)));
        assertThatThrownBy(() -> exact.parse(origin("{\"amount\":1,\"meta\":{\"big\":[1,1e400]}}"
                .getBytes(StandardCharsets.UTF_8))))
                .hasMessage("field 'meta.big[1]' is a number beyond the range of a double (±1.8e308)");
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
        assertThatThrownBy(() -> parse("{\"a\":" + deep + "}")).isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("not JSON: Document nesting depth");
    }

    @Test
    void rejectsInvalidUtf8EvenInsideAString() {
        byte[] bytes = "{\"robot_id\":\"r-?\"}".getBytes(StandardCharsets.UTF_8);
        bytes[15] = (byte) 0xC3; // a lead byte without its continuation
        assertThatThrownBy(() -> parser.parse(origin(bytes))).hasMessage("not valid UTF-8");
    }

    @Test
    void rejectsATruncatedRecordWithoutParsingIt() {
        RecordOrigin cut = new RecordOrigin(dev.sluice.Unwatched.stats("p"), new Location.FileLine("f", 3),
                "{\"a\":".getBytes(StandardCharsets.UTF_8), TestAcks.NONE, true);
        assertThatThrownBy(() -> parser.parse(cut)).hasMessageStartingWith("record longer than the limit of 5 bytes");
    }

    @Test
    void refusesAMalformedSchema() {
        assertThatThrownBy(() -> parser.setRequired("seq")).hasMessage("Field spec 'seq' must be name:type");
        assertThatThrownBy(() -> parser.setRequired("seq:int")).hasMessageStartingWith("Unknown field type 'int'");
    }

    private void assertRejected(String json, String reason) {
        assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(InvalidRecordException.class).hasMessage(reason);
    }

    /**
     * The parser reads a record straight into maps and values; Jackson's databind, strict UTF-8 decoding first, is the
     * reference: the same values and types, the same field order, and a record refused by one is refused by the other.
     */
    @Test
    void readsEveryRecordAsJacksonsDatabindDoes() throws Exception {
        JsonRecordParser any = new JsonRecordParser();
        JsonRecordParser exact = new JsonRecordParser();
        exact.setOptional("amount:decimal");
        List<String> corpus = List.of("{}", "{\"a\":1}", "{\"a\":2147483648,\"b\":-9223372036854775809,\"c\":0}",
                "{\"a\":1.5,\"b\":-0.0,\"c\":1e300,\"d\":1E-7,\"e\":123456789012345678901234567890.5}",
                "{\"n\":{\"m\":[1,[2,{\"x\":null}],\"s\",true,false]},\"z\":\"\\u00e9\\n\\t\\\"\"}",
                "{\"amount\":12.30,\"other\":0.1}", "{\"amount\":0.1000,\"x\":[0.5,{\"y\":2.25}]}",
                "{\"é\":\"ü€𝄞\",\"\\ud834\\udd1e\":1}", "{\"a\":1,\"a\":2}", "{\"a\":1}x", "{\"a\":1} ",
                "[1]", "\"s\"", "{\"a\":}", "{\"a\":1,}", "{\"a\":tru}", "{\"a\":NaN}", "{\"a\":01}",
                "{\"a\":\"\\ud800\"}", "{\"a\":1e400}", "{\"a\":[1e400]}", "\ufeff{\"a\":1}", "{\"a\":\"\u0001\"}");
        for (JsonRecordParser parser : List.of(any, exact)) {
            for (String json : corpus) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                Object expected;
                try {
                    expected = reference(bytes, parser == exact);
                } catch (Exception e) {
                    expected = "refused";
                }
                Object actual;
                try {
                    actual = parser.parse(origin(bytes));
                } catch (InvalidRecordException e) {
                    actual = "refused";
                }
                if (expected instanceof Map<?, ?> map && !(actual instanceof String)) {
                    assertThat(actual).as(json).isEqualTo(map);
                    assertThat(List.copyOf(((Map<?, ?>) actual).keySet())).as(json).isEqualTo(List.copyOf(map.keySet()));
                    assertThat(types(actual)).as(json).isEqualTo(types(map));
                } else {
                    assertThat(actual).as(json).isEqualTo(expected);
                }
            }
        }
    }

    /** What the databind path made of a record, with what a record may not hold (Infinity, a lone surrogate) refused. */
    private static Object reference(byte[] bytes, boolean exact) throws Exception {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        com.fasterxml.jackson.databind.ObjectReader reader = Json.MAPPER.readerFor(
                new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {
                });
        if (exact) {
            reader = reader.with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        }
        try (com.fasterxml.jackson.core.JsonParser parser = Json.MAPPER.createParser(text)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            Map<String, Object> record = reader.readValue(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("trailing");
            }
            if (exact) {
                record.replaceAll((k, v) -> k.equals("amount") ? (v instanceof java.math.BigDecimal ? v
                        : new java.math.BigDecimal(v.toString())) : doubles(v));
            }
            String values = String.valueOf(record);
            if (values.contains("Infinity") || !values.equals(new String(values.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8))) {
                throw new IllegalArgumentException("unstorable");
            }
            return record;
        }
    }

    @SuppressWarnings("unchecked")
    private static Object doubles(Object value) {
        if (value instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).replaceAll((k, v) -> doubles(v));
        } else if (value instanceof List<?> list) {
            ((List<Object>) list).replaceAll(JsonRecordParserTest::doubles);
        }
        return value;
    }

    /** The value's Java types, nested: Integer and Long and Double told apart. */
    private static Object types(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, types(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JsonRecordParserTest::types).toList();
        }
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
