package dev.sluice.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * The records the aggregator gathered for one write, each with its origin so the sink can settle it. As a
 * {@link Synchronization} on the batch's exchange it abandons, when that exchange fails before the sink settled them
 * (a pipeline stopping as its batch closes), the records still open: their source reads them again.
 */
public final class Batch implements Synchronization {

    /** The exchange property that says why Sluice's completion closed a batch: size, bytes or idle. */
    public static final String CLOSED_BY = "sluice.batch.closedBy";

    /** One record of the batch and where it came from. */
    public record Entry(Map<String, Object> record, RecordOrigin origin) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private long bytes;
    private boolean sourceIdle;

    /** Adds a record; from now on its sink settles it. */
    public void add(Map<String, Object> record, RecordOrigin origin) {
        entries.add(new Entry(record, origin));
        bytes += origin.payload().length;
        sourceIdle = origin.lastReady();
        origin.batched();
    }

    /** Adds the records a chunk kept; the batch's source is idle when the chunk's was. */
    public void add(Chunk chunk) {
        chunk.kept().forEach(entry -> add(entry.record(), entry.origin()));
        sourceIdle = chunk.lastReady();
    }

    /** The last record added was the last its source had ready: nothing more is coming soon. */
    public boolean sourceIdle() {
        return sourceIdle;
    }

    /** The records' size as read, in bytes: what a batch's byte limit counts. */
    public long bytes() {
        return bytes;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public int size() {
        return entries.size();
    }

    /** When the first record joined, on the {@link System#nanoTime()} clock. */
    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public void onComplete(Exchange exchange) {
        // the sink settled every record
    }

    @Override
    public void onFailure(Exchange exchange) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : new IllegalStateException("the batch's route failed");
        entries.forEach(entry -> entry.origin().abandon(cause)); // settled records ignore it
    }
}
