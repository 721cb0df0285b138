package dev.sluice.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The stats of every pipeline, created on first use and registered with Micrometer. */
@ApplicationScoped
public class PipelineMetrics {

    private final MeterRegistry registry;
    private final Map<String, PipelineStats> pipelines = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public PipelineStats pipeline(String name) {
        return pipelines.computeIfAbsent(name, n -> new PipelineStats(n, registry));
    }
}
