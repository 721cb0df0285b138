package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.record.Acknowledgement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The offsets of a partition in flight stay bounded: one record holding the commit point pauses the partition. */
class KafkaOffsetCommitterTest {

    @Test
    void aPartitionWithTooManyRecordsInFlightIsPausedAndResumedWhenHalfSettled() {
        TopicPartition partition = new TopicPartition("t", 0);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(Set.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
        consumer.updateEndOffsets(Map.of(partition, 10L));
        KafkaOffsetCommitter committer = new KafkaOffsetCommitter(
                new PipelineMetrics(new SimpleMeterRegistry()).pipeline("p"), Duration.ofHours(1), 4);
        committer.setConsumer(consumer);
        List<Acknowledgement> acks = new ArrayList<>();
        for (long offset = 0; offset < 4; offset++) {
            Acknowledgement ack = committer.ack("t", 0, offset);
            ack.retain();
            acks.add(ack);
        }

        committer.afterConsume(null);
        assertThat(consumer.paused()).containsExactly(partition);

        acks.get(1).release();
        acks.get(2).release();
        committer.afterConsume(null);
        assertThat(consumer.paused()).as("offset 0 holds the commit point: all four still tracked").containsExactly(partition);
        assertThat(consumer.committed(Set.of(partition))).isEmpty();

        acks.get(0).release();
        committer.afterConsume(null);
        assertThat(consumer.paused()).as("only offset 3 left in flight").isEmpty();
        assertThat(consumer.committed(Set.of(partition)).get(partition).offset()).isEqualTo(3);
    }
}
