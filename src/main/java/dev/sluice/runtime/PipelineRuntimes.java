package dev.sluice.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

import dev.sluice.config.SluiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The pipelines of the service, one {@link PipelineRuntime} each: opened by whoever defines a pipeline (the routes
 * installer, the Java API), closed when it is removed. The only place that keeps anything by pipeline name; what a
 * pipeline is, is what was opened here, never guessed from a route.
 */
// a singleton, not application-scoped: looked up for every file and Kafka poll, so no client proxy on each call
@Singleton
public class PipelineRuntimes {

    private final Map<String, PipelineRuntime> runtimes = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final SluiceConfig.ErrorBudget budget;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice pipeline control");
        thread.setDaemon(true);
        return thread;
    });

    public PipelineRuntimes(SluiceConfig config, MeterRegistry registry) {
        this.registry = registry;
        this.budget = config.errorBudget();
    }

    /**
     * Opens the pipeline {@code name} reading from {@code source}, in one step with deciding whether it may: a pipeline
     * of that name that exists already is taken over (its runtime and figures kept, with the new source) only when
     * {@code mayTakeOver} says so (a reload keeping one of its own pipelines, a Java pipeline run again after it
     * ended); else this throws and nothing changes.
     */
    public PipelineRuntime open(String name, PipelineSource source, Predicate<PipelineRuntime> mayTakeOver) {
        return runtimes.compute(name, (key, existing) -> {
            if (existing == null) {
                return new PipelineRuntime(name, source, this);
            }
            if (!mayTakeOver.test(existing)) {
                throw new IllegalStateException("A pipeline named " + name + " exists already ("
                        + (existing.endedStatus() == null ? "running" : existing.endedStatus()) + ")");
            }
            existing.reopen(source);
            return existing;
        });
    }

    /** Removes the pipeline: its runtime is closed, and nothing of it is left; a pipeline opened after is new. */
    public void close(String name) {
        runtimes.computeIfPresent(name, (key, runtime) -> {
            runtime.close();
            return null;
        });
    }

    public Optional<PipelineRuntime> find(String name) {
        return Optional.ofNullable(runtimes.get(name));
    }

    /** The runtime of a pipeline that must exist: a step of its route asks for it. */
    public PipelineRuntime get(String name) {
        PipelineRuntime runtime = runtimes.get(name);
        if (runtime == null) {
            throw new IllegalStateException("No pipeline " + name + ": its route was not made by Sluice");
        }
        return runtime;
    }

    /** Every pipeline, by name. */
    public List<PipelineRuntime> all() {
        return runtimes.values().stream().sorted(Comparator.comparing(PipelineRuntime::name)).toList();
    }

    MeterRegistry registry() {
        return registry;
    }

    SluiceConfig.ErrorBudget budget() {
        return budget;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
    }

    /** Runtimes that nothing watches but their own meters: for tools and unit tests. */
    public static PipelineRuntimes unwatched(SluiceConfig config) {
        return new PipelineRuntimes(config, new SimpleMeterRegistry());
    }
}
