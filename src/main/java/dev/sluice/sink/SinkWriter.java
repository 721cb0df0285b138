package dev.sluice.sink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import dev.sluice.config.SluiceConfig;
import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.dependency.Backoff;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.record.FatalError;
import dev.sluice.record.Batch;
import dev.sluice.record.CallbackError;
import dev.sluice.record.ConflictException;
import dev.sluice.record.UnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.jboss.logging.Logger;

/**
 * The one sink protocol: writes a {@link Batch} with a {@link BatchSink} and settles every record in it exactly
 * once. The failure policy, the same for every sink (docs/delivery-guarantees.md):
 * <ul>
 * <li>an entry the sink reports {@code rejected} is dead-lettered at once, with the sink's reason;</li>
 * <li>a {@link BatchSink.Failure#TRANSIENT} failure is retried with pauses from {@code sluice.retry.initial-backoff}
 * doubling up to {@code max-backoff}, for as long as the pipeline runs, with readiness DOWN meanwhile; nothing is
 * dead-lettered for it. If the pipeline stops first, the records not written are abandoned: their source is not
 * acknowledged and reads them again after a restart;</li>
 * <li>a {@link BatchSink.Failure#DATA} failure splits the entries in halves, each written on its own, down to single
 * entries; one that still fails alone is dead-lettered, every other entry is written;</li>
 * <li>an {@link BatchSink.Failure#UNKNOWN} failure is retried like a transient one up to {@code sluice.retry.attempts}
 * times, then handled as a data failure (the halves are tried once each).</li>
 * </ul>
 * Written records are released to their source and counted, the batch is counted by the reason it closed, and
 * readiness names the sink while it fails.
 */
public final class SinkWriter implements Processor {

    private static final Logger LOG = Logger.getLogger(SinkWriter.class);

    private final BatchSink sink;
    private final String stage;
    private final DeadLetterQueue deadLetters;
    private final DependencyHealth health;
    private final SluiceConfig.Retry retry;
    private final CamelContext camel;

    SinkWriter(BatchSink sink, DeadLetterQueue deadLetters, DependencyHealth health, SluiceConfig.Retry retry,
            CamelContext camel) {
        this.sink = sink;
        this.stage = "sink " + sink.name();
        this.deadLetters = deadLetters;
        this.health = health;
        this.retry = retry;
        this.camel = camel;
    }

    public BatchSink sink() {
        return sink;
    }

    /** Writes the exchange's {@link Batch} body: the step at the end of a batch's route. */
    @Override
    public void process(Exchange exchange) throws Exception {
        write(exchange.getIn().getMandatoryBody(Batch.class), closedBy(exchange));
    }

