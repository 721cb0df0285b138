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
}
