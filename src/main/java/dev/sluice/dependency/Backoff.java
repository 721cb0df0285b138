package dev.sluice.dependency;

import dev.sluice.record.UnavailableException;
import java.time.Duration;

import dev.sluice.config.SluiceConfig;
import org.apache.camel.CamelContext;

/**
 * Pauses between attempts at something that may come back (a database restarting): the first pause is
 * {@code sluice.retry.initial-backoff}, each next one twice as long, up to {@code sluice.retry.max-backoff}. It
 * gives up only when the pipeline stops, with {@link UnavailableException}.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(SluiceConfig.Retry config) {
        this(config.initialBackoff(), config.maxBackoff());
    }

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    public Duration next() {
        return next;
    }

    /** The pause to wait now; the one after it is twice as long, up to the longest. */
    public Duration grow() {
        Duration now = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return now;
    }

    public void reset() {
        next = initial;
    }

    /** Sleeps for the next pause; throws once Camel is stopping, so shutdown is never held up. */
    public void pause(CamelContext context, String dependency, Exception cause) throws UnavailableException {
        long until = System.nanoTime() + grow().toNanos();
        try {
            do {
                if (context.isStopping() || context.isStopped()) {
                    throw new UnavailableException(dependency, cause);
                }
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } while (System.nanoTime() < until);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(dependency, cause);
        }
    }
}
