package dev.sluice.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.sluice.config.ConfigurationException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.PipelineStage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Runs every check of the routes files ({@link PipelineCheck}) before anything of them reaches Camel, refuses to start
 * naming every problem at its file, line and column, and installs the checked set ({@link RoutesInstaller}). With
 * {@code sluice.routes-reload} on, watches the directory and reloads only when every file passes
 * ({@link FencedReload}); a reload refused leaves the running pipelines as they are, and its problems show in the log,
 * the gauge {@code sluice_routes_problems} and {@code GET /pipelines}. Camel never loads a routes file itself: its own
 * reload ({@code camel.main.routes-reload-enabled}) and a {@code file:} routes include pattern are refused.
 */
@ApplicationScoped
public class RoutesGuard {

    private static final Logger LOG = Logger.getLogger(RoutesGuard.class);
    /** Readiness's name for the routes files when none of their pipelines runs. */
    private static final String ROUTES = "routes";

    private final SluiceConfig config;
    private final Config settings;
    private final PipelineRuntimes runtimes;
    private final DependencyHealth health;
    private final Counter reloadsRefused;
    private volatile CamelContext camel;
    /** The set checked at start-up, then the set installed last. */
    private volatile RouteSet checked;
    private volatile RoutesInstaller.Installed installed = RoutesInstaller.Installed.NONE;
    private volatile List<String> problems = List.of();

    public RoutesGuard(SluiceConfig config, Config settings, PipelineRuntimes runtimes,
            @Readiness DependencyHealth health, MeterRegistry registry) {
        this.config = config;
        this.health = health;
        this.settings = settings;
        this.runtimes = runtimes;
        Gauge.builder("sluice.routes.problems", this, guard -> guard.problems.size())
                .description("Problems of the routes files that kept the last reload from happening (0: none)")
                .register(registry);
        this.reloadsRefused = Counter.builder("sluice.routes.reloads.refused")
                .description("Reloads of the routes files refused because a file has a problem").register(registry);
    }

    /** Every check of the routes files in {@code dir}, as start-up makes them: what {@code validate} runs. */
    public static PipelineCheck.Result check(SluiceConfig config, Function<String, String> settings,
            Iterable<String> names, Path dir) throws IOException {
        return new PipelineCheck(config, settings, names, ApplicationBeans.SLUICE).check(dir);
    }

    /** Checks the routes files before anything is configured: a broken one stops the start here. */
    void check(@Observes BeforeConfigure event) throws Exception {
        if (settings.getOptionalValue("camel.main.routes-reload-enabled", Boolean.class).orElse(false)) {
            throw new ConfigurationException("camel.main.routes-reload-enabled reloads routes files unchecked: use "
                    + "sluice.routes-reload=true instead (docs/security.md)");
        }
        String pattern = settings.getOptionalValue("camel.main.routes-include-pattern", String.class).orElse("");
        if (pattern.contains("file:")) {
            throw new ConfigurationException("camel.main.routes-include-pattern=" + pattern + " would load routes files "
                    + "unchecked: put them in sluice.routes-dir instead (docs/security.md)");
        }
        camel = event.getCamelContext();
        Path routes = Path.of(config.routesDir());
        if (!Files.isDirectory(routes)) {
            // an application with pipelines in Java only
            LOG.infof("No routes directory %s (sluice.routes-dir): no YAML pipelines", routes.toAbsolutePath());
            return;
        }
        PipelineCheck.Result result = current();
        if (!result.clean()) {
            result.problems().forEach(problem -> LOG.error(problem));
            throw new ConfigurationException("The routes files have " + result.problems().size() + " problem(s), Sluice "
                    + "does not start:\n  " + String.join("\n  ", result.problems().stream().map(Object::toString)
                            .toList()));
        }
        result.warnings().forEach(warning -> LOG.warn(warning));
        result.unreadSettings().forEach(unread -> LOG.warn(unread));
        checked = result.set();
    }

