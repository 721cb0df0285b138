package dev.sluice.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * The records a source hands over at once (a block of a file's lines, a replay), or the records of a Kafka poll
 * gathered as they come, moving through Camel as one exchange: the stages run on each record inside it and keep the
 * ones that go on, each with its {@link RecordOrigin}, so every record still settles on its own. As a
 * {@link Synchronization} on its exchange it abandons, when the exchange fails, the records not batched yet: their
 * source reads them again.
 */
public final class Chunk implements Synchronization {

    /** Most records in one chunk: a batch closes at the chunk that fills it, so it holds at most this many more. */
    public static final int MAX_RECORDS = 100;
    /** Most bytes of records (as read) in one chunk, so a chunk of long records stays small in memory. */
    public static final int MAX_BYTES = 256 * 1024;

    private final List<RecordOrigin> read;
    private final List<Batch.Entry> kept = new ArrayList<>();
    private volatile long batchStartedNanos;

    /** @param read the records as read, in order; the last one says whether the source had more ready */
    public Chunk(List<RecordOrigin> read) {
        this.read = new ArrayList<>(read);
    }

    /** A chunk gathered one record at a time ({@link #add}). */
    public Chunk() {
        this(List.of());
    }

    /** One more record read. */
    public void add(RecordOrigin origin) {
        read.add(origin);
    }

    public static Chunk of(Exchange exchange) {
        return exchange.getIn().getBody() instanceof Chunk chunk ? chunk : null;
    }

    /** The records as their source read them. */
    public List<RecordOrigin> read() {
        return Collections.unmodifiableList(read);
    }

    /**
     * Lets go of the kept records whose source let go of their input while they were gathered (a Kafka partition
     * revoked): they are read again where the partition went, not written here after the records read there.
     */
    public void dropNotCurrent() {
        kept.removeIf(entry -> {
            if (entry.origin().sourceCurrent()) {
                return false;
            }
            entry.origin().abandonInFlight(new IllegalStateException("its source let go of " + entry.origin()));
            return true;
        });
    }

    /** A record went through the stages: it goes on to the batch. */
    public void keep(Map<String, Object> record, RecordOrigin origin) {
        kept.add(new Batch.Entry(record, origin));
    }

    /** The records that went through the stages, in the order they were read. */
    public List<Batch.Entry> kept() {
        return Collections.unmodifiableList(kept);
    }

    /** The source had nothing more ready after this chunk (the end of a file, of a poll). */
    public boolean lastReady() {
        return !read.isEmpty() && read.get(read.size() - 1).lastReady();
    }

    /** The chunk joined a batch that started at {@code nanos} ({@link System#nanoTime()}). */
    public void batchStarted(long nanos) {
        this.batchStartedNanos = nanos;
    }

    public long batchStartedNanos() {
        return batchStartedNanos;
    }

    @Override
    public void onComplete(Exchange exchange) {
        // every record is batched, dropped or dead-lettered by now; one that is not was left by a fault: read it again
        abandonUnbatched(new IllegalStateException("a record of " + this + " was neither batched nor settled"));
    }

    @Override
    public void onFailure(Exchange exchange) {
        Exception cause = exchange.getException();
        abandonUnbatched(cause != null ? cause : new IllegalStateException("the route of " + this + " failed"));
    }

    private void abandonUnbatched(Exception cause) {
        read.forEach(origin -> origin.abandonInFlight(cause));
    }

    @Override
    public String toString() {
        return read.isEmpty() ? "an empty chunk" : "the chunk from " + read.get(0);
    }
}
