package dev.sluice.sink;

import java.util.List;

import dev.sluice.record.Batch;

/**
 * What a sink implements: write one batch. Everything around the write (retries and back-off, isolating and
 * dead-lettering the rows at fault, settling and acknowledging the records, stats and health) is {@link SinkWriter}'s,
 * once for every sink: the table and topic sinks and a Java user's {@code DataSink}.
 */
public interface BatchSink {

    /** What kind of failure a write met, which decides what {@link SinkWriter} does next. */
    enum Failure {
        /** The target is away (connection lost, broker down, a timeout): retried for as long as the pipeline runs. */
        TRANSIENT,
        /** The target refused what some entries hold without saying which: split until they are alone, dead-lettered. */
        DATA,
        /** Anything else: retried like a transient failure up to {@code sluice.retry.attempts} times, then as data. */
        UNKNOWN,
        /**
         * The target refuses what the pipeline asks of it (a missing table or column, a missing right): tried once
         * more (the sink may re-read what it knows of the target), then the pipeline stops with the reason; its
         * records are read again once it is fixed and started.
         */
        CONFIGURATION
    }

    /** What writing an entry did when it made no new row: its outcome, as a replay reports it. */
    enum Written {
        /** It replaced a row another record had written (upsert). */
        UPDATED("updated"),
        /** The target held this very record already: a replay the idempotent write absorbed. */
        DUPLICATE("duplicate"),
        /** Its version was below its key's row: left out (versioned upsert). */
        STALE("stale");

        public final String outcome;

        Written(String outcome) {
            this.outcome = outcome;
        }
    }

    /** What a write says about single entries. */
    interface Report {
        /** The entry is durable in the target; only needed by a write that then throws for the others. */
        void written(Batch.Entry entry);

        /** The entry can never be written as it is: it is dead-lettered with this reason, the others go on. */
        void rejected(Batch.Entry entry, Exception reason);

        /** The entry is settled by this write, which made no new row for it but {@code how}. */
        default void writtenAs(Batch.Entry entry, Written how) {
        }

        /** The write dropped {@code count} fields that no column takes (a table sink's {@code unmapped=drop}). */
        default void fieldsDropped(List<String> fields) {
        }
    }

    /** The sink's name in logs, health and dead letters, e.g. {@code jdbc:robot_telemetry}. */
    String name();

    /**
     * Writes the entries, in their order. Returning means every entry not reported {@code rejected} is durable in the
     * target. Throwing means the write failed: only entries already reported {@code written} or {@code rejected}
     * are settled; {@link #classify} says what happens to the others.
     */
    void write(List<Batch.Entry> entries, Report report) throws Exception;

    /** The kind of a failure {@link #write} threw. */
    default Failure classify(Exception failure) {
        return Failure.UNKNOWN;
    }

    /** The reason a dead letter gives when the target refused one entry alone with {@code failure}. */
    default Exception rejection(Exception failure) {
        return failure;
    }
}