    /**
     * Installs the checked routes once Camel has its route configurations (Sluice's error handling applies to routes
     * added after it) and Sluice's templates.
     */
    void load(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) AfterConfigure event) throws Exception {
        if (checked == null) {
            return;
        }
        TemplateRoutes.addTo(camel);
        installed = installer().install(checked);
        if (config.routesReload()) {
            FencedReload reload = new FencedReload(Path.of(config.routesDir()).toRealPath().toString(), this);
            reload.setPattern("*.yaml");
            camel.addService(reload, true, true);
        }
    }

    /** The routes files as they are now, checked; a bean of the application (CDI, Java stages) counts. */
    PipelineCheck.Result current() {
        try {
            return new PipelineCheck(config, key -> settings.getOptionalValue(key, String.class).orElse(null),
                    settings.getPropertyNames(), application()).check(Path.of(config.routesDir()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the installed set with {@code next}, which passed every check; all or nothing. The new beans are made
     * while the running pipelines go on (a bean that cannot be made changes nothing); then the running set is taken
     * out and the new one added and started; if any of it fails to start, what it added is taken out and the running
     * set is put back, and the failure shows as a routes problem. Pipelines that are in both keep their runtimes
     * (figures, budget); those the new set leaves out are closed, only once it runs.
     */
    synchronized void replace(RouteSet next) throws Exception {
        RoutesInstaller installer = installer();
        RouteSet previous = checked;
        Map<String, Object> beans;
        try {
            beans = installer.beans(next);
        } catch (Exception e) {
            failedReload("the reload could not make the new beans, the running pipelines stay as they are: ", e);
            throw e;
        }
        RoutesInstaller.Installed running = installed;
        try {
            installer.uninstall(running);
            installed = RoutesInstaller.Installed.NONE;
            installed = installer.install(next, beans, previous.pipelines().keySet());
        } catch (Exception e) {
            failedReload("the reload could not start the new pipelines, the previous ones run again: ", e);
            try {
                installer.uninstall(running); // what is left of it, if taking it out failed halfway
                installed = installer.install(previous);
            } catch (Exception again) {
                // nothing runs from the routes files now: the service is not ready until a reload succeeds
                String none = "no YAML pipeline runs: the reload failed (" + e.getMessage() + ") and the previous "
                        + "pipelines could not start again (" + again.getMessage() + ")";
                health.failing(ROUTES, new IllegalStateException(none));
                problems = List.of(none);
            }
            throw e;
        }
        closeLeftOut(previous, next);
        checked = next;
        problems = List.of();
        health.ok(ROUTES);
    }

    private void failedReload(String what, Exception e) {
        problems = List.of(what + e.getMessage());
        reloadsRefused.increment();
    }

    /** Closes the runtimes of the pipelines of {@code from} that {@code to} leaves out. */
    private void closeLeftOut(RouteSet from, RouteSet to) {
        from.pipelines().keySet().stream().filter(id -> !to.pipelines().containsKey(id)).forEach(runtimes::close);
    }

    /** A reload was refused for these problems: the running pipelines stay; the problems show until one succeeds. */
    void refused(List<Problem> found) {
        found.forEach(problem -> LOG.error(problem));
        LOG.errorf("Routes not reloaded: %d problem(s); the running pipelines stay as they are", found.size());
        problems = found.stream().map(Object::toString).toList();
        reloadsRefused.increment();
    }

    /** The problems that kept the last reload from happening; empty when it happened. */
    public List<String> currentProblems() {
        return problems;
    }

    private RoutesInstaller installer() {
        return new RoutesInstaller(camel, config, runtimes);
    }

    /** The application's beans, as the registry has them, leaving out those the routes files made. */
    private ApplicationBeans application() {
        CamelContext context = camel;
        return new ApplicationBeans() {
            @Override
            public BeanTypes.Role role(String name) {
                Object bean = has(name) ? context.getRegistry().lookupByName(name) : null;
                return bean instanceof PipelineStage ? BeanTypes.Role.STAGE
                        : bean instanceof JsonRecordParser ? BeanTypes.Role.PARSER : null;
            }

            @Override
            public boolean has(String name) {
                return !installed.beans().containsKey(name) && context.getRegistry().lookupByName(name) != null;
            }
        };
    }
}
