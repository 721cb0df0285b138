package dev.sluice.engine;

import dev.sluice.record.Batch;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Closes a batch before its size or window: once its records, as read, reach a number of bytes (large records make
 * smaller batches), or, with flush on idle, once its last record was the last its source had ready (the end of a
 * file, of a Kafka poll): a trickle is written at once, a flood still fills its batches.
 */
final class BatchCompletion implements Predicate {

    private final long limit;
    private final boolean flushOnIdle;

    BatchCompletion(long limit, boolean flushOnIdle) {
        this.limit = limit;
        this.flushOnIdle = flushOnIdle;
    }

    @Override
    public boolean matches(Exchange batch) {
        return batch.getIn().getBody() instanceof Batch b && (b.bytes() >= limit || flushOnIdle && b.sourceIdle());
    }

    @Override
    public String toString() {
        return "batchCompletion(bytes " + limit + (flushOnIdle ? ", on idle)" : ")");
    }
}
