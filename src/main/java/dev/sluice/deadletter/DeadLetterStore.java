package dev.sluice.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Json;
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
import org.jboss.logging.Logger;

/**
 * Reads the dead letters of a pipeline where {@link DeadLetterQueue} put them: its dead-letter files (current and
 * rotated) and the dead-letter topics of the topics it reads, newest first, in memory proportional to what is asked
 * for, never to what is stored: a scan keeps only where each matching dead letter is (a file and a byte position, a
 * partition and an offset), and only as many of those as the page needs; the page's entries are then read again
 * from there. Remembers what became of each replayed dead letter in
 * {@code <sluice.dead-letter.dir>/replays/<pipeline>.jsonl} (the dead letters themselves are never changed: a file is
 * append-only, a topic cannot be edited); a replay that fails again is noted there, not stored as a new dead letter.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Logger LOG = Logger.getLogger(DeadLetterStore.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern ROTATED = Pattern.compile("\\.\\d{8}-\\d{9}(-\\d+)?\\.jsonl");
    /** A page ends before its limit once its entries hold this many payload bytes (at least one entry). */
    static final long MAX_PAGE_BYTES = 8L << 20;

    /** One page of dead letters: how many match in all, and the page's entries. */
    public record Page(long total, List<DeadLetter> letters) {
    }

    /** Where a dead letter is, to read it again: a file and byte position, or a topic partition and offset. */
    private record Ref(Instant time, long seq, Path file, long position, TopicPartition partition, long offset) {
    }

    private final Path dir;
    private final String topicSuffix;
    private final SluiceConfig.Kafka kafka;
    private final DeadLetterSeal seal;

    public DeadLetterStore(SluiceConfig config, DeadLetterSeal seal) {
        this.dir = Path.of(config.deadLetter().dir());
        this.topicSuffix = config.kafka().deadLetterSuffix();
        this.kafka = config.kafka();
        this.seal = seal;
    }

    /**
     * The dead letters of {@code pipeline} that {@code filter} takes, newest first, from {@code offset}, at most
     * {@code limit} (fewer once their payloads reach {@link #MAX_PAGE_BYTES}), with their replays; {@code topics}:
     * those the pipeline reads.
     */
    public Page page(String pipeline, List<String> topics, Predicate<DeadLetter> filter, int offset, int limit) {
        Comparator<Ref> oldestFirst = Comparator.comparing(Ref::time).thenComparingLong(Ref::seq);
        PriorityQueue<Ref> newest = new PriorityQueue<>(oldestFirst);
        long[] total = {0};
        scan(pipeline, topics, (letter, ref) -> {
            if (filter.test(letter)) {
                total[0]++;
                newest.add(ref);
                if (newest.size() > offset + limit) {
                    newest.poll();
                }
            }
            return true;
        });
        List<Ref> refs = new ArrayList<>(newest);
        refs.sort(oldestFirst.reversed());
        List<DeadLetter> letters = new ArrayList<>();
        long bytes = 0;
        for (Ref ref : refs.subList(Math.min(offset, refs.size()), refs.size())) {
            DeadLetter letter = read(ref);
            if (letter == null) {
                continue;
            }
            bytes += letter.payload() == null ? 0 : letter.payload().length;
            if (!letters.isEmpty() && bytes > MAX_PAGE_BYTES) {
                break;
            }
            letters.add(letter);
        }
        withReplays(pipeline, letters);
        return new Page(total[0], letters);
    }

    /** The dead letter {@code id} of {@code pipeline}, with its replays. */
    public Optional<DeadLetter> find(String pipeline, List<String> topics, String id) {
        List<DeadLetter> found = new ArrayList<>(1);
        scan(pipeline, topics, (letter, ref) -> {
            if (letter.id().equals(id)) {
                found.add(letter);
                return false;
            }
            return true;
        });
        withReplays(pipeline, found);
        return found.stream().findFirst();
    }

    /** Hands every dead letter {@code filter} takes to {@code action}, oldest file first, one at a time. */
    public void each(String pipeline, List<String> topics, Predicate<DeadLetter> filter, Consumer<DeadLetter> action) {
        scan(pipeline, topics, (letter, ref) -> {
            if (filter.test(letter)) {
                action.accept(letter);
            }
            return true;
        });
    }

    /** Notes what became of a replayed dead letter; the last note counts, and the notes count the attempts. */
    public synchronized void replayed(String pipeline, String id, String outcome, String reason) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("id", id);
        note.put("time", Instant.now().toString());
        note.put("outcome", outcome);
        if (reason != null) {
            note.put("reason", reason);
        }
        Path file = replaysFile(pipeline);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (Json.MAPPER.writeValueAsString(note) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot note the replay of " + id + " in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Adds {@code replay} (the last replay's time, outcome and reason, and the number of replays) to each letter. */
    private synchronized void withReplays(String pipeline, List<DeadLetter> letters) {
        Path file = replaysFile(pipeline);
        if (letters.isEmpty() || !Files.exists(file)) {
            return;
        }
        Map<String, DeadLetter> byId = new HashMap<>();
        letters.forEach(letter -> byId.put(letter.id(), letter));
        Map<String, Map<String, Object>> last = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        JsonLines.read(file, 0, (note, position) -> {
            String id = String.valueOf(note.remove("id"));
            if (byId.containsKey(id)) {
                last.put(id, note);
                counts.merge(id, 1, Integer::sum);
            }
            return true;
        });
        last.forEach((id, note) -> {
            note.put("replays", counts.get(id));
            byId.get(id).entry().put("replay", note);
        });
    }

    private Path replaysFile(String pipeline) {
        return dir.resolve("replays").resolve(pipeline + ".jsonl");
    }

    /** What a scan does with each dead letter; false ends the scan. */
    private interface Visitor {
        boolean visit(DeadLetter letter, Ref ref);
    }

    private void scan(String pipeline, List<String> topics, Visitor visitor) {
        long[] seq = {0};
        for (Path file : files(pipeline)) {
            long[] line = {0};
            boolean more = JsonLines.read(file, 0, (entry, position) -> {
                line[0]++;
                DeadLetter letter = fromFile(file, line[0], entry);
                return visitor.visit(letter, new Ref(time(letter), seq[0]++, file, position, null, 0));
            });
            if (!more) {
                return;
            }
        }
        for (String topic : topics) {
            if (!scanTopic(pipeline, topic + topicSuffix, seq, visitor)) {
                return;
            }
        }
    }

    private DeadLetter read(Ref ref) {
        if (ref.file() != null) {
            List<DeadLetter> one = new ArrayList<>(1);
            JsonLines.read(ref.file(), ref.position(), (entry, position) -> {
                one.add(fromFile(ref.file(), -1, entry));
                return false;
            });
            return one.isEmpty() ? null : one.get(0);
        }
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

    private List<Path> files(String pipeline) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.equals(pipeline + ".jsonl") || name.startsWith(pipeline + ".")
                        && ROTATED.matcher(name.substring(pipeline.length())).matches();
            }).sorted(Comparator.comparing((Path file) -> file.getFileName().toString().equals(pipeline + ".jsonl"))
                    .thenComparing(Comparator.naturalOrder())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the dead-letter files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code line}: the entry's line in its file, for entries written before ids (-1 when not known). */
    private DeadLetter fromFile(Path file, long line, Map<String, Object> entry) {
        // entries written before dead letters had ids of their own are named by their place
        String id = entry.get("id") instanceof String own ? own : "file:" + file.getFileName() + ":" + line;
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
                        if (!visitor.visit(letter, new Ref(time(letter), seq[0]++, null, 0,
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
