package dev.sluice.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Batch;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import dev.sluice.record.UnavailableException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Writes a batch to a Kafka topic: each record as JSON, keyed by the value of {@code keyField}, so all the records
 * of one key go to one partition in the order they were read: {@code to: sluice-topic:<topic>?keyField=<field>} in a
 * pipeline. Records count as written only once the broker acknowledged them (all in-sync replicas). A record the
 * broker refuses for its own content (too large, failing the broker's validation) is rejected alone; a send that
 * fails for a reason that may pass (broker down, leader moving) fails the write as {@link BatchSink.Failure#TRANSIENT},
 * and only the records not acknowledged are sent again; any other refusal (an ACL, a topic that may not be written, a
 * bad client setting) is the pipeline's {@link BatchSink.Failure#CONFIGURATION}: it stops, nothing dead-lettered.
 */
final class KafkaSink implements BatchSink {

    private final String topic;
    private final String keyField;
    private final KafkaProducers kafka;

    KafkaSink(String topic, String keyField, KafkaProducers kafka) {
        this.topic = topic;
        this.keyField = keyField;
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "kafka:" + topic;
    }

    @Override
    public void write(List<Batch.Entry> entries, Report report) throws Exception {
        List<Batch.Entry> sent = new ArrayList<>(entries.size());
        List<Future<RecordMetadata>> acks = new ArrayList<>(entries.size());
        Exception transientFailure = null;
        Exception refusal = null;
        for (Batch.Entry entry : entries) {
            try {
                acks.add(kafka.producer().send(record(entry.record())));
                sent.add(entry);
            } catch (InvalidRecordException e) {
                report.rejected(entry, e);
            } catch (RetriableException e) {
                transientFailure = e; // the broker is away: keep the rest, in order, for the next attempt
                break;
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                acks.get(i).get();
                report.written(sent.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException(name(), e);
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception exception ? exception : e;
                if (cause instanceof RetriableException) {
                    transientFailure = transientFailure == null ? cause : transientFailure;
                } else if (recordAtFault(cause)) {
                    report.rejected(sent.get(i), cause);
                } else {
                    refusal = refusal == null ? cause : refusal; // the pipeline's, not the record's: nothing rejected
                }
            }
        }
        if (refusal != null) {
            throw refusal;
        }
        if (transientFailure != null) {
            throw transientFailure;
        }
    }

    /** A refusal of one record's own content: too large, or failing the broker's validation of the record. */
    static boolean recordAtFault(Exception failure) {
        return failure instanceof RecordTooLargeException || failure instanceof InvalidRecordException
                || failure instanceof org.apache.kafka.common.InvalidRecordException;
    }

    /**
     * A broker error that may pass is an outage; any other refusal from Kafka that is not a record's own (an ACL, a
     * bad client setting, a topic that may not be written, a fenced producer) is the pipeline's configuration; what
     * is not Kafka's is unknown.
     */
    @Override
    public Failure classify(Exception failure) {
        if (failure instanceof RetriableException) {
            return Failure.TRANSIENT;
        }
        if (recordAtFault(failure)) {
            return Failure.DATA;
        }
        return failure instanceof KafkaException ? Failure.CONFIGURATION : Failure.UNKNOWN;
    }

    private ProducerRecord<byte[], byte[]> record(Map<String, Object> record) throws InvalidRecordException {
        Object key = record.get(keyField);
        return new ProducerRecord<>(topic, key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8),
                Json.writeBytes(record));
    }

    @Override
    public String toString() {
        return "KafkaSink[" + topic + "]";
    }
}
