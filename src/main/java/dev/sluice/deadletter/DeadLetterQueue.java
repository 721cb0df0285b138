package dev.sluice.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Backoff;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Cut;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.StageException;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.sluice.record.Json;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Where records that cannot be written go, with enough to find and replay them.
 *
 * <p>
 * A record read from Kafka goes to the dead-letter topic of its source topic ({@code <topic>.dlq}) with its key
 * and value bytes unchanged and headers saying where it came from and why: {@code sluice.error.topic},
 * {@code sluice.error.partition}, {@code sluice.error.offset}, {@code sluice.error.pipeline},
 * {@code sluice.error.stage}, {@code sluice.error.reason}, {@code sluice.error.exception.class},
 * {@code sluice.error.time}. The send does not hold the consumer: the record is released when the broker
 * acknowledges it; while the broker refuses it, the record is held (its partition commits no further), its pipeline
 * and readiness name the partition, offset and reason, and the send is tried again with growing pauses
 * ({@code sluice.retry.*}); once it is taken, the partition moves on.
 *
 * <p>
 * Any other record (read from a file, given by a Java source or over HTTP) goes to the table
 * {@code sluice_dead_letters} of the sink database ({@link DeadLetterTable}), an entry per record (records that did
 * not come from a file have {@code index}, their position in their input, instead of {@code line}):
 *
 * <pre>
 * {"id":"file:…","time":"…","pipeline":"robot-telemetry-etl","source":"data/in/a.jsonl","line":17,"stage":"parse",
 *  "reason":"missing required field 'seq'","error":"dev.sluice.record.InvalidRecordException","payload":"…","mac":"…"}
 * </pre>
 *
 * {@code payload} is the record exactly as read; a record that is not valid UTF-8 has {@code payload_base64}
 * instead, and one cut at the line-length limit has {@code "truncated": true}; {@code mac} is the seal
 * ({@link DeadLetterSeal}). Each entry is committed before the record is released to its source, so a crash of the
 * process loses none; the same record dead-lettered again (its batch rolled back, its file read again after a crash)
 * meets the entry of its origin and adds nothing. At {@code sluice.dead-letter.max-total-bytes} of entries a dead
 * letter is refused (its record is not acknowledged, read again later) and readiness says so; entries older than
 * {@code sluice.dead-letter.retention} are removed. Dead-letter files of earlier releases in
 * {@code sluice.dead-letter.dir} are imported once at start (then renamed {@code *.imported}).
 */
