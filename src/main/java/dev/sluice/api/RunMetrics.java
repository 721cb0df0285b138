package dev.sluice.api;

/**
 * What one run of a pipeline did: the seed's metrics. {@code durationSeconds} is the wall time of the run and
 * {@code throughput} the records written per second over it.
 */
public record RunMetrics(long recordsProcessed, long recordsFiltered, long errors, double durationSeconds,
        double throughput) {
}
