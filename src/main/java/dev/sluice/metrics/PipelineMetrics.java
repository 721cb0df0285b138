package dev.sluice.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** The stats of every pipeline, created on first use and registered with Micrometer. */
// a singleton, not application-scoped: used for every record, so no client proxy looks up the instance on each call
@Singleton
public class PipelineMetrics {

    private final MeterRegistry registry;
    private final SettleListener listener;
    private final Map<String, PipelineStats> pipelines = new ConcurrentHashMap<>();

    /** Pipelines nothing watches: for tools and unit tests. */
    public PipelineMetrics(MeterRegistry registry) {
        this(registry, SettleListener.NONE);
    }

    public PipelineMetrics(MeterRegistry registry, SettleListener listener) {
        this.registry = registry;
        this.listener = listener;
    }

    /** In the service: the settle listener is the error budget (dev.sluice.ops), if it is there. */
    @Inject
    PipelineMetrics(MeterRegistry registry, Instance<SettleListener> listener) {
        this(registry, listener.isResolvable() ? listener.get() : SettleListener.NONE);
    }

    /** The pipelines that ended (Java pipelines after run() or stop()), with their last figures. */
    public List<PipelineStats> ended() {
        return pipelines.values().stream().filter(stats -> stats.endedStatus() != null).toList();
    }

    public PipelineStats pipeline(String name) {
        return pipelines.computeIfAbsent(name, n -> new PipelineStats(n, registry, listener));
    }
}
