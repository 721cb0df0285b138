package dev.sluice.ops;

import dev.sluice.Management;
import static dev.sluice.PipelineFiles.awaitDone;
import static dev.sluice.PipelineFiles.drop;
import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sluice.Metrics;
import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.api.Pipeline;
import dev.sluice.api.SluiceApi;
import dev.sluice.api.Sinks;
import dev.sluice.api.Sources;
import dev.sluice.api.StreamSource;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A pipeline whose records go to the dead-letter queue too often pauses its source: nothing more is read, nothing in
 * flight is lost, the pipeline (not readiness: the service still works) says why, and it resumes on request. An
 * HTTP-fed pipeline is never paused: a sender whose records fail gets 422 with the reasons, and others go on; nor is a
 * pipeline fed by Java code.
 */
@QuarkusTest
@TestProfile(ErrorBudgetTest.TightBudget.class)
class ErrorBudgetTest {

    static final Path IN = Path.of("target/test-data/budget/in");
    static final Path DONE = Path.of("target/test-data/budget/done");
    static final Path ANOMALIES_IN = Path.of("target/test-data/anomalies/in");
    static final Path ANOMALIES_DONE = Path.of("target/test-data/anomalies/done");

    public static class TightBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PipelineFiles.clean(IN);
            PipelineFiles.clean(DONE);
            return Map.of("sluice.error-budget.min-records", "10", "sluice.error-budget.threshold", "0.5",
                    "sluice.error-budget.pause", "PT1H",
                    "sluice.pipelines.robot-telemetry-etl.input-dir", IN.toString(),
                    "quarkus.security.users.embedded.users.careless", HttpSecurityTest.hash("c-pass"),
                    "quarkus.security.users.embedded.roles.careless", "ingest",
                    "quarkus.security.users.embedded.users.careful", HttpSecurityTest.hash("k-pass"),
                    "quarkus.security.users.embedded.roles.careful", "ingest");
        }
    }

    @Inject
    Database database;

    @Test
    void tooManyDeadLettersPauseTheSourceUntilResumed() throws Exception {
        Rows rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry");
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bad.append("not json ").append(i).append('\n');
        }
        drop(IN, "bad.jsonl", bad.toString().getBytes(StandardCharsets.UTF_8));
        awaitDone(IN, "bad.jsonl", DONE);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> when().get("/pipelines/robot-telemetry-etl").then()
                .body("status", is("Suspended")));
        String reason = when().get("/pipelines/robot-telemetry-etl").then().extract().path("problem");
        assertThat(reason).startsWith("paused: ").contains("of the last").contains("dead-lettered within PT1M");
        assertThat(Metrics.meter("sluice_pipeline_paused", "pipeline=\"robot-telemetry-etl\"")).isEqualTo(1.0);
        // one pipeline's trouble is not the service's: readiness stays UP, so Kubernetes keeps sending it traffic
        Management.given().get("/q/health/ready").then().log().ifValidationFails().statusCode(200);
        Management.given().get("/q/health/live").then().statusCode(200);

        // a paused pipeline still takes replays: its route runs, only its source is suspended
        String id = given().queryParam("reason", "not JSON").queryParam("limit", 1000)
                .get("/pipelines/robot-telemetry-etl/dead-letters").then().statusCode(200).extract().jsonPath()
                .getString("dead_letters.find { it.payload == 'not json 0' }.id");
        given().contentType("application/json").body(Map.of("ids", List.of(id)))
                .post("/pipelines/robot-telemetry-etl/dead-letters/replay").then().statusCode(200)
                .body("results[0].outcome", is("dead-lettered"));

        byte[] good = ("{\"robot_id\":\"b-1\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\","
                + "\"temperature_c\":20.0}\n").getBytes(StandardCharsets.UTF_8);
        drop(IN, "good.jsonl", good);
        // a witness: the same file, dropped at the same time into a pipeline that runs, is read and done
        drop(ANOMALIES_IN, "witness.jsonl", good);
        awaitDone(ANOMALIES_IN, "witness.jsonl", ANOMALIES_DONE);
        assertThat(IN.resolve("good.jsonl")).as("a paused pipeline reads nothing").exists();
        assertThat(rows.count("robot_telemetry")).isZero();

        given().contentType("application/json").post("/pipelines/robot-telemetry-etl/resume").then().statusCode(200)
                .body("status", is("Started")).body("problem", nullValue());
        assertThat(Metrics.meter("sluice_pipeline_paused", "pipeline=\"robot-telemetry-etl\"")).isZero();

        awaitDone(IN, "good.jsonl", DONE);
        assertThat(rows.count("robot_telemetry")).isEqualTo(1);
        assertThat(Files.exists(IN.resolve("bad.jsonl"))).isFalse();
    }

    @Test
    void aSenderWhoseRecordsFailGetsThem422WithTheReasonsWhileOthersGoOn() {
        String careless = "careless-" + System.nanoTime();
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bad.append("{\"robot_id\":\"").append(careless).append("\",\"ts\":\"2026-11-26T10:00:00Z\",\"status\":\"active\"}\n");
        }
        given().auth().preemptive().basic("careless", "c-pass").contentType("application/x-ndjson").body(bad.toString().getBytes(StandardCharsets.UTF_8))
                .post(HTTP_RECORDS).then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().preemptive()
                .basic("careless", "c-pass").contentType("application/json").body(record(careless + "-fixed"))
                .post(HTTP_RECORDS).then().statusCode(422).header("Retry-After", "60")
                .body("error", startsWith("20 of your last 20 records to robot-telemetry-http were dead-lettered"))
                .body("reasons", contains("parse: missing required field 'seq'")));

        String careful = "careful-" + System.nanoTime();
        given().auth().preemptive().basic("careful", "k-pass").contentType("application/json").body(record(careful))
                .post(HTTP_RECORDS).then().statusCode(202);
        Rows rows = new Rows(database);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.count("robot_telemetry WHERE robot_id = '" + careful
                + "'") == 1);
        when().get("/pipelines/robot-telemetry-http").then().body("status", is("Started")).body("problem", nullValue());
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    @Inject
    SluiceApi sluice;

    @Test
    void aPipelineFedByJavaCodeIsNeverPausedWhateverItsRecordsDo() throws Exception {
        StreamSource stream = Sources.stream(100, StreamSource.WhenFull.BLOCK);
        Pipeline pipeline = sluice.pipeline("budget-java").from(stream).schema("seq:integer", "")
                .to(Sinks.jsonLines(Path.of("target/test-data/budget/java.jsonl")));
        pipeline.start();
        try {
            for (int i = 0; i < 20; i++) {
                stream.ingest(Map.of("no_seq", i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.metrics().errors() == 20);

            when().get("/pipelines/budget-java").then().body("status", is("Started")).body("problem", nullValue())
                    .body("errors", is(20));
            assertThat(Metrics.meter("sluice_pipeline_paused", "pipeline=\"budget-java\"")).isZero();
            // it still takes records: the next good one is written
            stream.ingest(Map.of("seq", 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.metrics().recordsProcessed() == 1);
        } finally {
            pipeline.stop();
        }
    }

    static final String HTTP_RECORDS = "/pipelines/robot-telemetry-http/records";

    static String record(String robot) {
        return "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}";
    }
}
