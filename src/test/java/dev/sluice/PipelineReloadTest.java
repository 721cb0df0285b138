package dev.sluice;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * A changed pipeline file is picked up without a restart, through the same Camel route reload that
 * {@code ./mvnw quarkus:dev} switches on (the {@code %dev} keys in application.properties).
 */
@QuarkusTest
@TestProfile(PipelineReloadTest.Reload.class)
class PipelineReloadTest {

    static final Path ROUTES = Path.of("target/reload-routes");

    public static class Reload implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PipelineFiles.clean(ROUTES);
            try (var files = Files.list(Path.of("routes"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, ROUTES.resolve(file.getFileName()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("sluice.routes-dir", ROUTES.toString(),
                    "camel.main.routes-reload-enabled", "true",
                    "camel.main.routes-reload-directory", ROUTES.toString(),
                    "camel.main.routes-reload-pattern", "*.yaml");
        }
    }

    @Test
    void aChangedPipelineFileReplacesTheRunningPipeline() throws IOException {
        when().get("/pipelines").then().body("name", hasItem("robot-anomalies"));
        Path file = ROUTES.resolve("robot-anomalies.yaml");
        Files.writeString(file, Files.readString(file).replace("id: robot-anomalies", "id: robot-anomalies-v2"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> when().get("/pipelines").then()
                .body("name", hasItem("robot-anomalies-v2")).body("name", not(hasItem("robot-anomalies"))));
    }
}