    /**
     * Why the aggregator closed the batch on {@code exchange}: {@code size}, {@code time}, {@code bytes}, {@code idle}
     * (its source had nothing more ready) or {@code shutdown}.
     */
    static String closedBy(Exchange exchange) {
        String completedBy = exchange.getProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY, "unknown", String.class);
        return switch (completedBy) {
            case "timeout", "interval" -> "time";
            case "force" -> "shutdown";
            case "predicate" -> exchange.getProperty(Batch.CLOSED_BY, "bytes", String.class);
            default -> completedBy;
        };
    }

    /**
     * Writes the batch and settles its records.
     *
     * @param closedBy why the batch was closed: {@code size}, {@code bytes}, {@code time} or {@code shutdown}
     * @throws UnavailableException the pipeline stopped while the sink still failed; the records not written are
     *                              abandoned
     */
    public void write(Batch batch, String closedBy) throws UnavailableException {
        List<Batch.Entry> entries = batch.entries();
        if (entries.isEmpty()) {
            return;
        }
        try {
            writeAll(entries);
        } catch (UnavailableException e) {
            entries.forEach(entry -> entry.origin().abandon(e)); // settled records ignore it
            throw e;
        }
        entries.get(0).origin().stats().batchWritten(entries.size(), closedBy);
    }

    private void writeAll(List<Batch.Entry> entries) throws UnavailableException {
        Backoff backoff = new Backoff(retry);
        Deque<List<Batch.Entry>> work = new ArrayDeque<>();
        work.push(entries);
        while (!work.isEmpty()) {
            List<Batch.Entry> chunk = work.pop();
            boolean isolating = chunk != entries;
            for (int attempt = 1; !chunk.isEmpty(); attempt++) {
                Tally tally = new Tally();
                try {
                    sink.write(chunk, tally);
                    tally.settle(chunk, true);
                    health.ok(stage);
                    backoff.reset();
                    chunk = List.of();
                } catch (UnavailableException e) {
                    tally.settle(chunk, false);
                    throw e;
                } catch (OutOfMemoryError e) {
                    chunk.get(0).origin().stats().fatal("sink " + sink.name(), e);
                    tally.settle(chunk, false);
                    throw new FatalError("sink " + sink.name(), e);
                } catch (Exception | Error thrown) {
                    // a sink written by a user may throw anything: an Error is its failure too, never the thread's end
                    Exception e = thrown instanceof Exception exception ? exception : new CallbackError(thrown);
                    chunk.get(0).origin().stats().sinkFailure(sink.name());
                    chunk = tally.settle(chunk, false);
                    BatchSink.Failure kind = sink.classify(e);
                    if (kind == BatchSink.Failure.UNKNOWN && (isolating || attempt >= retry.attempts())) {
                        kind = BatchSink.Failure.DATA;
                    }
                    if (kind == BatchSink.Failure.CONFIGURATION && attempt >= 2 && !chunk.isEmpty()) {
                        health.ok(stage); // the pipeline's mistake, shown with it: the service itself is fine
                        chunk.get(0).origin().stats().fatal("sink " + sink.name(), e);
                        tally.settle(chunk, false);
                        throw new FatalError("sink " + sink.name(), e);
                    }
                    if (kind == BatchSink.Failure.DATA) {
                        isolate(chunk, e, work);
                        chunk = List.of();
                    } else if (!chunk.isEmpty()) {
                        if (kind != BatchSink.Failure.CONFIGURATION) {
                            health.failing(stage, e);
                        }
                        LOG.warnf("Pipeline %s: write of %d records to %s failed (attempt %d), retrying in %d ms: %s",
                                chunk.get(0).origin().pipeline(), chunk.size(), sink.name(), attempt,
                                backoff.next().toMillis(), e);
                        backoff.pause(camel, stage, e);
                    }
                }
            }
        }
    }

    /** Splits entries the target refused because of their data, down to the single entries at fault. */
    private void isolate(List<Batch.Entry> chunk, Exception failure, Deque<List<Batch.Entry>> work) {
        if (chunk.isEmpty()) {
            return;
        }
        if (chunk.size() == 1) {
            health.ok(stage);
            deadLetter(chunk.get(0), sink.rejection(failure));
            return;
        }
        int half = chunk.size() / 2;
        work.push(chunk.subList(half, chunk.size()));
        work.push(chunk.subList(0, half));
    }

    private void deadLetter(Batch.Entry entry, Exception reason) {
        if (reason instanceof ConflictException) {
            entry.origin().stats().recordConflict();
        }
        try {
            deadLetters.send(entry.origin(), stage, reason);
        } catch (RuntimeException e) {
            // the record is abandoned: its source reads it again; the rest of the batch goes on
            LOG.errorf("Pipeline %s: %s", entry.origin().pipeline(), e.getMessage());
        }
    }

    /** What one write reported, applied when it returns or throws. */
    private final class Tally implements BatchSink.Report {
        private final Set<Batch.Entry> written = Collections.newSetFromMap(new IdentityHashMap<>());
        private final List<Batch.Entry> rejected = new ArrayList<>();
        private final List<Exception> reasons = new ArrayList<>();
        private final Map<Batch.Entry, BatchSink.Written> writtenAs = new IdentityHashMap<>();
        private final Map<String, Integer> fieldsDropped = new java.util.TreeMap<>();

        @Override
        public void written(Batch.Entry entry) {
            written.add(entry);
        }

        @Override
        public void rejected(Batch.Entry entry, Exception reason) {
            rejected.add(entry);
            reasons.add(reason);
        }

        @Override
        public void writtenAs(Batch.Entry entry, BatchSink.Written how) {
            writtenAs.put(entry, how);
        }

        @Override
        public void fieldsDropped(List<String> fields) {
            fields.forEach(field -> fieldsDropped.merge(field, 1, Integer::sum));
        }

        private long count(BatchSink.Written how) {
            return writtenAs.values().stream().filter(how::equals).count();
        }

        /**
         * Settles what was reported (and with {@code allWritten}, every other entry as written); returns the entries
         * still to write.
         */
        List<Batch.Entry> settle(List<Batch.Entry> chunk, boolean allWritten) {
            Set<Batch.Entry> refused = Collections.newSetFromMap(new IdentityHashMap<>());
            refused.addAll(rejected);
            List<Batch.Entry> left = new ArrayList<>();
            for (Batch.Entry entry : chunk) {
                if (refused.contains(entry)) {
                    continue;
                }
                if (allWritten || written.contains(entry)) {
                    BatchSink.Written how = writtenAs.get(entry);
                    if (how != null) {
                        entry.origin().writtenAs(how.outcome);
                    }
                    entry.origin().written();
                } else {
                    left.add(entry);
                }
            }
            long duplicates = count(BatchSink.Written.DUPLICATE);
            long updated = count(BatchSink.Written.UPDATED);
            long stale = count(BatchSink.Written.STALE);
            if (duplicates > 0) {
                chunk.get(0).origin().stats().recordDuplicates(duplicates);
            }
            if (updated > 0) {
                chunk.get(0).origin().stats().recordUpdates(updated);
            }
            if (stale > 0) {
                chunk.get(0).origin().stats().recordStale(stale);
            }
            if (!fieldsDropped.isEmpty()) {
                fieldsDropped.forEach(chunk.get(0).origin().stats()::recordFieldsDropped);
            }
            for (int i = 0; i < rejected.size(); i++) {
                deadLetter(rejected.get(i), reasons.get(i));
            }
            return left;
        }
    }

    @Override
    public String toString() {
        return "SinkWriter[" + sink.name() + "]";
    }
}
