package dev.sluice.engine;

import dev.sluice.record.Batch;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/** Closes a batch once its records, as read, reach a number of bytes: large records make smaller batches. */
final class BatchBytes implements Predicate {

    private final long limit;

    BatchBytes(long limit) {
        this.limit = limit;
    }

    @Override
    public boolean matches(Exchange batch) {
        return batch.getIn().getBody() instanceof Batch b && b.bytes() >= limit;
    }

    @Override
    public String toString() {
        return "batchBytes(" + limit + ")";
    }
}
