package dev.sluice.source;

import dev.sluice.record.Acknowledgement;
import dev.sluice.record.PartitionProgress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.metrics.PipelineStats;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Commits a Kafka pipeline's offsets itself, on each consumer's own thread after every poll (empty polls included),
 * and only as far as its records are settled: written, dead-lettered or dropped. Camel's own commits are off
 * ({@code autoCommitEnable=false}), so an offset is never committed ahead of the data, whatever the aggregator holds.
 *
 * <p>
 * It is installed as the Camel Kafka consumer's listener by {@link KafkaPipelines}, one per pipeline route. A route
 * with {@code consumersCount} N has N consumer threads (lanes), each with its own Kafka consumer and partitions; each
 * lane tracks, commits and bounds its own partitions, so nothing here is shared between lanes but the lag they sum
 * up. Partitions that leave a lane's assignment are forgotten: their records in flight are read again by their next
 * owner, and the idempotent sink absorbs the repeat.
 */
public final class KafkaOffsetCommitter extends KafkaConsumerListener {

    private static final Logger LOG = Logger.getLogger(KafkaOffsetCommitter.class);

    private final PipelineStats pipeline;
    private final Duration lagInterval;
    private final int maxInFlight;
    private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();

    KafkaOffsetCommitter(PipelineStats pipeline, Duration lagInterval, int maxInFlight) {
        this.pipeline = pipeline;
        this.lagInterval = lagInterval;
        this.maxInFlight = maxInFlight;
    }

    /** The acknowledgement of a record just consumed; called on its consumer's thread, in offset order. */
    Acknowledgement ack(String topic, int partition, long offset) {
        return lane().ack(new TopicPartition(topic, partition), offset);
    }

    @Override
    public boolean afterConsume(Object consumer) {
        Consumer<?, ?> own = (Consumer<?, ?>) consumer; // this thread's own: getConsumer() is the last lane's
        Lane lane = lane();
        lane.commit(own);
        lane.bound(own);
        lane.measureLag(own);
        return true;
    }

    @Override
    public boolean afterProcess(ProcessingResult result) {
        // a failed record stays unsettled, which holds the commit point: no pause, no seek needed
        return true;
    }

    /** The consumer is removed with its route: every partition it read is let go. */
    void close() {
        lanes.values().forEach(lane -> lane.partitions.values().forEach(PartitionProgress::revoke));
    }

    private Lane lane() {
        return lanes.computeIfAbsent(Thread.currentThread(), thread -> new Lane());
    }

    /** One consumer thread's partitions: what it read and not yet settled, what it paused, its lag. */
    private final class Lane {

        // touched by this lane's consumer thread only; the writer settles records through PartitionProgress
        private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
        private final Set<TopicPartition> paused = new HashSet<>();
        private long lastLagCheck;
        private volatile long lag;

        Acknowledgement ack(TopicPartition partition, long offset) {
            PartitionProgress progress = partitions.get(partition);
            if (progress == null || !progress.accepts(offset)) {
                // first record of the partition, or the consumer went back to the committed offset after a rebalance
                progress = new PartitionProgress();
                partitions.put(partition, progress);
            }
            return progress.ack(offset);
        }

        void commit(Consumer<?, ?> consumer) {
            Set<TopicPartition> assigned = consumer.assignment();
            partitions.entrySet().removeIf(partition -> {
                boolean gone = !assigned.contains(partition.getKey());
                if (gone) {
                    partition.getValue().revoke();
                }
                return gone;
            });
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach((partition, progress) -> progress.commitPoint()
                    .ifPresent(offset -> offsets.put(partition, new OffsetAndMetadata(offset))));
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets);
                offsets.forEach((partition, offset) -> {
                    PartitionProgress progress = partitions.get(partition);
                    if (progress != null) {
                        progress.committed(offset.offset());
                    }
                });
                LOG.debugf("Pipeline %s committed %s", pipeline.name(), offsets);
            } catch (KafkaException e) {
                // a rebalance or an unreachable broker: the same offsets are committed after the next poll
                LOG.warnf("Pipeline %s could not commit %s: %s", pipeline.name(), offsets, e.getMessage());
            }
        }

        /**
         * Pauses a partition that holds {@code maxInFlight} records not yet settled (one record holding the commit
         * point while the rest flow), and resumes it when half of them settled, so what is held in memory stays
         * bounded.
         */
        void bound(Consumer<?, ?> consumer) {
            Set<TopicPartition> assigned = consumer.assignment();
            // a rebalance or a new consumer after a reconnect resumes every partition: pause them again if need be
            paused.retainAll(consumer.paused());
            partitions.forEach((partition, progress) -> {
                int inFlight = progress.inFlight();
                if (inFlight >= maxInFlight && paused.add(partition)) {
                    consumer.pause(Set.of(partition));
                    LOG.warnf("Pipeline %s paused %s: %d records read and not yet settled", pipeline.name(), partition,
                            inFlight);
                } else if (inFlight <= maxInFlight / 2 && paused.remove(partition) && assigned.contains(partition)) {
                    consumer.resume(Set.of(partition));
                    LOG.infof("Pipeline %s resumed %s", pipeline.name(), partition);
                }
            });
        }

        /** This lane's lag, then the pipeline's: the sum over its live lanes (a stopped route's threads are gone). */
        void measureLag(Consumer<?, ?> consumer) {
            long now = System.nanoTime();
            if (now - lastLagCheck < lagInterval.toNanos()) {
                return;
            }
            lastLagCheck = now;
            Set<TopicPartition> assigned = consumer.assignment();
            try {
                long own = 0;
                if (!assigned.isEmpty()) {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(2));
                    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(2));
                    for (TopicPartition partition : assigned) {
                        OffsetAndMetadata done = committed.get(partition);
                        own += Math.max(0, ends.getOrDefault(partition, 0L) - (done == null ? 0 : done.offset()));
                    }
                }
                lag = own;
                lanes.keySet().removeIf(thread -> !thread.isAlive());
                pipeline.consumerLag(lanes.values().stream().mapToLong(lane -> lane.lag).sum());
            } catch (KafkaException e) {
                LOG.debugf("Pipeline %s could not measure its lag: %s", pipeline.name(), e.getMessage());
            }
        }
    }
}
