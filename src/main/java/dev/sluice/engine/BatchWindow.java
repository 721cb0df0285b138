package dev.sluice.engine;

import java.util.concurrent.TimeUnit;

import dev.sluice.record.Batch;
import dev.sluice.record.Chunk;
import dev.sluice.record.RecordOrigin;

import org.apache.camel.Exchange;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.util.TimeUtils;

/**
 * Turns the aggregator's completion timeout into a time window. Camel restarts the timeout with every record, so a
 * steady trickle would keep a batch open for ever; this expression instead answers, for each record, the time
 * left until the batch is {@code window} old, so the batch completes at most {@code window} after its first
 * record joined.
 */
final class BatchWindow extends ExpressionAdapter {

    private final String window;
    private volatile long windowMillis = -1;

    /** @param window the step's completionTimeout as written: milliseconds, a duration or a property placeholder */
    BatchWindow(String window) {
        this.window = window;
    }

    @Override
    public Object evaluate(Exchange exchange) {
        long started = started(exchange);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return Math.max(1, windowMillis(exchange) - elapsed);
    }

    /** When the batch started: asked of the batch, the chunk that joined it, or the record (a Java pipeline). */
    private static long started(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof Batch batch) {
            return batch.startedNanos();
        }
        if (body instanceof Chunk chunk) {
            return chunk.batchStartedNanos();
        }
        RecordOrigin origin = RecordOrigin.of(exchange);
        return origin == null ? 0L : origin.batchStartedNanos();
    }

    private long windowMillis(Exchange exchange) {
        long millis = windowMillis;
        if (millis < 0) {
            millis = TimeUtils.toMilliSeconds(exchange.getContext().resolvePropertyPlaceholders(window));
            windowMillis = millis;
        }
        return millis;
    }

    @Override
    public String toString() {
        return "batchWindow(" + window + ")";
    }
}
