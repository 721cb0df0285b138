package dev.sluice;

import static dev.sluice.PipelineFiles.awaitDone;
import static dev.sluice.PipelineFiles.clean;
import static dev.sluice.PipelineFiles.deadLetters;
import static dev.sluice.PipelineFiles.drop;
import static dev.sluice.PipelineFiles.fixture;
import static dev.sluice.Metrics.batches;
import static dev.sluice.Metrics.delta;
import static dev.sluice.Metrics.meter;
import static dev.sluice.Metrics.number;
import static dev.sluice.Metrics.pipeline;
import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.app.SampleGenerator;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The file pipelines through the real application: files dropped into the input directory as a user would, rows
 * read back from the database, dead letters from their file, metrics from the HTTP endpoints. Runs on the embedded
 * H2 default; {@link FilePipelinePostgresTest} runs the same tests on PostgreSQL.
 */
@QuarkusTest
class FilePipelineTest {

    static final String ETL = "robot-telemetry-etl";
    static final String ANOMALIES = "robot-anomalies";
    static final Path ETL_IN = Path.of("target/test-data/etl/in");
    static final Path ETL_DONE = Path.of("target/test-data/etl/done");
    static final Path ANOMALIES_IN = Path.of("target/test-data/anomalies/in");
    static final Path ANOMALIES_DONE = Path.of("target/test-data/anomalies/done");
    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    Database database;

    Rows rows;

    @BeforeEach
    void cleanSlate() {
        rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry", "DELETE FROM robot_anomalies");
        clean(ETL_DONE);
        clean(ANOMALIES_DONE);
        clean(DLQ);
    }

    @Test
    void malformedCorpus_writesTheGoodRecordsAndDeadLettersEachBadOneWithItsReason() throws IOException {
        Map<String, Object> before = pipeline(ETL);
        Instant start = Instant.now();

        drop(ETL_IN, "malformed.jsonl", fixture("etl-malformed/input.jsonl"));
        awaitDone(ETL_IN, "malformed.jsonl", ETL_DONE);

        List<Map<String, Object>> written = rows.query("SELECT robot_id, seq, ts, status, temperature_c, battery_pct, "
                + "value, region, attributes, origin_source, origin_position FROM robot_telemetry ORDER BY robot_id, seq");
        String source = ETL_IN.resolve("malformed.jsonl").toString();
        assertThat(written).containsExactly(
                row("r-0001", 1, "2026-11-26T10:00:00.123Z", "active", 41.5, 87L, 3.2, "eu-west", null, source, 1),
                row("r-0005", 1, "2026-11-26T10:00:05.500Z", "active", 95.25, 12L, -1.5, "eu-west", null, source, 21),
                row("r-0099", 7, "2026-11-26T08:00:02Z", "active", null, null, null, "unknown",
                        Map.of("firmware", "v1.2", "tags", List.of("a", "b")), source, 4));
        for (Map<String, Object> row : rows.query("SELECT processed_at FROM robot_telemetry")) {
            assertThat(Instant.parse((String) row.get("processed_at"))).isBetween(start.minusSeconds(1), Instant.now());
        }

        List<Map<String, Object>> expected = TestJson.MAPPER.readValue(fixture("etl-malformed/expected-dead-letters.json"),
                new TypeReference<>() {
                });
        List<Map<String, Object>> actual = new ArrayList<>();
        for (Map<String, Object> entry : deadLetters(DLQ.resolve(ETL + ".jsonl"))) {
            assertThat(entry).containsEntry("pipeline", ETL).containsEntry("source", source);
            assertThat(Instant.parse((String) entry.get("time"))).isBetween(start, Instant.now());
            Map<String, Object> comparable = new LinkedHashMap<>(entry);
            assertThat((String) entry.get("id")).startsWith("file:");
            comparable.keySet().removeAll(List.of("id", "pipeline", "source", "time"));
            // the database's own words differ between H2 and PostgreSQL; the SQLState does not
            comparable.computeIfPresent("reason", (k, v) -> ((String) v).startsWith("database refused")
                    ? ((String) v).substring(0, ((String) v).indexOf("):") + 1) : v);
            actual.add(comparable);
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);

        Map<String, Object> after = pipeline(ETL);
        assertThat(delta(before, after, "records_read")).isEqualTo(23);
        assertThat(delta(before, after, "records_processed")).isEqualTo(3);
        assertThat(delta(before, after, "records_duplicate")).as("line 25 is another record under line 1's key")
                .isZero();
        assertThat(delta(before, after, "records_conflict")).isEqualTo(1);
        assertThat(delta(before, after, "records_filtered")).isEqualTo(1);
        assertThat(delta(before, after, "errors")).isEqualTo(expected.size());
    }

