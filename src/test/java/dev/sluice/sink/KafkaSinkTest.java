package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Batch;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The topic sink tells a record's fault from the pipeline's: a record the broker refuses for its content is rejected
 * alone (to be dead-lettered); a refusal that no record caused (an ACL, a topic that may not be written) rejects
 * nothing and is the pipeline's configuration; an error that may pass is an outage.
 */
class KafkaSinkTest {

    static final SluiceConfig CONFIG = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
            .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092").build()
            .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);

    final MockProducer<byte[], byte[]> broker = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    final KafkaSink sink = new KafkaSink("out", "id", new KafkaProducers(CONFIG) {
        @Override
        public Producer<byte[], byte[]> producer() {
            return broker;
        }
    });
    final List<Batch.Entry> written = new ArrayList<>();
    final List<Batch.Entry> rejected = new ArrayList<>();
    final BatchSink.Report report = new BatchSink.Report() {
        @Override
        public void written(Batch.Entry entry) {
            written.add(entry);
        }

        @Override
        public void rejected(Batch.Entry entry, Exception reason) {
            rejected.add(entry);
        }
    };

    static List<Batch.Entry> entries(int count) {
        List<Batch.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            entries.add(new Batch.Entry(Map.of("id", "k-" + i), new RecordOrigin(dev.sluice.Unwatched.stats("p"),
                    new Location.FileLine("f", i), new byte[0], TestAcks.NONE, false)));
        }
        return entries;
    }

    /** Writes on a thread of its own, answering each send as {@code answers} says (null: taken). */
    private Exception write(List<Batch.Entry> entries, RuntimeException... answers) throws Exception {
        CompletableFuture<Exception> done = CompletableFuture.supplyAsync(() -> {
            try {
                sink.write(entries, report);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        for (RuntimeException answer : answers) {
            while (!(answer == null ? broker.completeNext() : broker.errorNext(answer))) {
                Thread.onSpinWait(); // until the write has sent the next record
            }
        }
        return done.get();
    }

    @Test
    void aRefusalNoRecordCausedRejectsNothingAndIsThePipelinesConfiguration() throws Exception {
        List<Batch.Entry> entries = entries(2);
        TopicAuthorizationException acl = new TopicAuthorizationException("Not authorized to access topics: [out]");

        Exception failure = write(entries, acl, acl);

        assertThat(failure).isSameAs(acl);
        assertThat(rejected).as("good records are not dead-lettered").isEmpty();
        assertThat(sink.classify(failure)).isEqualTo(BatchSink.Failure.CONFIGURATION);
        assertThat(sink.classify(new InvalidTopicException("Cannot append to internal topic __consumer_offsets")))
                .isEqualTo(BatchSink.Failure.CONFIGURATION);
    }

    @Test
    void aRecordTooLargeIsRejectedAloneAndTheOthersWritten() throws Exception {
        List<Batch.Entry> entries = entries(3);

        Exception failure = write(entries, null, new RecordTooLargeException("too large"), null);

        assertThat(failure).isNull();
        assertThat(rejected).containsExactly(entries.get(1));
        assertThat(written).containsExactly(entries.get(0), entries.get(2));
    }

    @Test
    void anErrorThatMayPassIsAnOutage() throws Exception {
        Exception failure = write(entries(1), new NotLeaderOrFollowerException("leader moving"));

        assertThat(failure).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(sink.classify(failure)).isEqualTo(BatchSink.Failure.TRANSIENT);
        assertThat(rejected).isEmpty();
    }
}
