package dev.sluice.ops;

import java.util.Set;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The {@code uri} label of the HTTP server's meters: the paths Sluice answers, as templates, and {@code other} for any
 * other path, so requests to made-up paths (answered 401, 404 or 400) add no label and use up no meter.
 */
public class RequestMetrics {

    /** Every path of the API and the live page, as its template. */
    static final Set<String> PATHS = Set.of("/", "/index.html", "/live/page.js", "/live/page.css", "/service",
            "/pipelines", "/pipelines/{name}", "/pipelines/{name}/resume", "/pipelines/{name}/dead-letters",
            "/pipelines/{name}/dead-letters/{id}", "/pipelines/{name}/dead-letters/replay",
            "/pipelines/{name}/records", "/q/metrics", "/q/health", "/q/health/ready", "/q/health/live",
            "/q/health/started");

    static final String OTHER = "other";

    @Produces
    @Singleton
    MeterFilter knownPathsOnly() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String uri = id.getName().startsWith("http.server") ? id.getTag("uri") : null;
                if (uri == null || PATHS.contains(uri)) {
                    return id;
                }
                return id.replaceTags(id.getTags().stream().map(tag -> tag.getKey().equals("uri")
                        ? Tag.of("uri", OTHER) : tag).toList());
            }
        };
    }
}
