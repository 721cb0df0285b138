package dev.sluice.routes;

import java.util.Collection;

import org.apache.camel.spi.Resource;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.jboss.logging.Logger;

/**
 * Camel's watch of the routes directory, behind the same checks as start-up: when any routes file fails them, the
 * running pipelines stay as they are and the problems are logged. A change replaces every route and bean the routes
 * files made (pipelines built in Java stay as they are); Camel itself loads none of the files.
 */
final class FencedReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = Logger.getLogger(FencedReload.class);

    private final RoutesGuard guard;

    FencedReload(String directory, RoutesGuard guard) {
        super(directory);
        this.guard = guard;
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        PipelineCheck.Result result = guard.current();
        if (!result.clean()) {
            guard.refused(result.problems());
            return;
        }
        try {
            guard.replace(result.set());
            LOG.infof("Routes reloaded: %d pipeline(s)", result.pipelines().size());
        } catch (Exception e) {
            LOG.errorf(e, "Routes could not be reloaded: %s", e.getMessage());
        }
    }
}
