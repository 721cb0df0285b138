package dev.sluice.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.jboss.logging.Logger;

/**
 * Camel's watch of the routes directory, behind the same checks as start-up: when any routes file fails them, the
 * running pipelines stay as they are and the problems are logged. A change reloads every routes file, after Sluice's
 * templates, so a pipeline made from a template (which Camel does not tie to its file) is made again too; pipelines
 * built in Java stay as they are.
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
            guard.refused(problems);
            return;
        }
        CamelContext camel = getCamelContext();
        try {
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            List<RouteDefinition> fromFiles = model.getRouteDefinitions().stream()
                    .filter(route -> route.getResource() != null || route.getTemplateParameters() != null).toList();
            model.removeRouteDefinitions(new ArrayList<>(fromFiles));
            camel.removeRouteTemplates("*");
            List<Resource> all = new ArrayList<>();
            all.add(ResourceHelper.resolveMandatoryResource(camel, PipelineDefinitions.TEMPLATES));
            for (Path file : guard.files()) {
                all.add(ResourceHelper.resolveMandatoryResource(camel, "file:" + file));
            }
            PluginHelper.getRoutesLoader(camel).loadRoutes(all);
            LOG.infof("Routes reloaded from %d file(s)", all.size() - 1);
            guard.reloaded();
        } catch (Exception e) {
            LOG.errorf(e, "Routes could not be reloaded: %s", e.getMessage());
        }
    }
}
