package dev.sluice.engine;

import dev.sluice.runtime.PipelineSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * A pipeline's source as its Camel route: paused by suspending the route's consumer (a file consumer stops polling,
 * a Kafka consumer pauses its partitions, nothing in flight is lost), stopped by stopping the route. Whether it may be
 * paused is what the pipeline's definer says, not what the consumer happens to allow.
 */
public final class RouteSource implements PipelineSource {

    private final CamelContext camel;
    private final String routeId;
    private final boolean pausable;
    private volatile String lastEndpoint;

    /**
     * @param pausable true for a directory or a topic; false for records handed in by HTTP senders or Java code
     * @param endpoint where it reads, as its definer knows it, until the route says
     */
    public RouteSource(CamelContext camel, String routeId, boolean pausable, String endpoint) {
        this.camel = camel;
        this.routeId = routeId;
        this.pausable = pausable;
        this.lastEndpoint = endpoint;
    }

    /** Where the route read, as last seen: an ended Java pipeline still shows it. */
    @Override
    public String endpoint() {
        Route route = camel.getRoute(routeId);
        if (route != null) {
            lastEndpoint = route.getEndpoint().getEndpointBaseUri();
        }
        return lastEndpoint;
    }

    @Override
    public boolean pausable() {
        return pausable;
    }

    @Override
    public String status() {
        ServiceStatus status = camel.getRoute(routeId) == null ? null
                : camel.getRouteController().getRouteStatus(routeId);
        return status == null ? ServiceStatus.Stopped.name() : status.name();
    }

    @Override
    public void pause() throws Exception {
        if (pausable && camel.getRoute(routeId) != null) {
            camel.getRouteController().suspendRoute(routeId);
        }
    }

    @Override
    public void resume() throws Exception {
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().resumeRoute(routeId);
        }
    }

    @Override
    public void stop() throws Exception {
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
        }
    }
}
