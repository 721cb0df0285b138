package dev.sluice.metrics;

/**
 * Told of every record its pipeline settles, and of an error that stops it: the pipeline's runtime, which keeps its
 * error budget.
 */
@FunctionalInterface
public interface SettleListener {

    /** A record settled; {@code failed} when it was dead-lettered. */
    void settled(boolean failed);

    /**
     * A record an HTTP sender posted settled (not a replay): {@code failed} when it was dead-lettered, for
     * {@code reason}.
     */
    default void senderSettled(String sender, boolean failed, String reason) {
    }

    /** The pipeline met an error it cannot go on after (out of memory) in {@code where}: it must stop. */
    default void fatal(String where, Throwable error) {
    }
}
