package dev.sluice.metrics;

/** Told of every record a pipeline settles, for what watches a pipeline's health (its error budget). */
@FunctionalInterface
public interface SettleListener {

    SettleListener NONE = (pipeline, failed) -> {
    };

    /** A record of {@code pipeline} settled; {@code failed} when it was dead-lettered. */
    void settled(String pipeline, boolean failed);
}
