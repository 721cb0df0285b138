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
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Json;
import dev.sluice.record.Location;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead letters of a pipeline where {@link DeadLetterQueue} put them: its dead-letter files (current and
 * rotated) and the dead-letter topics of the topics it reads, newest first. Remembers what became of each replayed
 * dead letter in {@code <sluice.dead-letter.dir>/replays/<pipeline>.jsonl} (the dead letters themselves are never
 * changed: a file is append-only, a topic cannot be edited).
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern ROTATED = Pattern.compile("\\.\\d{8}-\\d{9}(-\\d+)?\\.jsonl");

    private final Path dir;
    private final String topicSuffix;
    private final SluiceConfig.Kafka kafka;

    public DeadLetterStore(SluiceConfig config) {
        this.dir = Path.of(config.deadLetter().dir());
        this.topicSuffix = config.kafka().deadLetterSuffix();
        this.kafka = config.kafka();
    }

    /** Every dead letter of {@code pipeline}, newest first, with its last replay; {@code topics}: those it reads. */
    public List<DeadLetter> list(String pipeline, List<String> topics) {
        Map<String, Map<String, Object>> replays = replays(pipeline);
        List<DeadLetter> all = new ArrayList<>();
        for (Path file : files(pipeline)) {
            readFile(file, all);
        }
        for (String topic : topics) {
            readTopic(pipeline, topic + topicSuffix, all);
        }
        all.forEach(letter -> {
            Map<String, Object> replay = replays.get(letter.id());
            if (replay != null) {
                letter.entry().put("replay", replay);
            }
        });
        // newest first; dead letters of the same instant in the reverse of the order they were stored
        Collections.reverse(all);
        all.sort(Comparator.comparing(DeadLetter::time).reversed());
        return all;
    }

    /** Notes what became of a replayed dead letter; the last note counts. */
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

    private synchronized Map<String, Map<String, Object>> replays(String pipeline) {
        Map<String, Map<String, Object>> last = new HashMap<>();
        Path file = replaysFile(pipeline);
        if (Files.exists(file)) {
            for (Map<String, Object> note : lines(file)) {
                last.put(String.valueOf(note.remove("id")), note);
            }
        }
        return last;
    }

    private Path replaysFile(String pipeline) {
        return dir.resolve("replays").resolve(pipeline + ".jsonl");
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
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the dead-letter files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void readFile(Path file, List<DeadLetter> into) {
        long line = 0;
        for (Map<String, Object> entry : lines(file)) {
            line++;
            // entries written before dead letters had ids of their own are named by their place
            String id = entry.get("id") instanceof String own ? own : "file:" + file.getFileName() + ":" + line;
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("id", id);
            shown.putAll(entry);
            byte[] payload = entry.get("payload") instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : entry.get("payload_base64") instanceof String base64 ? Base64.getDecoder().decode(base64) : null;
            String source = String.valueOf(entry.get("source"));
            Location location = entry.get("line") instanceof Number n ? new Location.FileLine(source, n.longValue())
                    : entry.get("index") instanceof Number n ? new Location.Item(source, n.longValue()) : null;
            into.add(new DeadLetter(id, shown, location, payload));
        }
    }

    private static List<Map<String, Object>> lines(Path file) {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String text : (Iterable<String>) lines::iterator) {
                if (!text.isBlank()) {
                    entries.add(Json.MAPPER.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
                    }));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** The records of a dead-letter topic that {@code pipeline} sent there, from the beginning to its end now. */
    private void readTopic(String pipeline, String topic, List<DeadLetter> into) {
        Map<String, Object> settings = new HashMap<>(KafkaProducers.security(kafka));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, KAFKA_TIMEOUT);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (assigned.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading the dead-letter topic " + topic + " took longer than "
                            + KAFKA_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (pipeline.equals(header(record, "pipeline"))) {
                        into.add(fromTopic(record));
                    }
                }
            }
        }
    }

    private static DeadLetter fromTopic(ConsumerRecord<byte[], byte[]> record) {
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
