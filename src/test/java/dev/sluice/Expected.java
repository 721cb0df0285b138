package dev.sluice;

import java.util.Map;

import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.stage.JsonRecordParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** What the robot telemetry pipelines make of one record: the row key it becomes, or nothing. */
public final class Expected {

    private static final JsonRecordParser PARSER = new JsonRecordParser();

    static {
        // the schema of routes/robot-telemetry-stages.yaml
        PARSER.setRequired("robot_id:string, ts:timestamp, seq:integer, status:string");
        PARSER.setOptional("temperature_c:number, battery_pct:integer, value:number");
    }

    private Expected() {
    }

    /** {@code robot_id/seq} of the row the record becomes, null if it is filtered or dead-lettered. */
    public static String rowKey(byte[] record) {
        try {
            Map<String, Object> parsed = PARSER.parse(new RecordOrigin(
                    new PipelineMetrics(new SimpleMeterRegistry()).pipeline("expected"), new Location.FileLine("-", 0),
                    record, TestAcks.NONE, false));
            return "active".equals(parsed.get("status")) ? parsed.get("robot_id") + "/" + parsed.get("seq") : null;
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    /** True when the record is dead-lettered by the parser. */
    public static boolean malformed(byte[] record) {
        try {
            PARSER.parse(new RecordOrigin(new PipelineMetrics(new SimpleMeterRegistry()).pipeline("expected"),
                    new Location.FileLine("-", 0), record, TestAcks.NONE, false));
            return false;
        } catch (InvalidRecordException e) {
            return true;
        }
    }
}
