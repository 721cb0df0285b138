package dev.sluice.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of what pipelines depend on (sink databases, reference tables): DOWN while any of them last failed for
 * a reason that may pass (database down), naming it and the reason; UP again after its next success. Liveness
 * never depends on it, so an outage does not make Kubernetes restart the pod.
 */
@Readiness
@ApplicationScoped
@Unremovable // looked up through the Camel registry by sinks and stages, which CDI cannot see
public class DependencyHealth implements HealthCheck {

    private final Map<String, String> failing = new ConcurrentHashMap<>();

    public void failing(String dependency, Exception error) {
        failing.put(dependency, String.valueOf(error.getMessage()));
    }

    public void ok(String dependency) {
        failing.remove(dependency);
    }

    public boolean isFailing() {
        return !failing.isEmpty();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sluice-dependencies").status(failing.isEmpty());
        failing.forEach(response::withData);
        return response.build();
    }
}
