package dev.sluice.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The stats of every pipeline, created on first use and registered with Micrometer. */
@ApplicationScoped
public class PipelineMetrics {

    private final MeterRegistry registry;
    private final ErrorBudget budget;
    private final Map<String, PipelineStats> pipelines = new ConcurrentHashMap<>();

    /** Pipelines without an error budget: for tools and unit tests. */
    public PipelineMetrics(MeterRegistry registry) {
        this(registry, null);
    }

    @Inject
    public PipelineMetrics(MeterRegistry registry, ErrorBudget budget) {
        this.registry = registry;
        this.budget = budget;
    }

    public PipelineStats pipeline(String name) {
        return pipelines.computeIfAbsent(name, n -> new PipelineStats(n, registry, budget));
    }
}
