package dev.sluice;

import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.api.Pipeline;
import dev.sluice.api.Sinks;
import dev.sluice.api.SluiceApi;
import dev.sluice.api.Sources;
import dev.sluice.api.StreamSource;
import dev.sluice.dependency.Database;
import dev.sluice.runtime.PipelineRuntimes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * What the README shows: the filter of routes/robot-telemetry-stages.yaml, edited while the service runs, is picked
 * up without a restart, through the checked reload that {@code ./mvnw quarkus:dev} switches on
 * ({@code sluice.routes-reload}).
 */
@QuarkusTest
@TestProfile(PipelineReloadTest.Reload.class)
class PipelineReloadTest {

    static final Path ROUTES = Path.of("target/reload-routes");
    static final Path IN = Path.of("target/test-data/reload/in");
    static final Path DONE = Path.of("target/test-data/reload/done");

    public static class Reload implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PipelineFiles.clean(ROUTES);
            PipelineFiles.clean(IN);
            PipelineFiles.clean(DONE);
            try (var files = Files.list(Path.of("routes"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, ROUTES.resolve(file.getFileName()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("sluice.routes-dir", ROUTES.toString(),
                    "sluice.pipelines.robot-telemetry-etl.input-dir", IN.toString(),
                    "sluice.routes-reload", "true");
        }
    }

    @Inject
    Database database;

    @Inject
    PipelineRuntimes runtimes;

    @Inject
    SluiceApi sluice;

    @Test
    void anEditedFilterTakesEffectWithoutARestart() throws IOException {
        Rows rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry");
        Path stages = ROUTES.resolve("robot-telemetry-stages.yaml");
        String before = Files.readString(stages);
        String keepIdle = before.replace("field: status\n        value: active", "field: status\n        value: idle");
        assertThat(keepIdle).as("the filter bean of the stages file").isNotEqualTo(before);

        Files.writeString(stages, keepIdle);

        AtomicInteger attempt = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            int n = attempt.incrementAndGet();
            PipelineFiles.drop(IN, "reload-" + n + ".jsonl", (record("active-" + n, "active") + record("idle-" + n, "idle"))
                    .getBytes(StandardCharsets.UTF_8));
            PipelineFiles.awaitDone(IN, "reload-" + n + ".jsonl", DONE);
            assertThat(rows.query("SELECT robot_id FROM robot_telemetry WHERE robot_id LIKE '%-" + n + "'"))
                    .containsExactly(Map.of("robot_id", "idle-" + n));
        });
        assertThat(rows.query("SELECT status FROM robot_telemetry").stream().map(r -> r.get("status")).distinct().toList())
                .isEqualTo(List.of("idle"));
    }

    static final Path SHORT_IN = Path.of("target/test-data/reload/short-in");

    /** A routes file of one files-to-table pipeline named {@code id}, reading {@code in}. */
    static String pipelineFile(String id, Path in) {
        return """
                - templatedRoute:
                    routeTemplateRef: files-to-table
                    routeId: %s
                    parameters:
                      - name: inputDir
                        value: %s
                      - name: parser
                        value: robotTelemetryParser
                      - name: table
                        value: robot_telemetry
                """.formatted(id, in);
    }

    @Test
    void aPipelineRemovedByAReloadLeavesNoFiguresBehind() throws Exception {
        Path file = ROUTES.resolve("short-lived.yaml");
        Files.writeString(file, pipelineFile("short-lived", SHORT_IN));
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    Metrics.pipeline("short-lived").get("status")).isEqualTo("Started"));
            PipelineFiles.drop(SHORT_IN, "one.jsonl", record("short-1", "active").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    Metrics.pipeline("short-lived").get("records_processed")).isEqualTo(1));
            assertThat(Metrics.meter("sluice_records_processed_total", "pipeline=\"short-lived\"")).isEqualTo(1.0);
        } finally {
            Files.delete(file);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/pipelines/short-lived").then()
                .statusCode(404));
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("pipeline=\"short-lived\"");
        assertThat(runtimes.find("short-lived")).isEmpty();
        assertThat(Metrics.pipeline("robot-telemetry-etl").get("status")).isEqualTo("Started");
    }

    @Test
    void aReloadThatCannotStartItsPipelinesPutsThePreviousOnesBack() throws Exception {
        StreamSource stream = Sources.stream(10, StreamSource.WhenFull.BLOCK);
        Pipeline java = sluice.pipeline("reload-java").from(stream)
                .to(Sinks.jsonLines(Path.of("target/test-data/reload/java.jsonl")));
        java.start();
        Path clash = ROUTES.resolve("clash.yaml");
        try {
            // passes every check of the files, then fails to start: its routeId is the running Java pipeline's
            // moved in whole, so the watcher sees one change and reloads once (a write is a create and a modify)
            Path staged = Files.writeString(Files.createTempFile(ROUTES.getParent(), "clash", ".yaml"),
                    pipelineFile("reload-clash-a", Path.of("target/test-data/reload/clash-in"))
                            + pipelineFile("reload-java", SHORT_IN));
            Files.move(staged, clash, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    (List<?>) Metrics.pipeline("robot-telemetry-etl").get("routes_problems")).singleElement().asString()
                    .startsWith("the reload could not start the new pipelines, the previous ones run again: ")
                    .contains("pipeline reload-java is a Java pipeline's name"));

            when().get("/pipelines/reload-clash-a").then().statusCode(404);
            assertThat(runtimes.find("reload-clash-a")).isEmpty();
            assertThat(Metrics.pipeline("reload-java").get("source")).asString().startsWith("direct:");
            Management.given().get("/q/health/ready").then().statusCode(200);
            // the previous pipelines run: a file is read and written, the Java pipeline takes records
            PipelineFiles.drop(IN, "after-clash.jsonl", record("after-clash", "active").getBytes(StandardCharsets.UTF_8));
            PipelineFiles.awaitDone(IN, "after-clash.jsonl", DONE);
            stream.ingest(Map.of("robot_id", "java-1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> java.metrics().recordsProcessed() == 1);
        } finally {
            Files.deleteIfExists(clash);
            java.stop();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                Metrics.pipeline("robot-telemetry-etl")).doesNotContainKey("routes_problems"));
    }

    static String record(String robot, String status) {
        return "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"" + status + "\"}\n";
    }

    @Test
    void aBrokenFileLeavesThePipelinesRunningAndShowsItsProblem() throws IOException {
        Path broken = ROUTES.resolve("broken.yaml");
        Files.writeString(broken, """
                - route:
                    id: broken-stages
                    from:
                      uri: direct:broken-stages
                      steps:
                        - process:
                            ref: noSuchStage
                """);
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, Object> report = Metrics.pipeline("robot-telemetry-etl");
                assertThat(report.get("status")).isEqualTo("Started");
                assertThat((List<?>) report.get("routes_problems")).singleElement().asString()
                        .endsWith("broken.yaml:7:18: process: no bean named 'noSuchStage'; it needs a stage: process "
                                + "(declare it under beans: with one of JqMapping, ProcessingTime, ReferenceLookup, "
                                + "QueryLookup)");
                assertThat(Metrics.meter("sluice_routes_problems", "")).isEqualTo(1.0);
            });
        } finally {
            Files.delete(broken);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(Metrics.pipeline("robot-telemetry-etl")).doesNotContainKey("routes_problems");
            assertThat(Metrics.meter("sluice_routes_problems", "")).isZero();
        });
    }
}
