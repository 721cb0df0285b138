package dev.sluice.metrics;

/**
 * Told of every record a pipeline settles, and of an error that stops it, for what watches a pipeline's health (its
 * error budget).
 */
@FunctionalInterface
public interface SettleListener {

    SettleListener NONE = (pipeline, failed) -> {
    };

    /** A record of {@code pipeline} settled; {@code failed} when it was dead-lettered. */
    void settled(String pipeline, boolean failed);

    /**
     * A record an HTTP sender posted settled (not a replay): {@code failed} when it was dead-lettered, for
     * {@code reason}.
     */
    default void senderSettled(String pipeline, String sender, boolean failed, String reason) {
    }

    /** {@code pipeline} met an error it cannot go on after (out of memory) in {@code where}: it must stop. */
    default void fatal(String pipeline, String where, Throwable error) {
    }
}
