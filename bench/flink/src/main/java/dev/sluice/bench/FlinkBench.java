package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Flink's contender: the job on a local mini-cluster in this JVM, at Flink's default local parallelism (the
 * machine's cores), configured from the environment (BENCH_*). Usage: {@code FlinkBench <workload>}. With
 * BENCH_RECORDS above 0 the Kafka source stops at the topic's end, so the job finishes.
 */
public final class FlinkBench {

    /** A row in the order of {@link RecordWork#COLUMN_LIST}, times as Instants (Flink has no OffsetDateTime type). */
    static final TypeInformation<Row> ROW = Types.ROW(Types.STRING, Types.LONG, Types.INSTANT, Types.STRING,
            Types.DOUBLE, Types.INT, Types.DOUBLE, Types.STRING, Types.INSTANT, Types.STRING, Types.STRING, Types.LONG);
    /** A Kafka record read: origin source, position, value. */
    static final TypeInformation<Tuple3<String, Long, byte[]>> READ = Types.TUPLE(Types.STRING, Types.LONG,
            Types.PRIMITIVE_ARRAY(Types.BYTE));
    /** A Kafka record to write: key, value. */
    static final TypeInformation<Tuple2<String, byte[]>> WRITE = Types.TUPLE(Types.STRING,
            Types.PRIMITIVE_ARRAY(Types.BYTE));

    private FlinkBench() {
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RecordWork work = new RecordWork(java.nio.file.Path.of(env("BENCH_REGIONS")));
        String url = System.getenv("BENCH_PG_URL");
        switch (args[0]) {
            case "files-pg" -> {
                String input = env("BENCH_INPUT");
                env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(input)).build(),
                        WatermarkStrategy.noWatermarks(), "jsonl files")
                        .flatMap((String line, Collector<Row> out) -> {
                            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                            emitRow(work, work.apply(bytes, bytes.length), input, null, out);
                        }, ROW)
                        .sinkTo(new PostgresSink(url));
            }
            case "kafka-pg" -> kafka(env)
                    .flatMap((Tuple3<String, Long, byte[]> read, Collector<Row> out) -> emitRow(work,
                            work.apply(read.f2, read.f2.length), read.f0, read.f1, out), ROW)
                    .sinkTo(new PostgresSink(url));
            case "kafka-kafka" -> kafka(env)
                    .flatMap((Tuple3<String, Long, byte[]> read, Collector<Tuple2<String, byte[]>> out) -> {
                        Map<String, Object> record = work.apply(read.f2, read.f2.length);
                        if (record != null) {
                            out.collect(Tuple2.of((String) record.get("robot_id"), work.json(record)));
                        }
                    }, WRITE)
                    .sinkTo(KafkaSink.<Tuple2<String, byte[]>>builder()
                            .setBootstrapServers(env("BENCH_KAFKA"))
                            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                            .setRecordSerializer((KafkaRecordSerializationSchema<Tuple2<String, byte[]>>) (
                                    record, context, timestamp) -> new ProducerRecord<>(env("BENCH_OUT_TOPIC"),
                                            record.f0.getBytes(StandardCharsets.UTF_8), record.f1))
                            .build());
            default -> throw new IllegalArgumentException("unknown workload " + args[0]);
        }
        env.execute("sluice-bench " + args[0]);
    }

    static DataStream<Tuple3<String, Long, byte[]>> kafka(StreamExecutionEnvironment env) {
        KafkaSourceBuilder<Tuple3<String, Long, byte[]>> source = KafkaSource.<Tuple3<String, Long, byte[]>>builder()
                .setBootstrapServers(env("BENCH_KAFKA"))
                .setTopics(env("BENCH_TOPIC"))
                .setGroupId(env("BENCH_GROUP"))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaRecordDeserializationSchema<>() {
                    @Override
                    public void deserialize(ConsumerRecord<byte[], byte[]> record,
                            Collector<Tuple3<String, Long, byte[]>> out) {
                        out.collect(Tuple3.of(record.topic() + "/" + record.partition(), record.offset(),
                                record.value()));
                    }

                    @Override
                    public TypeInformation<Tuple3<String, Long, byte[]>> getProducedType() {
                        return READ;
                    }
                });
        if (Long.parseLong(System.getenv().getOrDefault("BENCH_RECORDS", "0")) > 0) {
            source.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kafka");
    }

    static void emitRow(RecordWork work, Map<String, Object> record, String source, Long position, Collector<Row> out) {
        if (record != null) {
            Object[] row = work.row(record, source, position);
            row[2] = ((OffsetDateTime) row[2]).toInstant();
            row[8] = ((OffsetDateTime) row[8]).toInstant();
            out.collect(Row.of(row));
        }
    }

    static Object[] columns(Row row) {
        Object[] values = new Object[row.getArity()];
        for (int i = 0; i < values.length; i++) {
            Object value = row.getField(i);
            values[i] = value instanceof Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : value;
        }
        return values;
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalArgumentException("set " + name);
        }
        return value;
    }
}
