package dev.sluice.ops;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sluice.dependency.DependencyHealth;
import dev.sluice.routes.RoutesGuard;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/**
 * The pipelines of the running service as operators see them: one report per {@link PipelineRuntime}, YAML or Java,
 * running or (a Java pipeline) ended with its last figures.
 */
@ApplicationScoped
public class Pipelines {

    private final PipelineRuntimes runtimes;
    private final RoutesGuard routes;
    private final DependencyHealth health;

    public Pipelines(PipelineRuntimes runtimes, RoutesGuard routes, @Readiness DependencyHealth health) {
        this.runtimes = runtimes;
        this.routes = routes;
        this.health = health;
    }

    /** What readiness reports failing now, by name (the database, a dead-letter store, a held partition, …). */
    public Map<String, String> problems() {
        return health.problems();
    }

    /** Every pipeline, by name. */
    public List<PipelineReport> reports() {
        return runtimes.all().stream().map(this::report).toList();
    }

    public Optional<PipelineReport> report(String name) {
        return runtimes.find(name).map(this::report);
    }

    /** Resumes a pipeline its error budget paused; false if it was not paused. */
    public boolean resume(String name) {
        return runtimes.find(name).map(PipelineRuntime::resume).orElse(false);
    }

    private PipelineReport report(PipelineRuntime runtime) {
        return PipelineReport.of(runtime.name(), runtime.source().endpoint(), runtime.status(), runtime.stats(),
                routes.currentProblems(), runtime.problem());
    }
}
