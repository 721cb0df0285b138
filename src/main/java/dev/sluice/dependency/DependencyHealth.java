package dev.sluice.dependency;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of what pipelines depend on: DOWN while the sink database does not answer (checked at most every
 * {@link #PING_INTERVAL}, so an idle pipeline's outage shows too), while any sink or reference table last failed for
 * a reason that may pass, or while a pipeline holds back an input (a Kafka record whose dead letter is refused, a spool
 * that cannot be written); each named with the reason. UP again
 * when they recover. Liveness never depends on it, so an outage does not make Kubernetes restart the pod.
 */
@Readiness
@ApplicationScoped
@Unremovable // found once by the stages pipelines declare as beans, which CDI cannot see
public class DependencyHealth implements HealthCheck {

    static final Duration PING_INTERVAL = Duration.ofSeconds(5);

    private final Map<String, String> failing = new ConcurrentHashMap<>();
    /** For failures that no later success would clear: how to tell they are over. */
    private final Map<String, BooleanSupplier> recovered = new ConcurrentHashMap<>();
    private final Database database;
    private final PipelineRuntimes runtimes;
    private volatile long lastPing;
    private volatile String databaseProblem;

    public DependencyHealth(Database database, PipelineRuntimes runtimes) {
        this.database = database;
        this.runtimes = runtimes;
    }

    public void failing(String dependency, Exception error) {
        failing.put(dependency, String.valueOf(error.getMessage()));
    }

    /**
     * A failure that may have no next attempt to clear it (a dead-letter file, when no record fails for a while):
     * readiness asks {@code recovered} and counts it over once it answers true.
     */
    public void failing(String dependency, Exception error, BooleanSupplier recovered) {
        this.recovered.put(dependency, recovered);
        failing(dependency, error);
    }

    public void ok(String dependency) {
        failing.remove(dependency);
        recovered.remove(dependency);
    }

    /** What fails now and why, by name: what readiness reports besides the database. */
    public Map<String, String> failures() {
        return Map.copyOf(failing);
    }

    /** Everything readiness reports failing now, the database included, by name and why (the live page's list). */
    public Map<String, String> problems() {
        refresh();
        Map<String, String> all = new TreeMap<>(failing);
        String database = databaseProblem;
        if (database != null) {
            all.put("database", database);
        }
        all.putAll(held());
        return all;
    }

    /** The inputs pipelines hold back (a record whose dead letter is refused, a spool that cannot be written). */
    private Map<String, String> held() {
        Map<String, String> held = new TreeMap<>();
        for (PipelineRuntime runtime : runtimes.all()) {
            runtime.held().forEach((input, reason) -> held.put("pipeline " + runtime.name() + " " + input, reason));
        }
        return held;
    }

    /** Clears the failures that are over, and pings the database if its last answer is old. */
    private void refresh() {
        recovered.forEach((dependency, check) -> {
            if (check.getAsBoolean()) {
                ok(dependency);
            }
        });
        long now = System.nanoTime();
        if (now - lastPing > PING_INTERVAL.toNanos()) {
            lastPing = now;
            databaseProblem = database.unreachable();
        }
    }

    @Override
    public HealthCheckResponse call() {
        refresh();
        String database = databaseProblem;
        Map<String, String> held = held();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sluice-dependencies")
                .status(failing.isEmpty() && database == null && held.isEmpty());
        if (database != null) {
            response.withData("database", database);
        }
        failing.forEach(response::withData);
        held.forEach(response::withData);
        return response.build();
    }
}
