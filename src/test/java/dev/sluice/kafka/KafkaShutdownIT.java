package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.sluice.Expected;
import dev.sluice.app.SampleGenerator;
import dev.sluice.app.SluiceProcess;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a batch is open: the service writes the batch, commits the offsets and exits within its shutdown
 * timeout (20 s, below Kubernetes' 30 s grace period); nothing is lost and nothing is left to replay.
 */
class KafkaShutdownIT {

    @TempDir
    Path work;

    @Test
    void sigtermMidBatch_writesTheOpenBatchCommitsAndExitsInTime() throws Exception {
        String run = Long.toString(System.currentTimeMillis());
        String topic = "shutdown.telemetry." + run;
        String group = "shutdown-" + run;
        Path file = Files.createTempFile("shutdown", ".jsonl");
        SampleGenerator.write(file, 5000, 0.3, 0, 12);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        long expected = lines.stream().filter(l -> Expected.rowKey(l.getBytes(StandardCharsets.UTF_8)) != null).count();

        try (KafkaClient kafka = new KafkaClient(); PostgresRows db = new PostgresRows()) {
            kafka.createTopic(topic, 3);
            db.execute("DELETE FROM robot_telemetry");
            try (SluiceProcess.Running service = new SluiceProcess(work).postgres()
                    .env("SLUICE_KAFKA_ENABLED", "true")
                    .env("SLUICE_KAFKA_BOOTSTRAP_SERVERS", KafkaClient.BOOTSTRAP)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_TOPIC", topic)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_GROUP_ID", group)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_BATCH_SIZE", "100000")
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_BATCH_TIMEOUT", "600000")
                    // every record stays in the one open batch: not written at the end of a poll either
                    .env("SLUICE_BATCH_FLUSH_ON_IDLE", "false")
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_TOPIC", "shutdown.unused." + run)
                    .start(18183)) {
            kafka.produce(lines.stream().map(l -> new ProducerRecord<byte[], byte[]>(topic,
                    l.substring(13, 19).getBytes(StandardCharsets.UTF_8), l.getBytes(StandardCharsets.UTF_8))).toList());
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(
                    () -> service.get("/pipelines/robot-telemetry-stream").contains("\"records_read\":5000,"));
            assertThat(db.count("SELECT COUNT(*) FROM robot_telemetry")).as("all in the open batch").isZero();
            assertThat(kafka.committedToEnd(group, topic)).isFalse();

            Duration exit = service.terminate(Duration.ofSeconds(30));

            System.out.printf("SIGTERM with an open batch of %d records: exited in %d ms%n", expected, exit.toMillis());
            assertThat(exit).isLessThan(Duration.ofSeconds(25));
            assertThat(db.count("SELECT COUNT(*) FROM robot_telemetry")).isEqualTo(expected);
            assertThat(kafka.committedToEnd(group, topic)).as("offsets committed on the way out").isTrue();
            assertThat(service.output()).contains("robot-telemetry-stream").doesNotContain("Forcing the routes");
            }
        }
    }

    @Test
    void sigtermDuringARebalance_exitsWithinTheShutdownTimeoutAndLosesNothing() throws Exception {
        String run = Long.toString(System.currentTimeMillis());
        String topic = "rebalance.telemetry." + run;
        String group = "rebalance-" + run;
        Path file = Files.createTempFile("rebalance", ".jsonl");
        SampleGenerator.write(file, 3000, 0.0, 0, 13);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        try (KafkaClient kafka = new KafkaClient(); PostgresRows db = new PostgresRows()) {
            kafka.createTopic(topic, 3);
            db.execute("DELETE FROM robot_telemetry");
            try (SluiceProcess.Running service = new SluiceProcess(work).postgres()
                    .env("SLUICE_KAFKA_ENABLED", "true")
                    .env("SLUICE_KAFKA_BOOTSTRAP_SERVERS", KafkaClient.BOOTSTRAP)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_TOPIC", topic)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_GROUP_ID", group)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_TOPIC", "rebalance.unused." + run)
                    .start(18188)) {
                kafka.produce(lines.stream().map(l -> new ProducerRecord<byte[], byte[]>(topic,
                        l.substring(13, 19).getBytes(StandardCharsets.UTF_8), l.getBytes(StandardCharsets.UTF_8))).toList());
                await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(
                        () -> service.get("/pipelines/robot-telemetry-stream").contains("\"records_read\":3000,"));
                // a second member joins the group: the service's consumer is asked to rebalance
                try (KafkaConsumer<byte[], byte[]> other = kafka.member(group)) {
                    other.subscribe(List.of(topic));
                    other.poll(Duration.ofMillis(200));

                    Duration exit = service.terminate(Duration.ofSeconds(40));

                    System.out.printf("SIGTERM during a rebalance: exited in %d ms%n", exit.toMillis());
                    assertThat(exit).as("camel.main.shutdown-timeout is 20 s").isLessThan(Duration.ofSeconds(20));
                }
            }
            assertThat(db.count("SELECT COUNT(*) FROM robot_telemetry")).isEqualTo(lines.size());
        }
    }
}