    @Test
    void sameFileTwice_addsNoRow() throws IOException {
        Path file = Files.createTempFile("sample", ".jsonl");
        SampleGenerator.Sample sample = SampleGenerator.write(file, 300, 0.3, 0, 7);
        byte[] content = Files.readAllBytes(file);
        Map<String, Object> before = pipeline(ETL);

        drop(ETL_IN, "first.jsonl", content);
        awaitDone(ETL_IN, "first.jsonl", ETL_DONE);
        List<Map<String, Object>> afterFirst = rows.query(
                "SELECT robot_id, seq, ts, temperature_c, processed_at FROM robot_telemetry ORDER BY robot_id, seq");
        drop(ETL_IN, "again.jsonl", content);
        awaitDone(ETL_IN, "again.jsonl", ETL_DONE);

        assertThat(afterFirst).hasSize((int) sample.active());
        assertThat(rows.query("SELECT robot_id, seq, ts, temperature_c, processed_at FROM robot_telemetry "
                + "ORDER BY robot_id, seq")).isEqualTo(afterFirst);
        Map<String, Object> after = pipeline(ETL);
        assertThat(delta(before, after, "records_processed")).isEqualTo(2 * sample.active());
        assertThat(delta(before, after, "records_duplicate")).isEqualTo(sample.active());
        assertThat(deadLetters(DLQ.resolve(ETL + ".jsonl"))).isEmpty();
    }

    @Test
    void batchesCloseAtTheirSizeThenAtTheEndOfTheFile() throws IOException {
        Path file = Files.createTempFile("sample", ".jsonl");
        SampleGenerator.write(file, 1234, 0.0, 0, 11);
        double bySize = batches(ETL, "size");
        double byIdle = batches(ETL, "idle");
        double recordsBatched = meter("sluice_batch_size_records_sum", "pipeline=\"" + ETL + "\"");

        drop(ETL_IN, "batches.jsonl", Files.readAllBytes(file));
        awaitDone(ETL_IN, "batches.jsonl", ETL_DONE);

        assertThat(rows.count("robot_telemetry")).isEqualTo(1234);
        // how many batches fill up before their window ends depends on the machine; what holds on any: full batches
        // of 500, and the last one (at least the last 234 records) closed by the end of the file (flush on idle)
        double full = batches(ETL, "size") - bySize;
        double atTheEnd = batches(ETL, "idle") - byIdle;
        assertThat(full).isBetween(0.0, 2.0);
        assertThat(atTheEnd).isEqualTo(1.0);
        assertThat(meter("sluice_batch_size_records_sum", "pipeline=\"" + ETL + "\"") - recordsBatched)
                .isEqualTo(1234.0);
        assertThat(meter("sluice_batch_size_records_max", "pipeline=\"" + ETL + "\"")).isLessThanOrEqualTo(500.0);
    }

