package dev.sluice.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.sink.KafkaProducers;
import dev.sluice.source.Location;
import dev.sluice.source.RecordOrigin;
import dev.sluice.stage.Json;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Where records that cannot be written go, with enough to find and replay them.
 *
 * <p>
 * A record read from Kafka goes to the dead-letter topic of its source topic ({@code <topic>.dlq}) with its key
 * and value bytes unchanged and headers saying where it came from and why: {@code sluice.error.topic},
 * {@code sluice.error.partition}, {@code sluice.error.offset}, {@code sluice.error.pipeline},
 * {@code sluice.error.stage}, {@code sluice.error.reason}, {@code sluice.error.exception.class},
 * {@code sluice.error.time}. The send is acknowledged by the broker before the record is released.
 *
 * <p>
 * Any other record (read from a file, given by a Java source or over HTTP) goes to one JSON Lines file per pipeline
 * in {@code sluice.dead-letter.dir}, an entry per record (records that did not come from a file have {@code index},
 * their position in their input, instead of {@code line}):
 *
 * <pre>
 * {"time":"…","pipeline":"robot-telemetry-etl","source":"data/in/a.jsonl","line":17,"stage":"parse",
 *  "reason":"missing required field 'seq'","error":"dev.sluice.stage.InvalidRecordException","payload":"…"}
 * </pre>
 *
 * {@code payload} is the record exactly as read; a record that is not valid UTF-8 has {@code payload_base64}
 * instead, and one cut at the line-length limit has {@code "truncated": true}. Each entry is appended and handed
 * to the operating system before the record is released to its source, so a crash of the process loses none.
 */
@ApplicationScoped
@Unremovable // looked up through the Camel registry by the sinks, which CDI cannot see
public class DeadLetterQueue {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);

    private final Path dir;
    private final String topicSuffix;
    private final KafkaProducers kafka;

    public DeadLetterQueue(SluiceConfig config, KafkaProducers kafka) {
        this.dir = Path.of(config.deadLetter().dir());
        this.topicSuffix = config.kafka().deadLetterSuffix();
        this.kafka = kafka;
    }

    /** The dead-letter topic of a source topic. */
    public String topic(String sourceTopic) {
        return sourceTopic + topicSuffix;
    }

    /** The dead-letter file of a pipeline. */
    public Path file(String pipeline) {
        return dir.resolve(pipeline + ".jsonl");
    }

    /** Records the failure of one record and settles it; throws if the entry cannot be written. */
    public void send(RecordOrigin origin, String stage, Throwable error) {
        if (origin.location() instanceof Location.TopicOffset record) {
            sendToTopic(origin, record, stage, error);
        } else {
            appendToFile(origin, stage, error);
        }
        LOG.warnf("Dead-lettered %s of pipeline %s at stage %s: %s", origin, origin.pipeline(), stage, reason(error));
        origin.deadLettered();
    }

    private void sendToTopic(RecordOrigin origin, Location.TopicOffset record, String stage, Throwable error) {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic(record.topic()), null, record.key(),
                origin.payload());
        header(dead, "topic", record.topic());
        header(dead, "partition", Integer.toString(record.partition()));
        header(dead, "offset", Long.toString(record.offset()));
        header(dead, "pipeline", origin.pipeline());
        header(dead, "stage", stage);
        header(dead, "reason", reason(error));
        header(dead, "exception.class", cause(error).getClass().getName());
        header(dead, "time", Instant.now().toString());
        try {
            kafka.producer().send(dead).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dead-lettering " + origin, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot write " + origin + " to " + dead.topic(), e);
        }
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        record.headers().add("sluice.error." + name, value.getBytes(StandardCharsets.UTF_8));
    }

    private void appendToFile(RecordOrigin origin, String stage, Throwable error) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", Instant.now().toString());
        entry.put("pipeline", origin.pipeline());
        entry.put("source", origin.source());
        entry.put(origin.location() instanceof Location.FileLine ? "line" : "index", origin.position());
        entry.put("stage", stage);
        entry.put("reason", reason(error));
        entry.put("error", cause(error).getClass().getName());
        String text = utf8(origin.payload());
        if (text != null) {
            entry.put("payload", text);
        } else {
            entry.put("payload_base64", Base64.getEncoder().encodeToString(origin.payload()));
        }
        if (origin.truncated()) {
            entry.put("truncated", true);
        }
        append(origin.pipeline(), entry);
    }

    private synchronized void append(String pipeline, Map<String, Object> entry) {
        try {
            byte[] line = (Json.MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(dir);
            Files.write(file(pipeline), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the dead-letter file of " + pipeline, e);
        }
    }

    /** The cause a user needs to read: the wrapped exception of a failed stage, else the error itself. */
    static Throwable cause(Throwable error) {
        return error instanceof dev.sluice.stage.StageException && error.getCause() != null ? error.getCause() : error;
    }

    static String reason(Throwable error) {
        Throwable cause = cause(error);
        String message = cause.getMessage();
        return message != null ? message : cause.getClass().getSimpleName();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
