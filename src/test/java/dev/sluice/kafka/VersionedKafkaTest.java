package dev.sluice.kafka;

import static dev.sluice.Metrics.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.sluice.Rows;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A versioned upsert fed from a topic of three partitions: every key's versions arrive in a shuffled order across
 * partitions, a second member joins the group mid-stream (a rebalance: partitions read again from their committed
 * offsets), and every record comes again in another order. Every row ends with its key's greatest version, written
 * once per key, the older arrivals counted stale.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class VersionedKafkaTest {

    static final String PIPELINE = "versions-stream";
    static final int KEYS = 20;
    static final int VERSIONS = 4;

    @Inject
    Database database;

    @Test
    void everyRowEndsWithItsGreatestVersionWhateverTheArrivalOrder() throws Exception {
        Rows rows = new Rows(database);
        rows.execute("CREATE TABLE IF NOT EXISTS kt_sessions (session_id VARCHAR(16) PRIMARY KEY, revision BIGINT NOT "
                + "NULL, kwh NUMERIC(10,3), origin_source TEXT, origin_position BIGINT, origin_hash VARCHAR(64))",
                "DELETE FROM kt_sessions", "GRANT SELECT, INSERT, UPDATE ON kt_sessions TO sluice_pipelines");
        List<String> records = new ArrayList<>();
        for (int key = 0; key < KEYS; key++) {
            for (int version = 1; version <= VERSIONS; version++) {
                records.add("{\"session_id\":\"s-" + key + "\",\"revision\":" + version + ",\"kwh\":" + kwh(key, version)
                        + "}");
            }
        }
        try (KafkaClient kafka = new KafkaClient()) {
            kafka.createTopicIfAbsent(KafkaProfile.VERSIONS_TOPIC, 3);
            Random random = new Random(24);
            List<String> first = new ArrayList<>(records);
            Collections.shuffle(first, random);
            kafka.produce(spread(first.subList(0, 40), random));
            // another member joins while the first half is read: the group rebalances twice around it
            try (KafkaConsumer<byte[], byte[]> other = kafka.member(KafkaProfile.VERSIONS_GROUP)) {
                other.subscribe(List.of(KafkaProfile.VERSIONS_TOPIC));
                long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < until) {
                    other.poll(Duration.ofMillis(200));
                }
            }
            kafka.produce(spread(first.subList(40, first.size()), random));
            List<String> again = new ArrayList<>(records);
            Collections.shuffle(again, random);
            kafka.produce(spread(again, random));
            kafka.awaitCommittedToEnd(KafkaProfile.VERSIONS_GROUP, KafkaProfile.VERSIONS_TOPIC, Duration.ofSeconds(90));
        }

        List<Map<String, Object>> held = rows.query("SELECT session_id, revision, kwh FROM kt_sessions ORDER BY "
                + "session_id");
        assertThat(held).hasSize(KEYS);
        for (Map<String, Object> row : held) {
            int key = Integer.parseInt(((String) row.get("session_id")).substring(2));
            assertThat(row.get("revision")).as(row.toString()).isEqualTo((long) VERSIONS);
            assertThat(new BigDecimal(row.get("kwh").toString())).as(row.toString())
                    .isEqualByComparingTo(kwh(key, VERSIONS));
        }
        Map<String, Object> report = pipeline(PIPELINE);
        assertThat(report.get("rows_written")).isEqualTo(KEYS); // one new row per key, whatever came first
        assertThat(report.get("errors")).isEqualTo(0);
        long processed = ((Number) report.get("records_processed")).longValue();
        long stale = ((Number) report.get("records_stale")).longValue();
        long settled = KEYS + ((Number) report.get("rows_updated")).longValue() + stale
                + ((Number) report.get("records_duplicate")).longValue();
        assertThat(settled).isEqualTo(processed);
        assertThat(processed).isGreaterThanOrEqualTo(2L * KEYS * VERSIONS); // a rebalance may read some twice
        assertThat(stale).isPositive();
    }

    private static BigDecimal kwh(int key, int version) {
        return new BigDecimal(key * 10 + version).add(new BigDecimal("0.125"));
    }

    /** Each record to a partition of its own choosing: one key's versions land on different partitions. */
    private static List<ProducerRecord<byte[], byte[]>> spread(List<String> records, Random random) {
        return records.stream().map(record -> new ProducerRecord<byte[], byte[]>(KafkaProfile.VERSIONS_TOPIC,
                random.nextInt(3), null, record.getBytes(StandardCharsets.UTF_8))).toList();
    }
}
