package dev.sluice.source;

import dev.sluice.record.Cut;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;

import dev.sluice.config.SluiceConfig;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import jakarta.inject.Singleton;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The first step of a Kafka pipeline: turns the consumed record into a {@link RecordOrigin} (topic, partition,
 * offset, key, exact value bytes, and its acknowledgement with the pipeline's {@link KafkaOffsetCommitter}), and
 * removes every header, so no step can be steered by a header a producer set ({@code CamelSqlQuery},
 * {@code kafka.OVERRIDE_TOPIC}, …).
 *
 * <pre>
 * from:
 *   uri: "kafka:robot.telemetry"
 *   steps:
 *     - process: {ref: kafkaRecords}
 * </pre>
 */
// a singleton, not application-scoped: used for every record, so no client proxy looks up the instance on each call
@Singleton
@Named("kafkaRecords")
public class KafkaRecords implements Processor {

    private final PipelineRuntimes runtimes;
    private final int maxRecordBytes;

    public KafkaRecords(PipelineRuntimes runtimes, SluiceConfig config) {
        this.runtimes = runtimes;
        this.maxRecordBytes = config.source().maxRecordBytes();
    }

    @Override
    public void process(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof RecordOrigin) {
            return; // a replayed dead letter: a record already, acknowledged to its replay, not to the topic
        }
        String pipeline = exchange.getFromRouteId();
        PipelineRuntime runtime = runtimes.get(pipeline);
        KafkaOffsetCommitter committer = runtime.part(KafkaOffsetCommitter.class).orElse(null);
        if (committer == null) {
            throw new IllegalStateException("kafkaRecords must be the first step of a route that consumes from kafka: ("
                    + pipeline + ")");
        }
        String topic = exchange.getIn().getHeader(KafkaConstants.TOPIC, String.class);
        int partition = exchange.getIn().getHeader(KafkaConstants.PARTITION, Integer.class);
        long offset = exchange.getIn().getHeader(KafkaConstants.OFFSET, Long.class);
        byte[] key = exchange.getIn().getHeader(KafkaConstants.KEY, byte[].class);
        byte[] value = exchange.getIn().getBody(byte[].class);
        if (value == null) {
            value = new byte[0];
        }
        // a value longer than the largest record is kept only in its first bytes, and dead-lettered as such
        Cut cut = value.length > maxRecordBytes ? Cut.of(value) : null;
        RecordOrigin origin = new RecordOrigin(runtime.stats(),
                new Location.TopicOffset(topic, partition, offset, key),
                cut != null ? Cut.head(value, maxRecordBytes) : value, committer.ack(topic, partition, offset), cut,
                null).lastReady(exchange.getIn().getHeader(KafkaConstants.LAST_POLL_RECORD, false, Boolean.class));
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setBody(origin);
    }
}
