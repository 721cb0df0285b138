package dev.sluice.record;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The acknowledgements of one Kafka topic partition: the records in flight, and how far the partition may be
 * committed: up to, not including, the first offset not yet settled. Records settle out of order (a filtered record
 * before a batched one), so the commit point only moves over offsets that are all settled; an abandoned record holds
 * it for good, so it is read again after a restart.
 */
public final class PartitionProgress {

    /** Offset → settled; offsets are retained in increasing order. */
    private final TreeMap<Long, Boolean> inFlight = new TreeMap<>();
    private long highestRetained = -1;
    private long nextToCommit = -1;
    private long committed = -1;
    private volatile boolean revoked;

    /** The consumer let go of the partition (a rebalance, its route stopped): its next owner reads from the commit. */
    public void revoke() {
        revoked = true;
    }

    /** False when {@code offset} is not beyond what was read: the consumer went back (rebalance or seek). */
    public synchronized boolean accepts(long offset) {
        return offset > highestRetained;
    }

    /** The acknowledgement of the record at {@code offset}. */
    public Acknowledgement ack(long offset) {
        return new Acknowledgement() {
            @Override
            public void retain() {
                retainOffset(offset);
            }

            @Override
            public void release() {
                settle(offset);
            }

            @Override
            public void abandon(Exception cause) {
                // stays unsettled: the commit point never passes it, so it is read again after a restart
            }

            @Override
            public boolean current() {
                return !revoked;
            }
        };
    }

    /** Records read and not settled yet. */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    private synchronized void retainOffset(long offset) {
        inFlight.put(offset, false);
        highestRetained = offset;
    }

    private synchronized void settle(long offset) {
        if (inFlight.replace(offset, true) == null) {
            return;
        }
        for (Map.Entry<Long, Boolean> first = inFlight.firstEntry(); first != null && first.getValue(); first = inFlight
                .firstEntry()) {
            nextToCommit = first.getKey() + 1;
            inFlight.pollFirstEntry();
        }
    }

    /** The offset to commit if it moved since the last commit. */
    public synchronized OptionalLong commitPoint() {
        return nextToCommit > committed ? OptionalLong.of(nextToCommit) : OptionalLong.empty();
    }

    public synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }
}
