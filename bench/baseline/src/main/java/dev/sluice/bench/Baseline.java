package dev.sluice.bench;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The hand-written baseline, the practical limit: the same work as Sluice's pipelines with nothing but Jackson's
 * streaming parser, pgjdbc and the plain Kafka clients, batches of 1000, one transaction per batch, offsets committed
 * after the write. Run as its own JVM by {@link Bench}:
 *
 * Run as its own JVM by the harness, configured like every contender from the environment: {@code Baseline
 * <workload>} with BENCH_REGIONS, BENCH_INPUT (files-pg: a directory holding one .jsonl file), BENCH_PG_URL, BENCH_SINK
 * ({@code copy}: PostgreSQL's COPY, the fastest way in, with no ON CONFLICT so the harness starts every run on an
 * empty table; {@code batch}: a JDBC batch insert like Sluice's), BENCH_KAFKA, BENCH_TOPIC, BENCH_GROUP,
 * BENCH_OUT_TOPIC and BENCH_RECORDS (how many records to read from Kafka; 0 reads on until stopped).
 */
public final class Baseline {

    static final int BATCH = 1000;

    private Baseline() {
    }

    public static void main(String[] args) throws Exception {
        RecordWork work = new RecordWork(Path.of(env("BENCH_REGIONS")));
        long records = Long.parseLong(System.getenv().getOrDefault("BENCH_RECORDS", "0"));
        switch (args[0]) {
            case "files-pg" -> {
                try (Stream<Path> files = Files.list(Path.of(env("BENCH_INPUT")))) {
                    Path file = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
                    filesToPostgres(file, postgres(work));
                }
            }
            case "kafka-pg" -> kafkaToPostgres(records, postgres(work));
            case "kafka-kafka" -> kafkaToKafka(records, work);
            default -> throw new IllegalArgumentException("unknown workload " + args[0]);
        }
    }

    static void filesToPostgres(Path file, PostgresWriter writer) throws Exception {
        try (writer; InputStream in = Files.newInputStream(file)) {
            String source = file.toString();
            byte[] buffer = new byte[1 << 16];
            byte[] line = new byte[4096];
            long number = 0;
            int length = 0;
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') {
                        if (length == line.length) {
                            line = Arrays.copyOf(line, length * 2);
                        }
                        line[length++] = buffer[i];
                        continue;
                    }
                    number++;
                    writer.add(writer.work.apply(line, length), source, number);
                    length = 0;
                    if (writer.pending == BATCH) {
                        writer.flush();
                    }
                }
            }
            writer.flush();
        }
    }

    static void kafkaToPostgres(long records, PostgresWriter writer) throws Exception {
        try (writer; KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            long read = 0;
            while (records == 0 || read < records) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    writer.add(writer.work.apply(record.value(), record.value().length),
                            record.topic() + "/" + record.partition(), record.offset());
                }
                read += polled.count();
                if (!polled.isEmpty()) {
                    writer.flush();
                    consumer.commitSync(next(polled));
                }
            }
        }
    }

    static void kafkaToKafka(long records, RecordWork work) throws Exception {
        String outTopic = env("BENCH_OUT_TOPIC");
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("BENCH_KAFKA"),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            long read = 0;
            while (records == 0 || read < records) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    Map<String, Object> row = work.apply(record.value(), record.value().length);
                    if (row != null) {
                        acks.add(producer.send(new ProducerRecord<>(outTopic,
                                ((String) row.get("robot_id")).getBytes(StandardCharsets.UTF_8), work.json(row))));
                    }
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                read += polled.count();
                if (!polled.isEmpty()) {
                    consumer.commitSync(next(polled));
                }
            }
        }
    }

    static PostgresWriter postgres(RecordWork work) throws Exception {
        Connection db = DriverManager.getConnection(env("BENCH_PG_URL"), "sluice", "sluice");
        db.setAutoCommit(false);
        return switch (env("BENCH_SINK")) {
            case "copy" -> new CopyWriter(db, work);
            case "batch" -> new BatchWriter(db, work);
            default -> throw new IllegalArgumentException("BENCH_SINK is copy or batch");
        };
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalArgumentException("set " + name);
        }
        return value;
    }

    /** Collects rows and writes them in one transaction per {@link #flush()}. */
    abstract static class PostgresWriter implements AutoCloseable {
        final Connection db;
        final RecordWork work;
        int pending;

        PostgresWriter(Connection db, RecordWork work) {
            this.db = db;
            this.work = work;
        }

        /** Adds a record that passed the stages; a null (filtered) record is skipped. */
        final void add(Map<String, Object> record, String source, long position) throws Exception {
            if (record != null) {
                append(work.row(record, source, position));
                pending++;
            }
        }

        final void flush() throws Exception {
            if (pending > 0) {
                write();
                db.commit();
                pending = 0;
            }
        }

        abstract void append(Object[] row) throws Exception;

        abstract void write() throws Exception;

        @Override
        public void close() throws Exception {
            db.close();
        }
    }

    /** COPY ... FROM STDIN in PostgreSQL's text format. */
    static final class CopyWriter extends PostgresWriter {
        private final CopyManager copy;
        private final StringBuilder rows = new StringBuilder(1 << 18);

        CopyWriter(Connection db, RecordWork work) throws Exception {
            super(db, work);
            copy = db.unwrap(PGConnection.class).getCopyAPI();
        }

        @Override
        void append(Object[] row) {
            RecordWork.copyLine(rows, row);
        }

        @Override
        void write() throws Exception {
            copy.copyIn(RecordWork.COPY, new StringReader(rows.toString()));
            rows.setLength(0);
        }
    }

    /** A JDBC batch of INSERT ... ON CONFLICT DO NOTHING, as Sluice writes. */
    static final class BatchWriter extends PostgresWriter {
        private final PreparedStatement insert;

        BatchWriter(Connection db, RecordWork work) throws Exception {
            super(db, work);
            insert = db.prepareStatement(RecordWork.INSERT);
        }

        @Override
        void append(Object[] row) throws Exception {
            RecordWork.bind(insert, row);
            insert.addBatch();
        }

        @Override
        void write() throws Exception {
            insert.executeBatch();
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("BENCH_KAFKA"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, env("BENCH_GROUP"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(BATCH));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(env("BENCH_TOPIC")));
        return consumer;
    }

    private static Map<TopicPartition, OffsetAndMetadata> next(ConsumerRecords<byte[], byte[]> polled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = polled.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        return offsets;
    }
}
