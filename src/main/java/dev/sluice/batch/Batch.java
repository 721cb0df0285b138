package dev.sluice.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.sluice.source.RecordOrigin;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/** The records the aggregator gathered for one write, each with its origin so the sink can settle it. */
public final class Batch {

    /** One record of the batch and where it came from. */
    public record Entry(Map<String, Object> record, RecordOrigin origin) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final long startedNanos = System.nanoTime();

    void add(Map<String, Object> record, RecordOrigin origin) {
        entries.add(new Entry(record, origin));
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public int size() {
        return entries.size();
    }

    /** Why the aggregator closed the batch on {@code exchange}: {@code size}, {@code time} or {@code shutdown}. */
    public static String closedBy(Exchange exchange) {
        String completedBy = exchange.getProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY, "unknown", String.class);
        return switch (completedBy) {
            case "timeout", "interval" -> "time";
            case "force" -> "shutdown";
            default -> completedBy;
        };
    }

    /** Records a written batch in its pipeline's metrics. */
    public void recordWritten(Exchange exchange) {
        if (!entries.isEmpty()) {
            entries.get(0).origin().stats().batchWritten(entries.size(), closedBy(exchange));
        }
    }

    /** When the first record joined, on the {@link System#nanoTime()} clock. */
    public long startedNanos() {
        return startedNanos;
    }
}
