package dev.sluice.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the sinks: DOWN while any sink's last write failed for a reason that may pass (database down),
 * with that reason; UP again after its next successful write. Liveness never depends on it, so an outage does not
 * make Kubernetes restart the pod.
 */
@Readiness
@ApplicationScoped
@Unremovable // looked up through the Camel registry by the sinks, which CDI cannot see
public class SinkHealth implements HealthCheck {

    private final Map<String, String> failing = new ConcurrentHashMap<>();

    void failing(String sink, Exception error) {
        failing.put(sink, String.valueOf(error.getMessage()));
    }

    void ok(String sink) {
        failing.remove(sink);
    }

    public boolean isFailing() {
        return !failing.isEmpty();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sluice-sinks").status(failing.isEmpty());
        failing.forEach(response::withData);
        return response.build();
    }
}
