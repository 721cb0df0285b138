package dev.sluice.kafka;

import dev.sluice.Management;
import dev.sluice.TestJson;
import static dev.sluice.Metrics.delta;
import static dev.sluice.Metrics.pipeline;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.sluice.Metrics;
import dev.sluice.Servers;
import dev.sluice.Rows;
import dev.sluice.app.SampleGenerator;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka pipelines through the real application, a real broker and PostgreSQL: records produced as an upstream
 * service would, rows read back, dead letters read from the dead-letter topic, offsets from the broker.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class KafkaPipelineTest {

    static final String STREAM = "robot-telemetry-stream";
    static final String ENRICHED = "robot-telemetry-enriched";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static KafkaClient kafka;

    @Inject
    Database database;

    Rows rows;

    @BeforeAll
    static void topics() throws Exception {
        kafka = new KafkaClient();
        for (String topic : List.of(KafkaProfile.TOPIC, KafkaProfile.STAGE_FAILURE_TOPIC)) {
            kafka.createTopicIfAbsent(topic, 3);
        }
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @BeforeEach
    void cleanSlate() {
        rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry");
    }

    @Test
    void poisonCorpus_deadLettersEachBadRecordWithItsBytesAndOriginAndWritesTheRest() throws Exception {
        byte[] invalidUtf8 = "{\"robot_id\":\"r-\u0000\",\"ts\":\"2026-11-26T10:00:03Z\",\"seq\":3,\"status\":\"active\"}"
                .getBytes(StandardCharsets.UTF_8);
        invalidUtf8[15] = (byte) 0xff;
        String tooLong = "r-" + "x".repeat(198);
        List<byte[]> values = List.of(
                utf8("{\"robot_id\":\"r-0101\",\"ts\":\"2026-11-26T10:00:00.123Z\",\"seq\":1,\"status\":\"active\","
                        + "\"temperature_c\":41.5,\"battery_pct\":87,\"value\":3.2}"),
                utf8("{\"robot_id\":\"r-0102\",\"ts\":\"2026-11-26T10:00:01Z\",\"seq\":1,\"status\":\"idle\"}"),
                utf8("this is not json"),
                utf8("[1,2,3]"),
                utf8("{\"robot_id\":\"r-0103\",\"ts\":\"2026-11-26T10:00:03Z\",\"status\":\"active\"}"),
                utf8("{\"robot_id\":\"r-0103\",\"ts\":\"2026-11-26T10:00:03Z\",\"seq\":\"3\",\"status\":\"active\"}"),
                invalidUtf8,
                new byte[0],
                utf8("{\"robot_id\":\"" + tooLong + "\",\"ts\":\"2026-11-26T10:00:06Z\",\"seq\":1,\"status\":\"active\"}"),
                utf8("{\"robot_id\":\"r-0105\",\"ts\":\"2026-11-26T10:00:05.5Z\",\"seq\":1,\"status\":\"active\"}"));
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("this is not json", "not JSON: Unrecognized token 'this': was expecting (JSON String, Number, "
                + "Array, Object or token 'null', 'true' or 'false')");
        reasons.put("[1,2,3]", "not a JSON object: found an array");
        reasons.put(new String(values.get(4), StandardCharsets.UTF_8), "missing required field 'seq'");
        reasons.put(new String(values.get(5), StandardCharsets.UTF_8), "field 'seq' must be an integer, got \"3\"");
        Map<String, Object> before = pipeline(STREAM);

        List<RecordMetadata> sent = kafka.produce(values.stream().map(v -> new ProducerRecord<byte[], byte[]>(
                KafkaProfile.TOPIC, utf8("key-" + v.length), v)).toList());
        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, TIMEOUT);

        assertThat(rows.query("SELECT robot_id, seq, ts, temperature_c, region, origin_source, origin_position "
                + "FROM robot_telemetry ORDER BY robot_id")).containsExactly(
                        row("r-0101", 1, "2026-11-26T10:00:00.123Z", 41.5, sent.get(0)),
                        row("r-0105", 1, "2026-11-26T10:00:05.500Z", null, sent.get(9)));

        Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : deadLetters(KafkaProfile.TOPIC, STREAM, 7)) {
            dead.put(header(record, "partition") + "/" + header(record, "offset"), record);
        }
        for (int i : List.of(2, 3, 4, 5, 6, 7, 8)) {
            ConsumerRecord<byte[], byte[]> record = dead.get(sent.get(i).partition() + "/" + sent.get(i).offset());
            assertThat(record).as("dead letter of record %d", i).isNotNull();
            assertThat(record.value()).as("value of record %d, byte for byte", i).isEqualTo(values.get(i));
            assertThat(record.key()).isEqualTo(utf8("key-" + values.get(i).length));
            assertThat(header(record, "topic")).isEqualTo(KafkaProfile.TOPIC);
            assertThat(header(record, "pipeline")).isEqualTo(STREAM);
            assertThat(header(record, "exception.class")).isEqualTo("dev.sluice.record.InvalidRecordException");
            assertThat(header(record, "stage")).isEqualTo(i == 8 ? "sink jdbc:robot_telemetry" : "parse");
            assertThat(header(record, "time")).isNotBlank();
        }
        reasons.forEach((value, reason) -> assertThat(dead.values()).filteredOn(r -> new String(r.value(),
                StandardCharsets.UTF_8).equals(value)).singleElement().satisfies(r -> assertThat(header(r, "reason"))
                        .isEqualTo(reason)));
        assertThat(header(dead.get(sent.get(6).partition() + "/" + sent.get(6).offset()), "reason"))
                .isEqualTo("not valid UTF-8");
        assertThat(header(dead.get(sent.get(7).partition() + "/" + sent.get(7).offset()), "reason"))
                .isEqualTo("not a JSON object: found nothing");
        assertThat(header(dead.get(sent.get(8).partition() + "/" + sent.get(8).offset()), "reason"))
                .startsWith("field robot_id → column robot_id varchar(128) needs at most 128 characters (it has ");

        Map<String, Object> after = pipeline(STREAM);
        assertThat(delta(before, after, "records_processed")).isEqualTo(2);
        assertThat(delta(before, after, "records_filtered")).isEqualTo(1);
        assertThat(delta(before, after, "errors")).isEqualTo(7);
    }

    @Test
    void aTrickleIsWrittenAtTheEndOfItsPollNotAtTheEndOfTheWindow() throws Exception {
        double byIdle = dev.sluice.Metrics.batches(STREAM, "idle");
        double byTime = dev.sluice.Metrics.batches(STREAM, "time");

        kafka.produce(List.of(new ProducerRecord<>(KafkaProfile.TOPIC, utf8("t-1"),
                utf8("{\"robot_id\":\"t-1\",\"ts\":\"2026-12-01T10:00:00Z\",\"seq\":1,\"status\":\"active\"}"))));
        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, TIMEOUT);

        assertThat(rows.count("robot_telemetry WHERE robot_id = 't-1'")).isEqualTo(1);
        // flush on idle: the batch closed because the poll had nothing more, not because its window passed
        assertThat(dev.sluice.Metrics.batches(STREAM, "idle") - byIdle).isGreaterThanOrEqualTo(1.0);
        assertThat(dev.sluice.Metrics.batches(STREAM, "time")).isEqualTo(byTime);
    }

    @Test
    void aStageThatThrowsDeadLettersOnlyItsRecord_andNoProducerHeaderReachesAStep() throws Exception {
        ProducerRecord<byte[], byte[]> withHeaders = new ProducerRecord<>(KafkaProfile.STAGE_FAILURE_TOPIC, utf8("a"),
                utf8("{\"robot_id\":\"r-0201\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}"));
        withHeaders.headers().add("CamelSqlQuery", utf8("DROP TABLE robot_telemetry"))
                .add("kafka.OVERRIDE_TOPIC", utf8("somewhere.else")).add("cAmElFileName", utf8("/etc/passwd"))
                .add("X-Custom", utf8("y"));
        byte[] boom = utf8("{\"robot_id\":\"r-boom\",\"ts\":\"2026-11-26T10:00:01Z\",\"seq\":1,\"status\":\"active\"}");
        List<RecordMetadata> sent = kafka.produce(List.of(withHeaders,
                new ProducerRecord<>(KafkaProfile.STAGE_FAILURE_TOPIC, utf8("a"), boom),
                new ProducerRecord<>(KafkaProfile.STAGE_FAILURE_TOPIC, utf8("a"),
                        utf8("{\"robot_id\":\"r-0202\",\"ts\":\"2026-11-26T10:00:02Z\",\"seq\":1,\"status\":\"active\"}"))));

        // r-0201 is written only if its producer's headers did not reach the filter that drops a record with them
        await().atMost(TIMEOUT).until(() -> rows.count("robot_telemetry") == 2);
        assertThat(rows.query("SELECT robot_id FROM robot_telemetry ORDER BY robot_id"))
                .containsExactly(Map.of("robot_id", "r-0201"), Map.of("robot_id", "r-0202"));
        ConsumerRecord<byte[], byte[]> dead = deadLetters(KafkaProfile.STAGE_FAILURE_TOPIC, "stage-failure-stream", 1)
                .get(0);
        assertThat(dead.value()).isEqualTo(boom);
        assertThat(header(dead, "offset")).isEqualTo(Long.toString(sent.get(1).offset()));
        assertThat(header(dead, "stage")).isEqualTo("explodingStage");
        assertThat(header(dead, "reason")).isEqualTo("boom: cannot handle r-boom");
        assertThat(header(dead, "exception.class")).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void enrichedTopic_keysByRobotAndKeepsEachRobotsOrder() throws Exception {
        List<String> lines = sample("e-", 2000, 21);
        long active = lines.stream().filter(l -> l.contains("\"status\":\"active\"")).count();
        kafka.produce(lines.stream().map(l -> new ProducerRecord<>(KafkaProfile.TOPIC, utf8(l.substring(13, 19)),
                utf8(l))).toList());

        List<Map<String, Object>> enriched = new ArrayList<>();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            enriched.clear();
            for (ConsumerRecord<byte[], byte[]> record : kafka.consume(KafkaProfile.ENRICHED, Integer.MAX_VALUE,
                    Duration.ofSeconds(2))) {
                Map<String, Object> value = TestJson.MAPPER.readValue(record.value(), Map.class);
                if (((String) value.get("robot_id")).startsWith("e-")) {
                    assertThat(record.key()).isEqualTo(utf8((String) value.get("robot_id")));
                    enriched.add(value);
                }
            }
            assertThat(enriched).hasSize((int) active);
        });
        Map<Object, Integer> lastSeq = new HashMap<>();
        for (Map<String, Object> record : enriched) {
            assertThat(record).containsEntry("status", "active").containsEntry("region", "unknown")
                    .containsKey("processed_at");
            int seq = (Integer) record.get("seq");
            assertThat(seq).as("order of %s", record.get("robot_id"))
                    .isGreaterThan(lastSeq.getOrDefault(record.get("robot_id"), 0));
            lastSeq.put(record.get("robot_id"), seq);
        }
        kafka.awaitCommittedToEnd(KafkaProfile.ENRICHED_GROUP, KafkaProfile.TOPIC, TIMEOUT);
    }

    @Test
    void aPoisonRecordTooLargeToDeadLetterWholeGoesAsAMarkedCutCopyAndTheCommitMovesOn() throws Exception {
        byte[] poison = new byte[1_048_400]; // not JSON, and with headers larger than the producer may send
        Arrays.fill(poison, (byte) 'x');
        String sha256 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(poison));
        List<RecordMetadata> sent = kafka.produce(List.of(
                new ProducerRecord<>(KafkaProfile.TOPIC, 0, utf8("poison"), poison),
                new ProducerRecord<>(KafkaProfile.TOPIC, 0, utf8("r-0201"), utf8("{\"robot_id\":\"r-0201\","
                        + "\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}"))));

        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, TIMEOUT);

        assertThat(rows.query("SELECT robot_id FROM robot_telemetry")).containsExactly(Map.of("robot_id", "r-0201"));
        ConsumerRecord<byte[], byte[]> dead = deadLetters(KafkaProfile.TOPIC, STREAM, 1).stream()
                .filter(r -> String.valueOf(sent.get(0).offset()).equals(header(r, "offset"))
                        && "0".equals(header(r, "partition")))
                .findFirst().orElseThrow();
        assertThat(dead.value()).hasSize(2048).isEqualTo(Arrays.copyOf(poison, 2048));
        assertThat(header(dead, "truncated")).isEqualTo("true");
        assertThat(header(dead, "original.size")).isEqualTo("1048400");
        assertThat(header(dead, "original.sha256")).isEqualTo(sha256);
        assertThat(header(dead, "reason")).startsWith("record longer than the limit of 2048 bytes");
    }

    @Test
    void databaseRestart_retriesCommitsNothingAheadAndLosesNothing() throws Exception {
        List<String> lines = sample("d-", 1000, 33);
        long active = lines.stream().filter(l -> l.contains("\"status\":\"active\"")).count();
        Map<String, Object> before = pipeline(STREAM);

        Servers.stop();
        try {
            kafka.produce(lines.stream().map(l -> new ProducerRecord<>(KafkaProfile.TOPIC, utf8(l.substring(13, 19)),
                    utf8(l))).toList());
            await().atMost(TIMEOUT).untilAsserted(() -> Management.given().get("/q/health/ready").then().statusCode(503));
            Management.given().get("/q/health/live").then().statusCode(200);
            // a witness that the sink kept failing for a while: its failed attempts, counted
            double failures = Metrics.meter("sluice_sink_failures_total", "pipeline=\"" + STREAM + "\"");
            await().atMost(TIMEOUT).until(() -> Metrics.meter("sluice_sink_failures_total",
                    "pipeline=\"" + STREAM + "\"") >= failures + 3);
            assertThat(kafka.committedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC)).isFalse();
        } finally {
            Servers.start();
        }

        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, TIMEOUT);
        assertThat(rows.count("robot_telemetry")).isEqualTo(active);
        Map<String, Object> after = pipeline(STREAM);
        assertThat(delta(before, after, "errors")).isZero();
        assertThat(delta(before, after, "records_processed")).isEqualTo(active);
        await().atMost(TIMEOUT).untilAsserted(() -> Management.given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void brokerRestart_theStreamResumesByItselfAndLosesNothing() throws Exception {
        List<String> first = sample("b-", 1000, 44);
        List<String> second = sample("c-", 1000, 45);
        long active = Stream.concat(first.stream(), second.stream())
                .filter(l -> l.contains("\"status\":\"active\"")).count();
        Map<String, Object> before = pipeline(STREAM);
        kafka.produce(records(first));
        await().atMost(TIMEOUT).until(() -> rows.count("robot_telemetry") > 0);

        Servers.KAFKA.run("stop");
        try {
            Thread.sleep(3000); // the consumer and its commits fail meanwhile
        } finally {
            Servers.KAFKA.run("start");
        }
        kafka.produce(records(second));

        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, Duration.ofMinutes(2));
        assertThat(rows.count("robot_telemetry")).isEqualTo(active);
        Map<String, Object> after = pipeline(STREAM);
        assertThat(delta(before, after, "errors")).isZero();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pipeline(STREAM)).containsEntry("consumer_lag", 0));
    }

    static List<ProducerRecord<byte[], byte[]>> records(List<String> lines) {
        return lines.stream().map(l -> new ProducerRecord<>(KafkaProfile.TOPIC, utf8(l.substring(13, 19)), utf8(l)))
                .toList();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Generated telemetry lines whose robots are renamed with {@code prefix}, apart from other tests' robots. */
    static List<String> sample(String prefix, int records, long seed) throws Exception {
        Path file = Files.createTempFile("sample", ".jsonl");
        SampleGenerator.write(file, records, 0.3, 0, seed);
        return Files.readAllLines(file).stream().map(l -> l.replace("\"robot_id\":\"r-", "\"robot_id\":\"" + prefix))
                .toList();
    }

    /** The dead letters a pipeline wrote for a topic, waiting until at least {@code count} are there. */
    static List<ConsumerRecord<byte[], byte[]>> deadLetters(String topic, String pipeline, int count) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            found.clear();
            kafka.consume(topic + ".dlq", Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                    .filter(r -> pipeline.equals(header(r, "pipeline"))).forEach(found::add);
            assertThat(found).hasSizeGreaterThanOrEqualTo(count);
        });
        return found;
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader("sluice.error." + name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> row(String robot, long seq, String ts, Double temperature, RecordMetadata sent) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("robot_id", robot);
        row.put("seq", seq);
        row.put("ts", ts);
        row.put("temperature_c", temperature);
        row.put("region", "unknown");
        row.put("origin_source", sent.topic() + "/" + sent.partition());
        row.put("origin_position", sent.offset());
        return row;
    }
}
