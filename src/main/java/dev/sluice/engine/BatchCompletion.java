package dev.sluice.engine;

import dev.sluice.record.Batch;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Closes a batch before its window: once it holds its size in records (a chunk of records joins whole, so a batch
 * may go over its size by less than a chunk), once its records, as read, reach a number of bytes (large records make
 * smaller batches), or, with flush on idle, once its last records were the last its source had ready (the end of a
 * file, of a Kafka poll): a trickle is written at once, a flood still fills its batches.
 */
final class BatchCompletion implements Predicate {

    private final String size;
    private final long limit;
    private final boolean flushOnIdle;
    private volatile int records = -1;

    /** @param size the step's completionSize as written: a number or a property placeholder; null for no size */
    BatchCompletion(String size, long limit, boolean flushOnIdle) {
        this.size = size;
        this.limit = limit;
        this.flushOnIdle = flushOnIdle;
    }

    @Override
    public boolean matches(Exchange batch) {
        if (!(batch.getIn().getBody() instanceof Batch b)) {
            return false;
        }
        String closedBy = b.size() >= records(batch) ? "size" : b.bytes() >= limit ? "bytes"
                : flushOnIdle && b.sourceIdle() ? "idle" : null;
        if (closedBy != null) {
            batch.setProperty(Batch.CLOSED_BY, closedBy);
        }
        return closedBy != null;
    }

    private int records(Exchange exchange) {
        int known = records;
        if (known < 0) {
            known = size == null ? Integer.MAX_VALUE
                    : Integer.parseInt(exchange.getContext().resolvePropertyPlaceholders(size).trim());
            records = known;
        }
        return known;
    }

    @Override
    public String toString() {
        return "batchCompletion(" + (size != null ? "records " + size + ", " : "") + "bytes " + limit
                + (flushOnIdle ? ", on idle)" : ")");
    }
}
