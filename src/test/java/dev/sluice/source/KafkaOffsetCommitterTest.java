package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.sluice.metrics.PipelineStats;
import dev.sluice.record.Acknowledgement;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The offsets of a partition in flight stay bounded: one record holding the commit point pauses the partition; with
 * several consumer threads each commits only its own partitions, through its own consumer.
 */
class KafkaOffsetCommitterTest {

    @Test
    void aPartitionWithTooManyRecordsInFlightIsPausedAndResumedWhenHalfSettled() {
        TopicPartition partition = new TopicPartition("t", 0);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(Set.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
        consumer.updateEndOffsets(Map.of(partition, 10L));
        KafkaOffsetCommitter committer = new KafkaOffsetCommitter(
                dev.sluice.Unwatched.stats("p"), Duration.ofHours(1), 4);
        List<Acknowledgement> acks = new ArrayList<>();
        for (long offset = 0; offset < 4; offset++) {
            Acknowledgement ack = committer.ack("t", 0, offset);
            ack.retain();
            acks.add(ack);
        }

        committer.afterConsume(consumer);
        assertThat(consumer.paused()).containsExactly(partition);

        consumer.resume(Set.of(partition)); // what a rebalance or a new consumer after a reconnect does
        committer.afterConsume(consumer);
        assertThat(consumer.paused()).as("paused again: still four in flight").containsExactly(partition);

        acks.get(1).release();
        acks.get(2).release();
        committer.afterConsume(consumer);
        assertThat(consumer.paused()).as("offset 0 holds the commit point: all four still tracked").containsExactly(partition);
        assertThat(consumer.committed(Set.of(partition))).isEmpty();

        acks.get(0).release();
        committer.afterConsume(consumer);
        assertThat(consumer.paused()).as("only offset 3 left in flight").isEmpty();
        assertThat(consumer.committed(Set.of(partition)).get(partition).offset()).isEqualTo(3);
    }

    @Test
    void eachConsumerThreadCommitsItsOwnPartitionsAndTheLagIsTheirSum() throws Exception {
        PipelineStats stats = dev.sluice.Unwatched.stats("p");
        KafkaOffsetCommitter committer = new KafkaOffsetCommitter(stats, Duration.ZERO, 100);
        TopicPartition zero = new TopicPartition("t", 0);
        TopicPartition one = new TopicPartition("t", 1);
        MockConsumer<byte[], byte[]> first = consumerOf(zero, 10);
        MockConsumer<byte[], byte[]> second = consumerOf(one, 20);

        // each lane reads offsets 0..4 of its partition on its own thread; offset 2 of partition 1 is not settled
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        Thread a = new Thread(() -> {
            for (long offset = 0; offset < 5; offset++) {
                settled(committer.ack("t", 0, offset));
            }
            committer.afterConsume(first);
            firstDone.countDown();
            awaitQuietly(secondDone); // a lane lives as long as its consumer thread
        });
        Thread b = new Thread(() -> {
            for (long offset = 0; offset < 5; offset++) {
                Acknowledgement ack = committer.ack("t", 1, offset);
                ack.retain();
                if (offset != 2) {
                    ack.release();
                }
            }
            committer.afterConsume(second);
            secondDone.countDown();
        });
        a.start();
        firstDone.await();
        b.start();
        b.join();
        a.join();

        assertThat(first.committed(Set.of(zero, one))).containsOnlyKeys(zero);
        assertThat(first.committed(Set.of(zero)).get(zero).offset()).isEqualTo(5);
        assertThat(second.committed(Set.of(zero, one))).containsOnlyKeys(one);
        assertThat(second.committed(Set.of(one)).get(one).offset()).as("held by offset 2").isEqualTo(2);
        assertThat(stats.consumerLag()).as("(10 - 5) + (20 - 2)").isEqualTo(23);
    }

    private static MockConsumer<byte[], byte[]> consumerOf(TopicPartition partition, long end) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(Set.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
        consumer.updateEndOffsets(Map.of(partition, end));
        return consumer;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void settled(Acknowledgement ack) {
        ack.retain();
        ack.release();
    }
}
