package dev.sluice.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The test broker seen from outside Sluice, as a producer upstream and a consumer downstream would see it. */
public final class KafkaClient implements AutoCloseable {

    public static final String BOOTSTRAP = System.getenv().getOrDefault("SLUICE_TEST_KAFKA", "127.0.0.1:59092");

    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
    private KafkaProducer<byte[], byte[]> producer = newProducer();

    // a send not acknowledged within 30 s is given up, and sent once more from a new producer (see produce)
    private static KafkaProducer<byte[], byte[]> newProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer in {@code group} that commits nothing: another member, to make the group rebalance. */
    public KafkaConsumer<byte[], byte[]> member(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Creates the topic and waits until every partition has a leader: the controller answers before the broker has
     * taken the partitions up, and records sent in between wait in the producer for a leader it may learn late.
     */
    public void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        createTopic(topic, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)}, with topic settings such as {@code max.message.bytes}. */
    public void createTopic(String topic, int partitions, Map<String, String> settings)
            throws ExecutionException, InterruptedException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(settings))).all().get();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        producer.partitionsFor(topic);
    }

    /** Sets one setting of a topic, as an operator would with kafka-configs.sh. */
    public void setTopic(String topic, String name, String value) throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value),
                AlterConfigOp.OpType.SET)))).all().get();
    }

    /** Creates the topic unless an earlier test class of the run did. */
    public void createTopicIfAbsent(String topic, int partitions) throws ExecutionException, InterruptedException {
        try {
            createTopic(topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Sends the records in order and waits for every acknowledgement. Records whose send timed out are sent once
     * more from a new producer, loudly: once (CI, a fresh topic) a producer kept one partition's batch for its whole
     * delivery timeout while the broker served everything else, and the records, not that producer, are what a test
     * is about. A duplicate this may make is what Kafka's at-least-once promise allows anyway.
     */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records)
            throws ExecutionException, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            acks.add(producer.send(record));
        }
        List<RecordMetadata> sent = new ArrayList<>();
        List<Integer> timedOut = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                sent.add(acks.get(i).get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TimeoutException)) {
                    throw e;
                }
                sent.add(null);
                timedOut.add(i);
            }
        }
        if (!timedOut.isEmpty()) {
            System.err.printf("KafkaClient: %d of %d sends timed out (%s); sending them again from a new producer%n",
                    timedOut.size(), records.size(), records.get(timedOut.get(0)).topic());
            producer.close(Duration.ZERO);
            producer = newProducer();
            Map<Integer, Future<RecordMetadata>> again = new HashMap<>();
            timedOut.forEach(i -> again.put(i, producer.send(records.get(i))));
            for (int i : timedOut) {
                sent.set(i, again.get(i).get());
            }
        }
        return sent; // sent.get(i) is records.get(i)'s place
    }

    /** Reads {@code count} records of a topic from the start, waiting up to {@code timeout}. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return records; // no such topic yet
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The offsets a consumer group committed on a topic, by partition. */
    public Map<Integer, Long> committed(String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** The end offsets of a topic, by partition. */
    public Map<Integer, Long> ends(String topic) throws ExecutionException, InterruptedException {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** Waits until the group has committed every record of the topic. */
    public void awaitCommittedToEnd(String group, String topic, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> committedToEnd(group, topic));
    }

    public boolean committedToEnd(String group, String topic) throws ExecutionException, InterruptedException {
        Map<Integer, Long> committed = committed(group, topic);
        return ends(topic).entrySet().stream()
                .allMatch(end -> end.getValue() == 0 || end.getValue().equals(committed.get(end.getKey())));
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
