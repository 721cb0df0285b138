package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Location;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead letters of a pipeline where {@link DeadLetterQueue} put them, newest first, in memory proportional
 * to what is asked for, never to what is stored: a file, HTTP or Java pipeline's from {@code sluice_dead_letters} by
 * indexed, paged queries; a Kafka pipeline's from the dead-letter topics of the topics it reads, scanned keeping only
 * where each match is (a partition and an offset), as many as the page needs, then reading the page's records again.
 * What became of each replayed dead letter is noted in {@code sluice_dead_letter_replays} (the dead letters themselves
 * are not changed); a replay that fails again is noted there, not stored as a new dead letter.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    /** A page ends before its limit once its entries hold this many payload bytes (at least one entry). */
    static final long MAX_PAGE_BYTES = 8L << 20;

    /**
     * One page of dead letters: how many match in all, how many of those no replay has written (or filtered) yet,
     * and the page's entries.
     */
    public record Page(long total, long open, List<DeadLetter> letters) {
    }

    /** Where a dead letter of a topic is, to read it again. */
    private record Ref(Instant time, long seq, TopicPartition partition, long offset) {
    }

    private final String topicSuffix;
    private final SluiceConfig.Kafka kafka;
    private final DeadLetterSeal seal;
    private final DeadLetterTable table;

    public DeadLetterStore(SluiceConfig config, DeadLetterSeal seal, Database database) {
        this.topicSuffix = config.kafka().deadLetterSuffix();
        this.kafka = config.kafka();
        this.seal = seal;
        this.table = new DeadLetterTable(database);
    }

    /**
     * The dead letters of {@code pipeline} that {@code filter} takes, newest first, from {@code offset}, at most
     * {@code limit} (fewer once their payloads reach {@link #MAX_PAGE_BYTES}), with their replays; {@code topics}:
     * those the pipeline reads (none for a pipeline whose dead letters are in the table).
     */
    public Page page(String pipeline, List<String> topics, DeadLetterFilter filter, int offset, int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        long[] bytes = {0};
        long total;
        long resolved;
        if (topics.isEmpty()) {
            total = sql(() -> {
                table.page(pipeline, filter, offset, limit, row -> add(letters, bytes, fromEntry(row.entry())));
                return table.count(pipeline, filter);
            });
            resolved = sql(() -> table.resolved(pipeline, filter));
        } else {
            Comparator<Ref> oldestFirst = Comparator.comparing(Ref::time).thenComparingLong(Ref::seq);
            PriorityQueue<Ref> newest = new PriorityQueue<>(oldestFirst);
            long[] matched = {0};
            scanTopics(pipeline, topics, (letter, ref) -> {
                if (filter.matches(letter)) {
                    matched[0]++;
                    newest.add(ref);
                    if (newest.size() > offset + limit) {
                        newest.poll();
                    }
                }
                return true;
            });
            List<Ref> refs = new ArrayList<>(newest);
            refs.sort(oldestFirst.reversed());
            for (Ref ref : refs.subList(Math.min(offset, refs.size()), refs.size())) {
                if (!add(letters, bytes, read(ref))) {
                    break;
                }
            }
            total = matched[0];
            // the topic's dead letters that replays wrote, whatever the filter
            resolved = Math.min(total, sql(() -> table.resolvedOfTopics(pipeline)));
        }
        withReplays(letters);
        return new Page(total, Math.max(0, total - resolved), letters);
    }

    /** Adds a letter to a page unless the page's payloads would pass {@link #MAX_PAGE_BYTES}; false when full. */
    private static boolean add(List<DeadLetter> letters, long[] bytes, DeadLetter letter) {
        bytes[0] += letter.payload() == null ? 0 : letter.payload().length;
        if (!letters.isEmpty() && bytes[0] > MAX_PAGE_BYTES) {
            return false;
        }
        letters.add(letter);
        return true;
    }

    /** The dead letter {@code id} of {@code pipeline}, with its replays. */
    public Optional<DeadLetter> find(String pipeline, List<String> topics, String id) {
        DeadLetterFilter only = new DeadLetterFilter(null, null, null, null, Set.of(id));
        if (topics.isEmpty()) {
            return page(pipeline, topics, only, 0, 1).letters().stream().findFirst();
        }
        List<DeadLetter> found = new ArrayList<>(1);
        scanTopics(pipeline, topics, (letter, ref) -> {
            if (letter.id().equals(id)) {
                found.add(letter);
                return false;
            }
            return true;
        });
        withReplays(found);
        return found.stream().findFirst();
    }

    /** Hands every dead letter {@code filter} takes to {@code action}, oldest first, one at a time. */
    public void each(String pipeline, List<String> topics, DeadLetterFilter filter, Consumer<DeadLetter> action) {
        if (topics.isEmpty()) {
            sql(() -> {
                table.each(pipeline, filter, row -> action.accept(fromEntry(row.entry())));
                return null;
            });
            return;
        }
        scanTopics(pipeline, topics, (letter, ref) -> {
            if (filter.matches(letter)) {
                action.accept(letter);
            }
            return true;
        });
    }

    /** Notes what became of a replayed dead letter; the last note counts, and the notes count the replays. */
    public void replayed(String pipeline, String id, String outcome, String reason) {
        sql(() -> {
            table.replayed(pipeline, id, outcome, reason);
            return null;
        });
    }

    /** Adds {@code replay} (the last replay's time, outcome and reason, and the number of replays) to each letter. */
    private void withReplays(List<DeadLetter> letters) {
        Map<String, Map<String, Object>> replays = sql(() -> table.replays(letters.stream().map(DeadLetter::id).toList()));
        letters.forEach(letter -> {
            Map<String, Object> replay = replays.get(letter.id());
            if (replay != null) {
                letter.entry().put("replay", replay);
            }
        });
    }

    /** What a scan does with each dead letter; false ends the scan. */
    private interface Visitor {
        boolean visit(DeadLetter letter, Ref ref);
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(Query<T> query) {
        try {
            return query.run();
        } catch (SQLException e) {
            throw new IllegalStateException("The dead-letter store cannot be read: " + e.getMessage(), e);
        }
    }

    private void scanTopics(String pipeline, List<String> topics, Visitor visitor) {
        long[] seq = {0};
        for (String topic : topics) {
            if (!scanTopic(pipeline, topic + topicSuffix, seq, visitor)) {
                return;
            }
        }
    }

    private DeadLetter read(Ref ref) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(ref.partition()));
            consumer.seek(ref.partition(), ref.offset());
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == ref.offset()) {
                        return fromTopic(record);
                    }
                }
            }
            throw new IllegalStateException("Reading " + ref.partition() + " at offset " + ref.offset()
                    + " took longer than " + KAFKA_TIMEOUT);
        }
    }

    private static Instant time(DeadLetter letter) {
        try {
            return Instant.parse(letter.time());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH; // no time of its own: listed last
        }
    }

    /** A stored entry as the API shows it, with whether Sluice's seal verifies it. */
    DeadLetter fromEntry(Map<String, Object> entry) {
        String id = String.valueOf(entry.get("id"));
        boolean verified = seal.verifies(entry);
        entry.remove(DeadLetterSeal.FIELD);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", id);
        shown.putAll(entry);
        shown.put("verified", verified);
        byte[] payload = entry.get("payload") instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                : entry.get("payload_base64") instanceof String base64 ? Base64.getDecoder().decode(base64) : null;
        String source = String.valueOf(entry.get("source"));
        Location location = entry.get("line") instanceof Number n ? new Location.FileLine(source, n.longValue())
                : entry.get("index") instanceof Number n ? new Location.Item(source, n.longValue()) : null;
        return new DeadLetter(id, shown, location, payload);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> settings = new HashMap<>(KafkaProducers.security(kafka));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The records of a dead-letter topic that {@code pipeline} sent there, from the beginning to its end now. */
    private boolean scanTopic(String pipeline, String topic, long[] seq, Visitor visitor) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return true;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, KAFKA_TIMEOUT);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (assigned.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty() && System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading the dead-letter topic " + topic + " took longer than "
                            + KAFKA_TIMEOUT);
                }
                if (!records.isEmpty()) {
                    deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos(); // a long topic: each poll within the time
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                            && pipeline.equals(header(record, "pipeline"))) {
                        DeadLetter letter = fromTopic(record);
                        if (!visitor.visit(letter, new Ref(time(letter), seq[0]++,
                                new TopicPartition(record.topic(), record.partition()), record.offset()))) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    private DeadLetter fromTopic(ConsumerRecord<byte[], byte[]> record) {
        String id = "kafka:" + record.topic() + ":" + record.partition() + ":" + record.offset();
        String topic = header(record, "topic");
        Long partition = number(header(record, "partition"));
        Long offset = number(header(record, "offset"));
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", id);
        shown.put("time", header(record, "time"));
        shown.put("pipeline", header(record, "pipeline"));
        shown.put("source", topic == null ? null : topic + "/" + partition);
        shown.put("offset", offset);
        shown.put("stage", header(record, "stage"));
        shown.put("reason", header(record, "reason"));
        shown.put("error", header(record, "exception.class"));
        byte[] value = record.value() == null ? new byte[0] : record.value();
        String text = DeadLetterQueue.utf8(value);
        if (text != null) {
            shown.put("payload", text);
        } else {
            shown.put("payload_base64", Base64.getEncoder().encodeToString(value));
        }
        if (record.key() != null) {
            shown.put("key", new String(record.key(), StandardCharsets.UTF_8));
        }
        if ("true".equals(header(record, "truncated"))) {
            shown.put("truncated", true);
        }
        String replayedFrom = header(record, "replayed.from");
        if (replayedFrom != null) {
            shown.put("replayed_from", replayedFrom);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (header.key().startsWith("sluice.error.")) {
                headers.add(Map.entry(header.key().substring("sluice.error.".length()),
                        new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        String mac = header(record, DeadLetterSeal.FIELD);
        shown.put("verified", mac != null && DeadLetterSeal.equal(mac, seal.seal(headers, record.key(), record.value())));
        // a record some other producer put there, without Sluice's headers, is listed but cannot be replayed
        Location origin = topic == null || partition == null || offset == null ? null
                : new Location.TopicOffset(topic, partition.intValue(), offset, record.key());
        return new DeadLetter(id, shown, origin, value);
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader("sluice.error." + name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
