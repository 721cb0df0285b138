package dev.sluice.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.sluice.dependency.Database;
import dev.sluice.stage.AnomalyDetector;
import dev.sluice.record.Json;
import dev.sluice.stage.AsyncPipelineStage;

/**
 * The examples of docs/java-api.md, compiled and run by {@link JavaApiTest}. {@code JavaApiDocTest} checks that
 * every region between {@code tag::} and {@code end::} appears in the page word for word, so the page cannot rot.
 */
final class JavaApiExamples {

    private final SluiceApi sluice;
    private final Database database;
    private final AnomalyDetector anomalyDetector;

    JavaApiExamples(SluiceApi sluice, Database database, AnomalyDetector anomalyDetector) {
        this.sluice = sluice;
        this.database = database;
        this.anomalyDetector = anomalyDetector;
    }

    RunMetrics fileToDatabase(Path input, Map<String, String> regions) throws Exception {
        // tag::file-to-database[]
        RunMetrics metrics = sluice.pipeline("robot-telemetry-java")
                .from(Sources.jsonLines(input))
                .schema("robot_id:string, ts:timestamp, seq:integer, status:string", "temperature_c:number")
                .filter(record -> "active".equals(record.get("status")))
                .transform(record -> {
                    record.put("processed_at", Instant.now().toString());
                    return record;
                })
                .enrich(record -> Map.of("region", regions.getOrDefault(record.get("robot_id"), "unknown")))
                .batch(500, Duration.ofSeconds(1))
                .to(Sinks.jdbc("robot_telemetry"))
                .run();
        // end::file-to-database[]
        return metrics;
    }

    RunMetrics ownSourceAndSink(Path file) throws Exception {
        // tag::own-source-and-sink[]
        DataSource readings = () -> Files.lines(file).map(line -> Json.parseObject(line)).iterator();

        DataSink anomalies = batch -> {
            try (Connection connection = database.connection();
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO robot_anomalies (robot_id, seq, ts, temperature_c, anomaly) "
                                    + "VALUES (?, ?, CAST(? AS TIMESTAMP WITH TIME ZONE), ?, ?) ON CONFLICT DO NOTHING")) {
                for (Map<String, Object> record : batch) {
                    insert.setString(1, (String) record.get("robot_id"));
                    insert.setLong(2, ((Number) record.get("seq")).longValue());
                    insert.setString(3, (String) record.get("ts"));
                    insert.setDouble(4, ((Number) record.get("temperature_c")).doubleValue());
                    insert.setBoolean(5, (Boolean) record.get("anomaly"));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        };

        RunMetrics metrics = sluice.pipeline("robot-anomalies-java")
                .from(readings)
                .schema("robot_id:string, ts:timestamp, seq:integer, status:string", "temperature_c:number")
                .addStage(anomalyDetector)
                .filter(record -> Boolean.TRUE.equals(record.get("anomaly")))
                .batch(100, Duration.ofMillis(500))
                .to(anomalies)
                .run();
        // end::own-source-and-sink[]
        return metrics;
    }

    // tag::async-stage[]
    /** A stage that answers later: a lookup in a remote service, without holding a thread while it waits. */
    static final class FirmwareLookup implements AsyncPipelineStage {
        @Override
        public CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record) {
            return CompletableFuture.supplyAsync(() -> {
                record.put("firmware_channel", String.valueOf(record.get("firmware")).startsWith("v1") ? "stable" : "beta");
                return record;
            });
        }
    }
    // end::async-stage[]

    CompletionStage<RunMetrics> runAsync(Path input, Path output) {
        // tag::run-async[]
        CompletionStage<RunMetrics> done = sluice.pipeline("firmware-channels")
                .from(Sources.jsonLines(input))
                .addStage(new FirmwareLookup(), 16)   // up to 16 lookups at once
                .batch(1000, Duration.ofSeconds(1))
                .to(Sinks.jsonLines(output))
                .runAsync();
        // end::run-async[]
        return done;
    }

    Pipeline kafkaToKafka(String topic, String groupId, String enriched) throws Exception {
        // tag::kafka-to-kafka[]
        Pipeline pipeline = sluice.pipeline("robot-telemetry-enriched-java")
                .from(Sources.kafka(topic, groupId))
                .parser("robotTelemetryParser")
                .via("direct:robot-telemetry-stages")
                .batch(500, Duration.ofSeconds(1))
                .to(Sinks.kafka(enriched, "robot_id"));
        pipeline.start();
        // ... until the service stops:
        // pipeline.stop();
        // end::kafka-to-kafka[]
        return pipeline;
    }

    StreamProcessor streamProcessor(DataSink handler) throws Exception {
        // tag::stream-processor[]
        StreamProcessor processor = sluice.streamProcessor("readings-stream")
                .batchSize(100)
                .window(Duration.ofSeconds(1))
                .capacity(1000)
                .whenFull(StreamSource.WhenFull.BLOCK)
                .onBatch(handler)
                .build();
        // processor.ingest(record) for every record; processor.close() writes the last batch
        // end::stream-processor[]
        return processor;
    }
}
