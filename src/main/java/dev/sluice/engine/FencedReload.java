package dev.sluice.engine;

import java.util.Collection;
import java.util.List;

import org.apache.camel.spi.Resource;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.jboss.logging.Logger;

/**
 * Camel's reload of changed routes files, behind the same checks as start-up: when any routes file fails them, the
 * running pipelines stay as they are and the problems are logged.
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
        List<RouteFence.Problem> problems = guard.problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> LOG.error(problem));
            LOG.errorf("Routes not reloaded: %d problem(s); the running pipelines stay as they are", problems.size());
            return;
        }
        super.onRouteReload(resources, removeEverything);
    }
}
