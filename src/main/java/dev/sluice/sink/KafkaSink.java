package dev.sluice.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.sluice.batch.Batch;
import dev.sluice.config.SluiceConfig;
import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.retry.Backoff;
import dev.sluice.retry.DependencyHealth;
import dev.sluice.retry.UnavailableException;
import dev.sluice.stage.InvalidRecordException;
import dev.sluice.stage.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Writes a {@link Batch} to a Kafka topic: each record as JSON, keyed by the value of {@code keyField}, so all the
 * records of one key go to one partition in the order they were read. Declared in a pipeline's {@code beans:} with
 * the properties {@code topic} and {@code keyField}.
 *
 * <p>
 * Records are settled only once the broker acknowledged them (all in-sync replicas). Sends that fail for a reason
 * that may pass (broker down, leader moving) are retried with growing pauses for as long as the pipeline runs, and
 * reported by readiness; a record the broker refuses for good (too large) is dead-lettered.
 */
public class KafkaSink implements Processor {

    private static final Logger LOG = Logger.getLogger(KafkaSink.class);

    private String topic;
    private String keyField;

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public void setKeyField(String keyField) {
        this.keyField = keyField;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Batch batch = exchange.getIn().getMandatoryBody(Batch.class);
        try {
            write(batch.entries(), exchange.getContext());
        } catch (UnavailableException e) {
            batch.entries().forEach(entry -> entry.origin().abandon(e));
            throw e;
        }
        batch.recordWritten(exchange);
    }

    private void write(List<Batch.Entry> entries, CamelContext context) throws UnavailableException {
        Registry registry = context.getRegistry();
        Producer<byte[], byte[]> producer = registry.findSingleByType(KafkaProducers.class).producer();
        DeadLetterQueue deadLetters = registry.findSingleByType(DeadLetterQueue.class);
        DependencyHealth health = registry.findSingleByType(DependencyHealth.class);
        Backoff backoff = new Backoff(registry.findSingleByType(SluiceConfig.class).retry());
        String name = "sink kafka:" + topic;

        List<Batch.Entry> pending = entries;
        while (!pending.isEmpty()) {
            List<Batch.Entry> sent = new ArrayList<>();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            List<Batch.Entry> retry = new ArrayList<>();
            Exception transientFailure = null;
            for (Batch.Entry entry : pending) {
                if (transientFailure != null) {
                    retry.add(entry); // the broker is away: keep the rest, in order, for the next attempt
                    continue;
                }
                try {
                    acks.add(producer.send(record(entry.record())));
                    sent.add(entry);
                } catch (InvalidRecordException e) {
                    deadLetters.send(entry.origin(), name, e);
                } catch (RetriableException e) {
                    transientFailure = e;
                    retry.add(entry);
                }
            }
            for (int i = 0; i < sent.size(); i++) {
                Batch.Entry entry = sent.get(i);
                try {
                    acks.get(i).get();
                    entry.origin().written();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException(name, e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RetriableException) {
                        transientFailure = (Exception) e.getCause();
                        retry.add(entry);
                    } else {
                        deadLetters.send(entry.origin(), name, e.getCause());
                    }
                }
            }
            String pipeline = entries.get(0).origin().pipeline();
            if (transientFailure == null) {
                health.ok(name);
                LOG.debugf("Pipeline %s: wrote %d records to topic %s", pipeline, sent.size(), topic);
                return;
            }
            health.failing(name, transientFailure);
            LOG.warnf("Pipeline %s: write of %d records to topic %s failed, retrying in %d ms: %s", pipeline,
                    retry.size(), topic, backoff.next().toMillis(), transientFailure.getMessage());
            backoff.pause(context, name, transientFailure);
            pending = retry;
        }
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
