package dev.sluice.ops;

import dev.sluice.routes.RoutesGuard;
import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.metrics.PipelineStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sluice.dependency.DependencyHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.Readiness;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The pipelines of the running service. A pipeline is a route that reads from a source: any route whose consumer
 * is not an internal {@code direct:} or {@code seda:} endpoint (those are shared stages and sub-routes), and every
 * pipeline built with the Java API (route group {@code sluice-java-pipelines}), whatever it reads from.
 */
@ApplicationScoped
public class Pipelines {

    /** The Camel route group of Java pipelines, which is how they are told from internal routes. */
    public static final String JAVA_GROUP = "sluice-java-pipelines";

    private final CamelContext camel;
    private final PipelineMetrics metrics;
    private final RoutesGuard routes;
    private final DependencyHealth health;
    private final ErrorBudget budget;

    public Pipelines(CamelContext camel, PipelineMetrics metrics, RoutesGuard routes,
            @Readiness DependencyHealth health, ErrorBudget budget) {
        this.budget = budget;
        this.camel = camel;
        this.metrics = metrics;
        this.routes = routes;
        this.health = health;
    }

    /** What readiness reports failing now, by name (the database, a dead-letter file, a paused pipeline, …). */
    public Map<String, String> problems() {
        return health.problems();
    }

    public List<Route> routes() {
        return camel.getRoutes().stream().filter(Pipelines::isPipeline).toList();
    }

    /** Every running pipeline, then every Java pipeline that ended (with its last figures and how it ended). */
    public List<PipelineReport> reports() {
        List<PipelineReport> reports = new ArrayList<>(routes().stream().map(this::report).toList());
        for (PipelineStats stats : metrics.ended()) {
            if (camel.getRoute(stats.name()) == null) {
                reports.add(ended(stats));
            }
        }
        return reports;
    }

    public Optional<PipelineReport> report(String name) {
        Route route = camel.getRoute(name);
        if (route != null && isPipeline(route)) {
            return Optional.of(report(route));
        }
        return metrics.ended().stream().filter(stats -> stats.name().equals(name)).findFirst().map(this::ended);
    }

    private PipelineReport ended(PipelineStats stats) {
        return PipelineReport.of(stats.name(), stats.endedSource(), stats.endedStatus(), stats,
                routes.currentProblems(), problem(stats.name()));
    }

    private PipelineReport report(Route route) {
        String status = camel.getRouteController().getRouteStatus(route.getRouteId()).name();
        return PipelineReport.of(route.getRouteId(), route.getEndpoint().getEndpointBaseUri(), status,
                metrics.pipeline(route.getRouteId()), routes.currentProblems(), problem(route.getRouteId()));
    }

    private String problem(String pipeline) {
        return budget.problem(pipeline);
    }

    static boolean isPipeline(Route route) {
        String scheme = route.getEndpoint().getEndpointUri().split(":", 2)[0];
        return !scheme.equals("direct") && !scheme.equals("seda") || JAVA_GROUP.equals(route.getGroup());
    }
}