@ApplicationScoped
public class DeadLetterQueue {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);

    private final Path dir;
    private final String topicSuffix;
    private final KafkaProducers kafka;
    private final DependencyHealth health;
    private final DeadLetterTable table;
    private final DeadLetterSeal seal;
    private final long maxTotalBytes;
    private final Optional<Duration> retention;
    private final int maxTopicRecordBytes;
    /** Bytes of the stored entries, as last measured and added to since; -1 before the first measure. */
    private long storedBytes = -1;
    private final SluiceConfig.Retry retry;
    private final PipelineRuntimes runtimes;
    private final ScheduledExecutorService retentionTimer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice dead-letter retention");
        thread.setDaemon(true);
        return thread;
    });
    /** Sends refused dead letters of Kafka records again (a send may block while the broker is away). */
    private final ScheduledExecutorService resends = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice dead-letter resends");
        thread.setDaemon(true);
        return thread;
    });
    /** Room kept for the headers a cut copy adds. */
    private static final int CUT_HEADERS_BYTES = 256;
    static final String STORE = "dead-letter store";

    public DeadLetterQueue(SluiceConfig config, KafkaProducers kafka, @Readiness DependencyHealth health,
            MeterRegistry registry, DeadLetterSeal seal, Database database, PipelineRuntimes runtimes) {
        this.seal = seal;
        this.retry = config.retry();
        this.runtimes = runtimes;
        this.dir = Path.of(config.deadLetter().dir());
        this.table = new DeadLetterTable(database);
        this.maxTotalBytes = config.deadLetter().maxTotalBytes();
        this.retention = config.deadLetter().retention();
        Gauge.builder("sluice.dead.letter.stored", this, DeadLetterQueue::storedBytes)
                .description("Bytes of the dead letters in the database, against sluice.dead-letter.max-total-bytes")
                .baseUnit("bytes").register(registry);
        this.topicSuffix = config.kafka().deadLetterSuffix();
        this.kafka = kafka;
        this.health = health;
        this.maxTopicRecordBytes = config.kafka().deadLetterMaxBytes();
    }

    /** Imports the dead-letter files of earlier releases, and starts removing what is past its retention. */
    void start(@Observes StartupEvent event) {
        new DeadLetterImport(dir, table).run();
        retention.ifPresent(keep -> retentionTimer.scheduleWithFixedDelay(() -> removeOlderThan(keep), 0, 1,
                TimeUnit.HOURS));
    }

    private void removeOlderThan(Duration keep) {
        try {
            int removed = table.removeOlderThan(keep);
            if (removed > 0) {
                LOG.infof("Removed %d dead letters older than %s (sluice.dead-letter.retention)", removed, keep);
            }
            synchronized (this) {
                storedBytes = table.bytes();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Cannot remove the dead letters older than %s: %s", keep, e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        retentionTimer.shutdownNow();
        resends.shutdownNow();
    }

    synchronized long storedBytes() {
        if (storedBytes < 0) {
            try {
                storedBytes = table.bytes();
            } catch (SQLException e) {
                return 0;
            }
        }
        return storedBytes;
    }

    /** The dead-letter topic of a source topic. */
    public String topic(String sourceTopic) {
        return sourceTopic + topicSuffix;
    }

    /**
     * Records the failure of one record and settles it (a record settled already is left alone). A file entry is
     * written before this returns; if it cannot be, the record is abandoned and this throws. A Kafka record is
     * settled when the broker has its dead letter.
     */
    public void send(RecordOrigin origin, String stage, Throwable error) {
        if (!origin.deadLettering()) {
            return;
        }
        origin.deadLetterReason(stage + ": " + reason(error));
        if (origin.replayOf() != null) {
            // a replayed dead letter that fails again stays the one dead letter it was: the replay notes the attempt
            LOG.warnf("Replayed dead letter %s of pipeline %s failed again at stage %s: %s", origin.replayOf(),
                    origin.pipeline(), stage, reason(error));
            origin.deadLettered();
            return;
        }
        if (origin.location() instanceof Location.TopicOffset record) {
            sendToTopic(origin, record, stage, error);
            return;
        }
        try {
            store(origin, stage, error);
        } catch (RuntimeException e) {
            origin.abandon(e);
            throw e;
        }
        LOG.warnf("Dead-lettered %s of pipeline %s at stage %s: %s", origin, origin.pipeline(), stage, reason(error));
        origin.deadLettered();
    }

    /**
     * Records that a whole input file was given up on (it kept failing) and moved to {@code movedTo}: a dead letter
     * with stage {@code file} and no payload (the file itself is the payload).
     */
    public void sendFile(String pipeline, String source, String movedTo, String reason) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", newId());
        entry.put("time", Instant.now().toString());
        entry.put("pipeline", pipeline);
        entry.put("source", source);
        entry.put("stage", "file");
        entry.put("reason", reason);
        entry.put("moved_to", movedTo);
        append(pipeline, DeadLetterTable.originKey(source, "file", movedTo.getBytes(StandardCharsets.UTF_8)), entry);
        LOG.errorf("Pipeline %s gave up on file %s: %s", pipeline, source, reason);
    }

    private void sendToTopic(RecordOrigin origin, Location.TopicOffset record, String stage, Throwable error) {
        Cut cut = origin.cut();
        byte[] payload = origin.payload();
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("topic", record.topic()),
                Map.entry("partition", Integer.toString(record.partition())),
                Map.entry("offset", Long.toString(record.offset())),
                Map.entry("pipeline", origin.pipeline()),
                Map.entry("stage", stage),
                Map.entry("reason", reason(error)),
                Map.entry("exception.class", cause(error).getClass().getName()),
                Map.entry("time", Instant.now().toString())));
        int keyBytes = record.key() == null ? 0 : record.key().length;
        int headerBytes = headers.stream().mapToInt(h -> h.getKey().length() + h.getValue().length() + 32).sum();
        if (keyBytes + payload.length + headerBytes + CUT_HEADERS_BYTES > maxTopicRecordBytes) {
            // too large for the dead-letter topic with its headers: a marked, cut copy, with what the record was
            cut = cut != null ? cut : Cut.of(payload);
            payload = Cut.head(payload, Math.max(0, maxTopicRecordBytes - keyBytes - headerBytes - CUT_HEADERS_BYTES));
        }
        if (cut != null) {
            headers.add(Map.entry("truncated", "true"));
            headers.add(Map.entry("original.size", Long.toString(cut.originalSize())));
            if (cut.sha256() != null) {
                headers.add(Map.entry("original.sha256", cut.sha256()));
            }
        }
        headers.add(Map.entry(DeadLetterSeal.FIELD, seal.seal(headers, record.key(), payload)));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic(record.topic()), null, record.key(), payload);
        headers.forEach(h -> dead.headers().add("sluice.error." + h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8)));
        sendToTopic(origin, record, dead, stage + ": " + reason(error), new Backoff(retry));
    }

    /**
     * Sends a Kafka record's dead letter; while the broker refuses it, the record is held (its partition commits no
     * further, which its pipeline and readiness name) and the send is tried again with growing pauses, until it is
     * taken, the pipeline is removed or the service stops (then the record is abandoned: read again after a restart).
     */
    private void sendToTopic(RecordOrigin origin, Location.TopicOffset record, ProducerRecord<byte[], byte[]> dead,
            String why, Backoff pauses) {
        Optional<PipelineRuntime> pipeline = runtimes.find(origin.pipeline());
        try {
            kafka.producer().send(dead, (metadata, failure) -> {
                if (failure == null) {
                    pipeline.ifPresent(runtime -> runtime.release(origin, held(record)));
                    LOG.warnf("Dead-lettered %s of pipeline %s at stage %s", origin, origin.pipeline(), why);
                    origin.deadLettered();
                } else {
                    refused(origin, record, dead, why, pauses, failure);
                }
            });
        } catch (RuntimeException e) {
            refused(origin, record, dead, why, pauses, e);
        }
    }

    /** The input a record whose dead letter is refused holds back, as its pipeline names it. */
    private static String held(Location.TopicOffset record) {
        return "partition " + record.topic() + "-" + record.partition() + " offset " + record.offset();
    }

    private void refused(RecordOrigin origin, Location.TopicOffset record, ProducerRecord<byte[], byte[]> dead,
            String why, Backoff pauses, Exception failure) {
        String dependency = "dead-letter topic " + dead.topic();
        String held = held(record);
        Optional<PipelineRuntime> pipeline = runtimes.find(origin.pipeline()).filter(runtime -> !runtime.closed());
        if (pipeline.isEmpty() || !origin.sourceCurrent() || resends.isShutdown()) {
            // the pipeline was removed, its consumer let go of the partition, or the service stops: whoever reads
            // the partition next reads the record again
            pipeline.ifPresent(runtime -> runtime.release(origin, held));
            LOG.errorf("Cannot dead-letter %s of pipeline %s to the %s: %s; it is read again by the partition's next "
                    + "reader", origin, origin.pipeline(), dependency, failure.getMessage());
            origin.abandon(failure);
            return;
        }
        if (!pipeline.get().held().containsKey(held)) {
            LOG.errorf("Cannot dead-letter %s of pipeline %s to the %s: %s; the record is held, its partition commits "
                    + "no further, and the dead letter is tried again until it is taken", origin, origin.pipeline(),
                    dependency, failure.getMessage());
        }
        Duration pause = pauses.grow();
        pipeline.get().hold(origin, held, "its dead letter is refused by the " + dependency + " (" + failure.getMessage()
                + "); tried again every " + pause + " at most " + retry.maxBackoff());
        try {
            resends.schedule(() -> {
                if (origin.sourceCurrent()) {
                    sendToTopic(origin, record, dead, why, pauses);
                } else {
                    refused(origin, record, dead, why, pauses, failure); // let go of meanwhile: abandoned there
                }
            }, pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            pipeline.get().release(origin, held);
            origin.abandon(failure);
        }
    }

    private void store(RecordOrigin origin, String stage, Throwable error) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", newId());
        entry.put("time", Instant.now().toString());
        entry.put("pipeline", origin.pipeline());
        entry.put("source", origin.source());
        entry.put(origin.location() instanceof Location.FileLine ? "line" : "index", origin.position());
        if (origin.sender() != null) {
            entry.put("sender", origin.sender());
        }
        entry.put("stage", stage);
        entry.put("reason", reason(error));
        entry.put("error", cause(error).getClass().getName());
        String text = utf8(origin.payload());
        if (text != null) {
            entry.put("payload", text);
        } else {
            entry.put("payload_base64", Base64.getEncoder().encodeToString(origin.payload()));
        }
        if (origin.cut() != null) {
            entry.put("truncated", true);
            entry.put("original_size", origin.cut().originalSize());
            if (origin.cut().sha256() != null) {
                entry.put("original_sha256", origin.cut().sha256());
            }
        }
        append(origin.pipeline(), DeadLetterTable.originKey(origin.source(), origin.position(), origin.payload()),
                entry);
    }

    private void append(String pipeline, String originKey, Map<String, Object> entry) {
        entry.put(DeadLetterSeal.FIELD, seal.seal(entry));
        try {
            String line = Json.MAPPER.writeValueAsString(entry);
            synchronized (this) {
                if (storedBytes < 0 || storedBytes + line.length() > maxTotalBytes) {
                    storedBytes = table.bytes(); // dead letters may have been removed since
                }
                if (storedBytes + line.length() > maxTotalBytes) {
                    throw new SQLException("the dead letters hold " + storedBytes + " bytes, the cap of "
                            + "sluice.dead-letter.max-total-bytes (" + maxTotalBytes + "): replay or remove dead "
                            + "letters, or set sluice.dead-letter.retention");
                }
            }
            if (table.insert(pipeline, originKey, entry, line)) {
                synchronized (this) {
                    storedBytes += line.length();
                }
            }
            health.ok(STORE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (SQLException e) {
            health.failing(STORE, e, this::writable);
            throw new IllegalStateException("Cannot store the dead letter of " + pipeline + ": " + e.getMessage(), e);
        }
    }

    /** True when a dead letter could be stored now: the database answers and the cap is not reached. */
    private boolean writable() {
        try {
            long bytes = table.bytes();
            synchronized (this) {
                storedBytes = bytes;
            }
            return bytes < maxTotalBytes;
        } catch (SQLException e) {
            return false;
        }
    }

    /** A stored dead letter's id: its own, kept across replays and imports (a topic's is its offset). */
    private static String newId() {
        return "file:" + UUID.randomUUID();
    }

    /** The cause a user needs to read: the wrapped exception of a failed stage, else the error itself. */
    public static Throwable cause(Throwable error) {
        return (error instanceof dev.sluice.record.StageException || error instanceof dev.sluice.record.CallbackError)
                && error.getCause() != null ? error.getCause() : error;
    }

    public static String reason(Throwable error) {
        Throwable cause = cause(error);
        String message = cause.getMessage();
        return message != null ? message : cause.getClass().getSimpleName();
    }

    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
