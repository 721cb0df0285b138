package dev.sluice.source;

import java.util.concurrent.atomic.AtomicReference;

import dev.sluice.metrics.PipelineStats;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * Where one record came from and what became of it. It travels with the record from the source to the sink as
 * the exchange property {@link #PROPERTY}, keeps the original bytes for the dead-letter queue, and releases the
 * record to its source exactly once, when the record reaches an end state.
 *
 * <pre>
 * IN_FLIGHT ──batched()──▶ BATCHED ──written()──▶ WRITTEN
 *     │                       └──deadLettered()──▶ DEAD_LETTERED
 *     ├──deadLettered()──▶ DEAD_LETTERED
 *     │                       └──abandon()──▶ ABANDONED   (pipeline stopped first: read it again)
 *     └──exchange completes──▶ DROPPED   (a filter or stage dropped it)
 * </pre>
 *
 * As a {@link Synchronization} on the record's own exchange it sees the record's route end: a record still in
 * flight then was dropped by a stage. An unhandled failure leaves the record unreleased on purpose, so its source
 * is never acknowledged and the record is read again after a restart.
 */
public final class RecordOrigin implements Synchronization {

    public static final String PROPERTY = "sluice.origin";

    public enum State {
        IN_FLIGHT, BATCHED, WRITTEN, DEAD_LETTERED, DROPPED, ABANDONED
    }

    private final PipelineStats pipeline;
    private final Location location;
    private final byte[] payload;
    private final SourceAck ack;
    private final boolean truncated;
    private final long readNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.IN_FLIGHT);

    /**
     * @param pipeline  the pipeline that read the record
     * @param location  where the record was read
     * @param payload   the record exactly as read
     * @param ack       the source's acknowledgement, retained now and released when the record reaches an end state
     * @param truncated true when the payload is only the start of a record too long to keep whole
     */
    public RecordOrigin(PipelineStats pipeline, Location location, byte[] payload, SourceAck ack, boolean truncated) {
        this.pipeline = pipeline;
        this.truncated = truncated;
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
        return truncated;
    }

    public State state() {
        return state.get();
    }

    /** The record joined a batch: from now on the sink settles it. */
    public void batched() {
        state.compareAndSet(State.IN_FLIGHT, State.BATCHED);
    }

    /** The sink has the record. */
    public void written() {
        if (state.compareAndSet(State.BATCHED, State.WRITTEN)) {
            pipeline.recordWritten(readNanos);
            ack.release();
        }
    }

    /** The record is in the dead-letter queue instead of the sink. */
    public void deadLettered() {
        State previous = state.getAndUpdate(s -> s == State.IN_FLIGHT || s == State.BATCHED ? State.DEAD_LETTERED : s);
        if (previous == State.IN_FLIGHT || previous == State.BATCHED) {
            pipeline.recordFailed();
            ack.release();
        }
    }

    /** The record's batch could not be written before the pipeline stopped: its source must read it again. */
    public void abandon(Exception cause) {
        if (state.compareAndSet(State.BATCHED, State.ABANDONED)) {
            ack.abandon(cause);
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        if (state.compareAndSet(State.IN_FLIGHT, State.DROPPED)) {
            pipeline.recordFiltered();
            ack.release();
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        // left unreleased: see the class comment
    }

    @Override
    public String toString() {
        return source() + ":" + position();
    }
}
