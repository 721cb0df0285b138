package dev.sluice;

import dev.sluice.metrics.PipelineStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Figures of a pipeline that nothing watches, in a registry of their own: for unit tests of one class. */
public final class Unwatched {

    private Unwatched() {
    }

    public static PipelineStats stats(String pipeline) {
        return new PipelineStats(pipeline, new SimpleMeterRegistry(), failed -> {
        });
    }
}