    @Test
    void anomalyPipeline_keepsOnlyRecordsAboveTheThresholdMarkedByTheJavaStage() {
        Map<String, Object> before = pipeline(ANOMALIES);
        double anomaliesBefore = meter("sluice_anomalies_total", "");

        drop(ANOMALIES_IN, "temps.jsonl", fixture("anomalies/input.jsonl"));
        awaitDone(ANOMALIES_IN, "temps.jsonl", ANOMALIES_DONE);

        assertThat(rows.query("SELECT robot_id, seq, temperature_c, anomaly FROM robot_anomalies ORDER BY robot_id, seq"))
                .containsExactly(
                        Map.of("robot_id", "r-0001", "seq", 2L, "temperature_c", 85.0, "anomaly", true),
                        Map.of("robot_id", "r-0002", "seq", 1L, "temperature_c", 80.5, "anomaly", true),
                        Map.of("robot_id", "r-0003", "seq", 1L, "temperature_c", 120.0, "anomaly", true));
        Map<String, Object> after = pipeline(ANOMALIES);
        assertThat(delta(before, after, "records_processed")).isEqualTo(3);
        assertThat(delta(before, after, "records_filtered")).isEqualTo(3);
        assertThat(delta(before, after, "errors")).isEqualTo(1);
        assertThat(meter("sluice_anomalies_total", "") - anomaliesBefore).isEqualTo(3.0);
        assertThat(deadLetters(DLQ.resolve(ANOMALIES + ".jsonl"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("line", 7).containsEntry("stage", "parse"));
    }

    @Test
    void pipelinesAreListedWithTheirMetricsAsJson() {
        when().get("/pipelines").then().statusCode(200)
                .body("name", hasItems(ETL, ANOMALIES))
                .body("name", not(hasItems("robot-telemetry-stages")))
                .body("find { it.name == 'robot-telemetry-etl' }.status", org.hamcrest.Matchers.is("Started"))
                .body("find { it.name == 'robot-telemetry-etl' }.source",
                        org.hamcrest.Matchers.startsWith("file://target/test-data/etl/in"));
        when().get("/pipelines/" + ETL).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.is(ETL))
                .body("$", org.hamcrest.Matchers.hasKey("records_processed"))
                .body("$", org.hamcrest.Matchers.hasKey("records_filtered"))
                .body("$", org.hamcrest.Matchers.hasKey("errors"))
                .body("$", org.hamcrest.Matchers.hasKey("duration_seconds"))
                .body("$", org.hamcrest.Matchers.hasKey("throughput"));
        when().get("/pipelines/no-such-pipeline").then().statusCode(404);
    }

    @Test
    void prometheusMetricsCarryThePipelineTagAndMatchTheJson() {
        drop(ETL_IN, "metrics.jsonl", fixture("etl-malformed/input.jsonl"));
        awaitDone(ETL_IN, "metrics.jsonl", ETL_DONE);
        Map<String, Object> json = pipeline(ETL);
        String tag = "pipeline=\"" + ETL + "\"";
        assertThat(meter("sluice_records_processed_total", tag)).isEqualTo(number(json, "records_processed"));
        assertThat(meter("sluice_records_filtered_total", tag)).isEqualTo(number(json, "records_filtered"));
        assertThat(meter("sluice_errors_total", tag)).isEqualTo(number(json, "errors"));
        assertThat(meter("sluice_duration_seconds", tag)).isPositive();
        assertThat(meter("sluice_throughput_records_per_second", tag)).isPositive();
    }

    @Test
    void healthIncludesCamelsContextAndTheDependencies() {
        Management.given().get("/q/health/live").then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("context", "sluice-dependencies"));
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static Map<String, Object> row(String robot, long seq, String ts, String status, Double temperature, Long battery,
            Double value, String region, Object attributes, String source, long line) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("robot_id", robot);
        row.put("seq", seq);
        row.put("ts", ts);
        row.put("status", status);
        row.put("temperature_c", temperature);
        row.put("battery_pct", battery);
        row.put("value", value);
        row.put("region", region);
        row.put("attributes", attributes);
        row.put("origin_source", source);
        row.put("origin_position", line);
        return row;
    }
}
