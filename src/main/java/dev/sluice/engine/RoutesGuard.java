package dev.sluice.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sluice.config.SluiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Runs every check of the routes files ({@link PipelineCheck}: the route fence, Camel's YAML DSL, the rules of the
 * delivery promise, references) before Camel loads any of them, and refuses to start, naming every problem at its
 * file and line, when one fails. With {@code sluice.routes-reload} on, watches the directory and reloads only when
 * every file passes ({@link FencedReload}); a reload refused leaves the running pipelines as they are, and its
 * problems show in the log, the gauge {@code sluice_routes_problems} and {@code GET /pipelines}. Camel's own
 * unchecked reload ({@code camel.main.routes-reload-enabled}) is refused.
 */
@ApplicationScoped
public class RoutesGuard {

    private static final Logger LOG = Logger.getLogger(RoutesGuard.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::([^}]*))?}}");

    private final SluiceConfig config;
    private final Config settings;
    private final RouteFence fence;
    private final Function<String, String> lookup;
    private volatile CamelContext camel;
    private final Counter reloadsRefused;
    private volatile List<String> problems = List.of();

    public RoutesGuard(SluiceConfig config, Config settings, MeterRegistry registry) {
        this.config = config;
        this.settings = settings;
        this.lookup = key -> settings.getOptionalValue(key, String.class).orElse(null);
        this.fence = fence(config, lookup);
        Gauge.builder("sluice.routes.problems", this, guard -> guard.problems.size())
                .description("Problems of the routes files that kept the last reload from happening (0: none)")
                .register(registry);
        this.reloadsRefused = Counter.builder("sluice.routes.reloads.refused")
                .description("Reloads of the routes files refused because a file has a problem").register(registry);
    }

    /** The route fence of a configuration; {@code settings} gives a setting's value, or null when it is not set. */
    static RouteFence fence(SluiceConfig config, Function<String, String> settings) {
        Set<String> consumers = new HashSet<>(RouteFence.CONSUMERS);
        Set<String> producers = new HashSet<>(RouteFence.PRODUCERS);
        config.security().allowedComponents().ifPresent(extra -> {
            consumers.addAll(extra);
            producers.addAll(extra);
        });
        List<String> beanTypes = new ArrayList<>(RouteFence.BEAN_TYPES);
        config.security().allowedBeanTypes().ifPresent(beanTypes::addAll);
        List<String> placeholders = new ArrayList<>(RouteFence.PLACEHOLDERS);
        config.security().allowedPlaceholders().ifPresent(placeholders::addAll);
        return new RouteFence(new RouteFence.Policy(Set.copyOf(consumers), Set.copyOf(producers),
                List.copyOf(beanTypes), List.copyOf(placeholders),
                config.security().fileRoots().stream().map(Path::of).toList(), value -> resolve(value, settings)));
    }

    /** Every check of the routes files in {@code dir}, as start-up makes them: what {@code validate} runs. */
    public static PipelineCheck.Result check(SluiceConfig config, Function<String, String> settings, Path dir)
            throws IOException {
        return new PipelineCheck(fence(config, settings), settings).check(dir);
    }

    /** Checks the routes files before anything is configured: a broken one stops the start here. */
    void check(@Observes BeforeConfigure event) throws Exception {
        if (settings.getOptionalValue("camel.main.routes-reload-enabled", Boolean.class).orElse(false)) {
            throw new IllegalStateException("camel.main.routes-reload-enabled reloads routes files unchecked: use "
                    + "sluice.routes-reload=true instead (docs/security.md)");
        }
        String pattern = settings.getOptionalValue("camel.main.routes-include-pattern", String.class).orElse("");
        if (pattern.contains("file:")) {
            throw new IllegalStateException("camel.main.routes-include-pattern=" + pattern + " would load routes files "
                    + "unchecked: put them in sluice.routes-dir instead (docs/security.md)");
        }
        camel = event.getCamelContext();
        Path routes = Path.of(config.routesDir());
        if (!Files.isDirectory(routes)) {
            // an application with pipelines in Java only
            LOG.infof("No routes directory %s (sluice.routes-dir): no YAML pipelines", routes.toAbsolutePath());
            return;
        }
        List<RouteFence.Problem> found = problems();
        if (!found.isEmpty()) {
            found.forEach(problem -> LOG.error(problem));
            throw new IllegalStateException("The routes files have " + found.size() + " problem(s), Sluice does not "
                    + "start:\n  " + String.join("\n  ", found.stream().map(Object::toString).toList()));
        }
        if (config.routesReload()) {
            FencedReload reload = new FencedReload(Path.of(config.routesDir()).toRealPath().toString(), this);
            reload.setPattern("*.yaml");
            camel.addService(reload, true, true);
        }
    }

    /**
     * Loads the routes files once Camel has its route configurations (Sluice's error handling applies to routes added
     * after it) and Sluice's templates ({@link PipelineDefinitions}).
     */
    void load(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) AfterConfigure event) throws Exception {
        if (!Files.isDirectory(Path.of(config.routesDir()))) {
            return;
        }
        List<Resource> resources = new ArrayList<>();
        for (Path file : files()) {
            resources.add(ResourceHelper.resolveMandatoryResource(camel, "file:" + file));
        }
        PluginHelper.getRoutesLoader(camel).loadRoutes(resources);
    }

    /** Every problem of the routes files as they are now; a bean the application has (CDI, Java stages) counts. */
    List<RouteFence.Problem> problems() {
        CamelContext application = camel;
        return new PipelineCheck(fence, lookup, name -> PipelineCheck.SLUICE_BEANS.contains(name)
                || application != null && application.getRegistry().lookupByName(name) != null)
                .check(Path.of(config.routesDir()), files()).problems();
    }

    /** A reload was refused for these problems: the running pipelines stay; the problems show until one succeeds. */
    void refused(List<RouteFence.Problem> found) {
        found.forEach(problem -> LOG.error(problem));
        LOG.errorf("Routes not reloaded: %d problem(s); the running pipelines stay as they are", found.size());
        problems = found.stream().map(Object::toString).toList();
        reloadsRefused.increment();
    }

    void reloaded() {
        problems = List.of();
    }

    /** The problems that kept the last reload from happening; empty when it happened. */
    public List<String> currentProblems() {
        return problems;
    }

    /** The routes files: every {@code *.yaml} of {@code sluice.routes-dir} (a symbolic link is followed), sorted. */
    List<Path> files() {
        try {
            return PipelineCheck.files(Path.of(config.routesDir()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value with its {@code {{key:default}}} placeholders replaced as Camel will. */
    private static String resolve(String value, Function<String, String> settings) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String set = settings.apply(m.group(1).trim());
            String replacement = set != null ? set : m.group(2) != null ? m.group(2) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
