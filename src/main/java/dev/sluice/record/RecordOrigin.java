package dev.sluice.record;

import java.util.concurrent.atomic.AtomicReference;

import dev.sluice.metrics.PipelineStats;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * A record's life in one place: where it came from and what became of it. It travels with the record from the
 * source to the sink as the exchange property {@link #PROPERTY}, keeps the original bytes for the dead-letter queue,
 * counts the record in its pipeline's metrics, and releases the record to its source's {@link Acknowledgement}
 * exactly once, when the record reaches an end state.
 *
 * <pre>
 * IN_FLIGHT ──batched()──▶ BATCHED ──written()──▶ WRITTEN
 *     │                       ├──deadLettering()──▶ DEAD_LETTERING ──deadLettered()──▶ DEAD_LETTERED
 *     │                       └──abandon()──▶ ABANDONED   (pipeline stopped first: read it again)
 *     ├──deadLettering()──▶ DEAD_LETTERING ─┬─deadLettered()──▶ DEAD_LETTERED
 *     │                                     └─abandon()──▶ ABANDONED   (the dead-letter queue refused it)
 *     ├──exchange completes──▶ DROPPED   (a filter or stage dropped it)
 *     └──exchange fails──▶ ABANDONED   (an unhandled failure: read it again)
 * </pre>
 *
 * As a {@link Synchronization} on the record's own exchange it sees the record's route end: a record still in
 * flight then was dropped by a stage. An unhandled failure abandons the record: its source is not acknowledged (a
 * file stays in the input directory, a Kafka offset is not committed) and the record is read again after a restart.
 */
public final class RecordOrigin implements Synchronization {

    public static final String PROPERTY = "sluice.origin";

    private enum State {
        IN_FLIGHT(true), BATCHED(true), DEAD_LETTERING(true), WRITTEN(false), DEAD_LETTERED(false), DROPPED(false),
        ABANDONED(false);

        /** Not settled yet. */
        final boolean open;

        State(boolean open) {
            this.open = open;
        }
    }

    private final PipelineStats pipeline;
    private final Location location;
    private final byte[] payload;
    private final Acknowledgement ack;
    private final Cut cut;
    private final String sender;
    private volatile String hash;
    /** The dead letter this record is a replay of, or null. */
    private volatile String replayOf;
    /** Why the record was dead-lettered, once it was. */
    private volatile String deadLetterReason;
    private volatile String writtenAs = "written";
    /** The source had nothing more ready after this record (the end of a file, of a Kafka poll). */
    private volatile boolean lastReady;
    /** Why a concurrent stage failed the record, until the next route's first step throws it. */
    private volatile Exception stageFailure;
    /** When the batch the record joined started ({@link System#nanoTime()}): what its window counts from. */
    private volatile long batchStartedNanos;
    private final long readNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.IN_FLIGHT);

    /**
     * @param pipeline  the pipeline that read the record
     * @param location  where the record was read
     * @param payload   the record exactly as read
     * @param ack       the source's acknowledgement, retained now and released when the record reaches an end state
     * @param truncated true when the payload is only the start of a record too long to keep whole
     */
    public RecordOrigin(PipelineStats pipeline, Location location, byte[] payload, Acknowledgement ack,
            boolean truncated) {
        this(pipeline, location, payload, ack, truncated ? new Cut(payload.length, null) : null, null);
    }

    /**
     * @param cut    when the payload is only the start of a record too long to keep whole, what the record was; else null
     * @param sender the user who handed the record in over HTTP, or null
     */
    public RecordOrigin(PipelineStats pipeline, Location location, byte[] payload, Acknowledgement ack, Cut cut,
            String sender) {
        this.pipeline = pipeline;
        this.cut = cut;
        this.sender = sender;
        this.location = location;
        this.payload = payload;
        this.ack = ack;
        ack.retain();
        pipeline.recordRead();
    }

    public static RecordOrigin of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, RecordOrigin.class);
    }

    /** Attaches this origin to the record's exchange, so the exchange's end settles dropped records. */
    public void attachTo(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
        exchange.getExchangeExtension().addOnCompletion(this);
    }

    public String pipeline() {
        return pipeline.name();
    }

    public PipelineStats stats() {
        return pipeline;
    }

    public Location location() {
        return location;
    }

    public String source() {
        return location.source();
    }

    public long position() {
        return location.position();
    }

    public byte[] payload() {
        return payload;
    }

    public boolean truncated() {
        return cut != null;
    }

    /**
     * The SHA-256 of the record as read (hex): the same for a replay of this record, different for any other record.
     * Of the whole record when only its first bytes are kept.
     */
    public String hash() {
        String known = hash;
        if (known == null) {
            known = cut != null && cut.sha256() != null ? cut.sha256() : Cut.hex(Cut.digest().digest(payload));
            hash = known;
        }
        return known;
    }

    /** What the record was, if its payload is only its first bytes; else null. */
    public Cut cut() {
        return cut;
    }

    /** Who handed the record in over HTTP, or null. */
    public String sender() {
        return sender;
    }

    /**
     * Marks the record as the last its source had ready (the end of a file, of a Kafka poll, of a feed's queue): the
     * batch it joins is written without waiting for its window (flush on idle).
     */
    public RecordOrigin lastReady(boolean last) {
        this.lastReady = last;
        return this;
    }

    public boolean lastReady() {
        return lastReady;
    }

    /** A concurrent stage failed the record: the route after the stage fails it with {@code failure}. */
    public void stageFailed(Exception failure) {
        this.stageFailure = failure;
    }

    /** The failure a concurrent stage left on the record, once; null if it left none. */
    public Exception takeStageFailure() {
        Exception failure = stageFailure;
        stageFailure = null;
        return failure;
    }

    /** The record joined a batch that started at {@code nanos}. */
    public void batchStarted(long nanos) {
        this.batchStartedNanos = nanos;
    }

    public long batchStartedNanos() {
        return batchStartedNanos;
    }

    /** Marks the record as the replay of dead letter {@code id}: its dead letter, if it fails again, says so. */
    public RecordOrigin replayOf(String id) {
        this.replayOf = id;
        return this;
    }

    /** The dead letter this record replays, or null. */
    public String replayOf() {
        return replayOf;
    }

    /** Why the dead-letter queue got the record (set before it settles as dead-lettered). */
    public void deadLetterReason(String reason) {
        this.deadLetterReason = reason;
    }

    /**
     * What writing the record did when it made no new row ({@code updated}, {@code duplicate}, {@code stale}); set by
     * the sink before {@link #written()}.
     */
    public void writtenAs(String outcome) {
        this.writtenAs = outcome;
    }

    /**
     * What became of the record: {@code written} (a new row or message), {@code updated}, {@code duplicate} (the
     * target held it already), {@code stale} (older than its row), {@code filtered}, {@code dead-lettered},
     * {@code abandoned} (read again later), or {@code in flight}.
     */
    public String outcome() {
        return switch (state.get()) {
            case WRITTEN -> writtenAs;
            case DROPPED -> "filtered";
            case DEAD_LETTERED -> "dead-lettered";
            case ABANDONED -> "abandoned";
            default -> "in flight";
        };
    }

    /** Why the record was dead-lettered, or null. */
    public String deadLetterReason() {
        return deadLetterReason;
    }

    /** False once the record's source let go of its input (see {@link Acknowledgement#current()}). */
    public boolean sourceCurrent() {
        return ack.current();
    }

    /** The record joined a batch: from now on the sink settles it. */
    public void batched() {
        state.compareAndSet(State.IN_FLIGHT, State.BATCHED);
    }

    /** The sink has the record. */
    public void written() {
        if (state.compareAndSet(State.BATCHED, State.WRITTEN)) {
            pipeline.recordWritten(readNanos);
            senderSettled(false);
            ack.release();
        }
    }

    /**
     * The record is on its way to the dead-letter queue: it is no longer the pipeline's, and not settled until
     * {@link #deadLettered()}. False if it had settled already.
     */
    public boolean deadLettering() {
        State previous = state.getAndUpdate(s -> s == State.IN_FLIGHT || s == State.BATCHED ? State.DEAD_LETTERING : s);
        return previous == State.IN_FLIGHT || previous == State.BATCHED;
    }

    /** The record is in the dead-letter queue instead of the sink. */
    public void deadLettered() {
        if (state.compareAndSet(State.DEAD_LETTERING, State.DEAD_LETTERED)) {
            pipeline.recordFailed();
            senderSettled(true);
            ack.release();
        }
    }

    /**
     * The record will not be settled in this run: its route failed, its batch could not be written before the
     * pipeline stopped, or the dead-letter queue refused it. Its source must read it again where it can.
     */
    public void abandon(Exception cause) {
        State previous = state.getAndUpdate(s -> s.open ? State.ABANDONED : s);
        if (previous.open) {
            ack.abandon(cause);
        }
    }

    /**
     * Abandons the record only if no later step has it yet (not batched, not being dead-lettered): a chunk whose
     * exchange failed lets go of the records it still held.
     */
    public void abandonInFlight(Exception cause) {
        if (state.compareAndSet(State.IN_FLIGHT, State.ABANDONED)) {
            ack.abandon(cause);
        }
    }

    /** A filter or a stage dropped the record: it counts as filtered and is released to its source. */
    public void dropped() {
        if (state.compareAndSet(State.IN_FLIGHT, State.DROPPED)) {
            pipeline.recordFiltered();
            senderSettled(false);
            ack.release();
        }
    }

    private void senderSettled(boolean failed) {
        if (sender != null && replayOf == null) {
            pipeline.senderSettled(sender, failed, failed ? deadLetterReason : null);
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        dropped();
    }

    @Override
    public void onFailure(Exchange exchange) {
        // not acknowledged: see the class comment
        Exception cause = exchange.getException();
        abandon(cause != null ? cause : new IllegalStateException("the route of " + this + " failed"));
    }

    @Override
    public String toString() {
        return source() + ":" + position();
    }
}
