package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.dependency.Database;
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
