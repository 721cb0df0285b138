package dev.sluice.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.runtime.FakeSource;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.record.Acknowledgement;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Location;
import dev.sluice.record.PartitionProgress;
import dev.sluice.record.RecordOrigin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A Kafka record's dead letter does not hold the thread that sends it; the record settles when the broker answers. */
class DeadLetterQueueTest {

    static final SluiceConfig CONFIG = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
            .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092")
            .withDefaultValue("sluice.dead-letter.seal-key", "a key of the test").build()
            .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);

    final MockProducer<byte[], byte[]> broker = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    final PipelineRuntimes runtimes = PipelineRuntimes.unwatched(CONFIG);
    final DependencyHealth health = new DependencyHealth(null, runtimes);
    final DeadLetterQueue queue = new DeadLetterQueue(CONFIG, new KafkaProducers(CONFIG) {
        @Override
        public Producer<byte[], byte[]> producer() {
            return broker;
        }
    }, health, new SimpleMeterRegistry(), new DeadLetterSeal(CONFIG), null, runtimes);
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();

    RecordOrigin kafkaRecord() {
        return kafkaRecord(dev.sluice.Unwatched.stats("p"));
    }

    RecordOrigin kafkaRecord(PipelineStats stats) {
        return new RecordOrigin(stats,
                new Location.TopicOffset("in", 0, 7, null), "x".getBytes(), new Acknowledgement() {
                    @Override
                    public void retain() {
                    }

                    @Override
                    public void release() {
                        released.incrementAndGet();
                    }

                    @Override
                    public void abandon(Exception cause) {
                        abandoned.incrementAndGet();
                    }
                }, false);
    }

    @Test
    void returnsAtOnceAndReleasesTheRecordWhenTheBrokerHasIt() {
        RecordOrigin record = kafkaRecord();

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> queue.send(record, "parse", new InvalidRecordException("not JSON")));

        assertThat(released).hasValue(0);
        assertThat(broker.history()).singleElement().satisfies(dead -> assertThat(dead.topic()).isEqualTo("in.dlq"));
        broker.completeNext();
        assertThat(released).hasValue(1);
        assertThat(record.stats().errors()).isEqualTo(1);
    }

    @Test
    void aDeadLetterTheBrokerRefusesHoldsItsRecordVisiblyUntilTheBrokerTakesIt() {
        PipelineRuntime pipeline = runtimes.open("p", new FakeSource(true), existing -> false);
        RecordOrigin record = kafkaRecord(pipeline.stats());
        queue.send(record, "parse", new InvalidRecordException("not JSON"));

        broker.errorNext(new NotEnoughReplicasException("fewer in-sync replicas than required"));

        assertThat(released).hasValue(0);
        assertThat(abandoned).as("held, not abandoned: its partition waits for it").hasValue(0);
        assertThat(record.stats().errors()).isZero();
        assertThat(pipeline.problem()).startsWith("partition in-0 offset 7: its dead letter is refused by the "
                + "dead-letter topic in.dlq (fewer in-sync replicas than required); tried again every PT0.2S");
        assertThat(pipeline.held()).containsOnlyKeys("partition in-0 offset 7");

        // tried again after its pause, and taken: the record is released, its partition moves on
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.history().size() == 2);
        assertThat(broker.history().get(1).value()).isEqualTo(broker.history().get(0).value());
        broker.completeNext();
        assertThat(released).hasValue(1);
        assertThat(record.stats().errors()).isEqualTo(1);
        assertThat(pipeline.problem()).isNull();
        assertThat(pipeline.held()).isEmpty();
    }

    @Test
    void aHeldRecordWhosePartitionIsLetGoIsAbandonedForItsNextReader() {
        PipelineRuntime pipeline = runtimes.open("p", new FakeSource(true), existing -> false);
        PartitionProgress partition = new PartitionProgress();
        RecordOrigin record = new RecordOrigin(pipeline.stats(), new Location.TopicOffset("in", 0, 7, null),
                "x".getBytes(), partition.ack(7), false);
        queue.send(record, "parse", new InvalidRecordException("not JSON"));
        broker.errorNext(new NotEnoughReplicasException("fewer in-sync replicas than required"));
        assertThat(pipeline.held()).containsOnlyKeys("partition in-0 offset 7");

        partition.revoke(); // a rebalance: another consumer reads the partition from its committed offset
        await().atMost(Duration.ofSeconds(5)).until(() -> record.outcome().equals("abandoned"));

        assertThat(broker.history()).as("not sent again for a partition let go of").hasSize(1);
        assertThat(pipeline.held()).isEmpty();
        assertThat(partition.commitPoint()).as("never settled here").isEmpty();
    }

    @Test
    void aRefusedDeadLetterOfAPipelineNoLongerThereAbandonsItsRecord() {
        RecordOrigin record = kafkaRecord(dev.sluice.Unwatched.stats("gone"));
        queue.send(record, "parse", new InvalidRecordException("not JSON"));

        broker.errorNext(new NotEnoughReplicasException("fewer in-sync replicas than required"));

        assertThat(released).hasValue(0);
        assertThat(abandoned).as("read again after a restart").hasValue(1);
    }

    @Test
    void aRecordTooLargeForTheDeadLetterTopicGoesAsAMarkedCutCopy() throws Exception {
        byte[] big = new byte[1_048_400];
        Arrays.fill(big, (byte) 'x');
        RecordOrigin record = new RecordOrigin(dev.sluice.Unwatched.stats("p"),
                new Location.TopicOffset("in", 0, 7, "k".getBytes()), big, new Acknowledgement() {
                    @Override
                    public void retain() {
                    }

                    @Override
                    public void release() {
                        released.incrementAndGet();
                    }

                    @Override
                    public void abandon(Exception cause) {
                    }
                }, false);

        queue.send(record, "parse", new InvalidRecordException("not JSON"));

        org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> dead = broker.history().get(0);
        int headers = 0;
        for (org.apache.kafka.common.header.Header header : dead.headers()) {
            headers += header.key().length() + header.value().length;
        }
        assertThat(dead.key().length + dead.value().length + headers).isLessThanOrEqualTo(1_000_000);
        assertThat(dead.value()).isEqualTo(Arrays.copyOf(big, dead.value().length));
        assertThat(new String(dead.headers().lastHeader("sluice.error.truncated").value())).isEqualTo("true");
        assertThat(new String(dead.headers().lastHeader("sluice.error.original.size").value())).isEqualTo("1048400");
        assertThat(new String(dead.headers().lastHeader("sluice.error.original.sha256").value())).isEqualTo(
                HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(big)));
        broker.completeNext();
        assertThat(released).hasValue(1);
    }

}
