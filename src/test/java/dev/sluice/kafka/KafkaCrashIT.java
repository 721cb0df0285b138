package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.Expected;
import dev.sluice.app.SampleGenerator;
import dev.sluice.app.SluiceProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service, Kafka → PostgreSQL, killed with SIGKILL three times while it works through 120,000 records
 * and restarted each time, with one consumer thread and with two (lanes sharing the topic's three partitions).
 * PostgreSQL then holds every valid active record exactly once, and all along the committed offsets never ran ahead
 * of what PostgreSQL held.
 */
class KafkaCrashIT {

    static final int RECORDS = 120_000;
    static final double[] KILL_AT = { 0.2, 0.5, 0.8 };

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0} consumer threads")
    @ValueSource(ints = { 1, 2 })
    void killedThreeTimes_postgresHoldsEveryRecordOnce_andCommitsNeverRanAhead(int consumers) throws Exception {
        String run = consumers + "-" + System.currentTimeMillis();
        String topic = "crash.telemetry." + run;
        String group = "crash-" + run;
        Path file = Files.createTempFile("crash", ".jsonl");
        SampleGenerator.write(file, RECORDS, 0.3, RECORDS / 1000, 99);
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);

        try (KafkaClient kafka = new KafkaClient(); var db = new PostgresRows()) {
            kafka.createTopic(topic, 3);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (String line : lines) {
                byte[] value = line.getBytes(StandardCharsets.ISO_8859_1);
                String key = line.startsWith("{\"robot_id\":\"r-") ? line.substring(13, 19) : null;
                records.add(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
            }
            List<RecordMetadata> sent = kafka.produce(records);

            // what must end up in PostgreSQL, and at which offsets
            Set<String> expected = new HashSet<>();
            Set<String> malformed = new HashSet<>();
            Map<Integer, List<Long>> activeOffsets = new HashMap<>();
            for (int i = 0; i < records.size(); i++) {
                String row = Expected.rowKey(records.get(i).value());
                if (row != null) {
                    expected.add(row);
                    activeOffsets.computeIfAbsent(sent.get(i).partition(), p -> new ArrayList<>()).add(sent.get(i).offset());
                } else if (Expected.malformed(records.get(i).value())) {
                    malformed.add(sent.get(i).partition() + "/" + sent.get(i).offset());
                }
            }
            Map<Integer, long[]> sortedActive = new HashMap<>();
            activeOffsets.forEach((p, offsets) -> sortedActive.put(p, offsets.stream().mapToLong(Long::longValue).sorted()
                    .toArray()));
            db.execute("DELETE FROM robot_telemetry");

            // the invariant, checked all along: committed offset c ⇒ every valid active record below c is in PostgreSQL
            List<String> violations = new CopyOnWriteArrayList<>();
            AtomicInteger checks = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread monitor = new Thread(() -> {
                while (running.get()) {
                    try {
                        for (Map.Entry<Integer, Long> committed : kafka.committed(group, topic).entrySet()) {
                            long[] active = sortedActive.getOrDefault(committed.getKey(), new long[0]);
                            int index = Arrays.binarySearch(active, committed.getValue());
                            long mustHave = index >= 0 ? index : -index - 1;
                            long has = db.count("SELECT COUNT(*) FROM robot_telemetry WHERE origin_source = '" + topic
                                    + "/" + committed.getKey() + "' AND origin_position < " + committed.getValue());
                            if (has < mustHave) {
                                violations.add("partition " + committed.getKey() + " committed " + committed.getValue()
                                        + " but PostgreSQL holds " + has + " of the " + mustHave + " records below it");
                            }
                        }
                        checks.incrementAndGet();
                        Thread.sleep(200);
                    } catch (Exception e) {
                        if (running.get()) {
                            violations.add("monitor failed: " + e);
                        }
                    }
                }
            }, "commit-monitor");
            monitor.start();

            SluiceProcess sluice = new SluiceProcess(work).postgres()
                    .env("SLUICE_KAFKA_ENABLED", "true")
                    .env("SLUICE_KAFKA_CONSUMERS", Integer.toString(consumers))
                    .env("SLUICE_KAFKA_BOOTSTRAP_SERVERS", KafkaClient.BOOTSTRAP)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_TOPIC", topic)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_GROUP_ID", group)
                    .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_TOPIC", "crash.unused." + run);
            List<Long> rowsAtKill = new ArrayList<>();
            for (double share : KILL_AT) {
                try (SluiceProcess.Running service = sluice.start(18181)) {
                    long threshold = (long) (expected.size() * share);
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                            .until(() -> db.count("SELECT COUNT(*) FROM robot_telemetry") >= threshold);
                    service.kill();
                }
                rowsAtKill.add(db.count("SELECT COUNT(*) FROM robot_telemetry"));
            }
            String report;
            try (SluiceProcess.Running last = sluice.start(18181)) {
                kafka.awaitCommittedToEnd(group, topic, Duration.ofMinutes(5));
                report = last.get("/pipelines/robot-telemetry-stream");
                last.terminate(Duration.ofSeconds(30));
            }
            running.set(false);
            monitor.join();

            System.out.printf("Kafka crash test, %d consumer threads: %d records produced, %d kills at rows %s, %d commit checks, "
                    + "final process: %s%n", consumers, RECORDS, KILL_AT.length, rowsAtKill, checks.get(), report);
            assertThat(violations).as("committed offsets ahead of PostgreSQL").isEmpty();
            assertThat(checks.get()).as("invariant checks made").isGreaterThan(20);
            assertThat(db.count("SELECT COUNT(*) FROM robot_telemetry")).isEqualTo(expected.size());
            assertThat(db.count("SELECT COUNT(DISTINCT (robot_id, seq)) FROM robot_telemetry")).isEqualTo(expected.size());
            assertThat(new HashSet<>(db.strings("SELECT robot_id || '/' || seq FROM robot_telemetry"))).isEqualTo(expected);
            Set<String> deadLettered = new HashSet<>();
            List<ConsumerRecord<byte[], byte[]>> dlq = kafka.consume(topic + ".dlq", Integer.MAX_VALUE,
                    Duration.ofSeconds(5));
            for (ConsumerRecord<byte[], byte[]> dead : dlq) {
                deadLettered.add(KafkaPipelineTest.header(dead, "partition") + "/" + KafkaPipelineTest.header(dead, "offset"));
            }
            // a record dead-lettered after the last commit before a kill is dead-lettered again: at least once
            System.out.printf("Kafka crash test: %d dead letters for %d malformed records%n", dlq.size(), malformed.size());
            assertThat(deadLettered).as("every malformed record dead-lettered, none other").isEqualTo(malformed);
        }
    }
}
