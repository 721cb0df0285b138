package dev.sluice.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.sluice.PostgresProfile;

/**
 * The application with its Kafka pipelines on, reading topics of their own (named per test run, so runs on one
 * broker never see each other's records), writing to PostgreSQL, plus the test pipeline of src/test/resources/test-routes.
 */
public class KafkaProfile extends PostgresProfile {

    static final String RUN = Long.toString(System.currentTimeMillis());
    public static final String TOPIC = "kt.telemetry." + RUN;
    public static final String ENRICHED = "kt.telemetry.enriched." + RUN;
    public static final String STAGE_FAILURE_TOPIC = "kt.stage-failure." + RUN;
    public static final String STREAM_GROUP = "kt-stream-" + RUN;
    public static final String FILES_TOPIC = "kt.files." + RUN;
    public static final String HTTP_TOPIC = "kt.http." + RUN;
    public static final java.nio.file.Path FILES_IN = java.nio.file.Path.of("target/test-data/files-to-topic/in");
    public static final String ENRICHED_GROUP = "kt-enriched-" + RUN;
    public static final String VERSIONS_TOPIC = "kt.versions." + RUN;
    public static final String VERSIONS_GROUP = "kt-versions-" + RUN;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("sluice.reference.robot-regions", "classpath:reference/robot-regions.csv");
        config.put("sluice.kafka.enabled", "true");
        config.put("sluice.kafka.bootstrap-servers", KafkaClient.BOOTSTRAP);
        config.put("sluice.kafka.lag-interval", "PT0.5S");
        config.put("sluice.pipelines.robot-telemetry-stream.topic", TOPIC);
        config.put("sluice.pipelines.robot-telemetry-stream.group-id", STREAM_GROUP);
        config.put("sluice.pipelines.robot-telemetry-enriched.topic", TOPIC);
        config.put("sluice.pipelines.robot-telemetry-enriched.group-id", ENRICHED_GROUP);
        config.put("sluice.pipelines.robot-telemetry-enriched.sink-topic", ENRICHED);
        config.put("sluice.pipelines.stage-failure-stream.topic", STAGE_FAILURE_TOPIC);
        config.put("sluice.pipelines.stage-failure-stream.group-id", "kt-stage-failure-" + RUN);
        config.put("sluice.pipelines.files-to-topic-test.input-dir", FILES_IN.toString());
        config.put("sluice.pipelines.files-to-topic-test.sink-topic", FILES_TOPIC);
        config.put("sluice.pipelines.http-to-topic-test.sink-topic", HTTP_TOPIC);
        config.put("sluice.pipelines.versions-stream.topic", VERSIONS_TOPIC);
        config.put("sluice.pipelines.versions-stream.group-id", VERSIONS_GROUP);
        config.put("sluice.routes-dir", routes().toString());
        return config;
    }

    /** The shipped routes and the test pipelines, in one routes directory. */
    private static Path routes() {
        Path dir = Path.of("target/kafka-routes");
        dev.sluice.PipelineFiles.clean(dir);
        try {
            for (String from : new String[] { "routes", "src/test/resources/test-routes" }) {
                try (var files = Files.list(Path.of(from))) {
                    for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                        Files.copy(file, dir.resolve(file.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
