package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The PostgreSQL table and the Kafka topics the contenders read and write, seen from the harness. */
final class Services {

    static final String PG_URL = System.getenv().getOrDefault("SLUICE_BENCH_PG_URL",
            "jdbc:postgresql://127.0.0.1:55432/sluice");
    static final String KAFKA = System.getenv().getOrDefault("SLUICE_BENCH_KAFKA", "127.0.0.1:59092");
    static final Path BROKER_PID = Path.of(System.getenv().getOrDefault("SLUICE_KAFKA_DIR", "/tmp/sluice-kafka"),
            "broker.pid");
    static final Path POSTMASTER_PID = Path.of(System.getenv().getOrDefault("SLUICE_PG_DIR", "/tmp/sluice-pg"),
            "postmaster.pid");
    static final int PARTITIONS = 3;
    static final Path SCHEMA = Path.of("src/main/resources/db/migration/postgresql/V1__robot_tables.sql");

    // --- PostgreSQL ----------------------------------------------------------------------------------------------

    Connection connect() throws SQLException {
        return DriverManager.getConnection(PG_URL, "sluice", "sluice");
    }

    /** Empties robot_telemetry (Sluice's schema, which every contender writes) and checkpoints, for a fresh start. */
    void truncate() throws Exception {
        try (Connection db = connect(); Statement statement = db.createStatement()) {
            statement.execute(Files.readString(SCHEMA));
            statement.execute("TRUNCATE robot_telemetry");
            statement.execute("CHECKPOINT");
        }
    }

    long rows() throws SQLException {
        return scalar("SELECT COUNT(*) FROM robot_telemetry");
    }

    long scalar(String sql) throws SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** When the first and the last row were written. */
    Instant[] writtenSpan() throws SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT MIN(written_at), MAX(written_at) FROM robot_telemetry")) {
            rs.next();
            return new Instant[] { rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant() };
        }
    }

    /** p50 and p99 of written_at − ts in milliseconds, leaving out the records sent in the first seconds. */
    double[] latencyMillis(int warmupSeconds) throws SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT "
                        + "percentile_disc(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM written_at - ts)), "
                        + "percentile_disc(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM written_at - ts)) "
                        + "FROM robot_telemetry WHERE ts >= (SELECT MIN(ts) FROM robot_telemetry) + INTERVAL '"
                        + warmupSeconds + " seconds'")) {
            rs.next();
            return new double[] { rs.getDouble(1) * 1000, rs.getDouble(2) * 1000 };
        }
    }

    String postgresVersion() throws SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    // --- Kafka ---------------------------------------------------------------------------------------------------

    long postgresPid() {
        return Proc.pidFrom(POSTMASTER_PID);
    }

    long brokerPid() {
        return Proc.pidFrom(BROKER_PID);
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA));
    }

    /** An output topic stamps records with the broker's append time, so every contender is timed the same way. */
    void createTopic(String name, boolean output) throws Exception {
        NewTopic topic = new NewTopic(name, PARTITIONS, (short) 1);
        if (output) {
            topic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topic)).all().get();
        }
    }

    void deleteTopics(List<String> names) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(names).all().get();
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA, ProducerConfig.ACKS_CONFIG,
                "all", ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one telemetry line keyed by its robot_id. */
    void send(KafkaProducer<byte[], byte[]> producer, String topic, String line) {
        String robot = line.substring(line.indexOf("\"robot_id\":\"") + 12, line.indexOf('"', 13));
        producer.send(new ProducerRecord<>(topic, robot.getBytes(StandardCharsets.UTF_8),
                line.getBytes(StandardCharsets.UTF_8)));
    }

    void produce(String topic, List<String> lines) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            lines.forEach(line -> send(producer, topic, line));
            producer.flush();
        }
    }

    long endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try (Admin admin = admin()) {
            return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        long expected = endOffsets(topic);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expected) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
