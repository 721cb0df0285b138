package dev.sluice.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sluice.config.SluiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Checks every routes file with the {@link RouteFence} before Camel loads any of them, and refuses to start, naming
 * every problem, when one fails; with {@code sluice.routes-reload} on, watches the directory and reloads only files
 * that pass ({@link FencedReload}). Camel's own unchecked reload ({@code camel.main.routes-reload-enabled}) is refused.
 */
@ApplicationScoped
public class RoutesGuard {

    private static final Logger LOG = Logger.getLogger(RoutesGuard.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::([^}]*))?}}");

    private final SluiceConfig config;
    private final Config settings;
    private final RouteFence fence;

    public RoutesGuard(SluiceConfig config, Config settings) {
        this.config = config;
        this.settings = settings;
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
        this.fence = new RouteFence(new RouteFence.Policy(Set.copyOf(consumers), Set.copyOf(producers),
                List.copyOf(beanTypes), List.copyOf(placeholders),
                config.security().fileRoots().stream().map(Path::of).toList(), this::resolve));
    }

    void check(@Observes BeforeConfigure event) throws Exception {
        if (settings.getOptionalValue("camel.main.routes-reload-enabled", Boolean.class).orElse(false)) {
            throw new IllegalStateException("camel.main.routes-reload-enabled reloads routes files unchecked: use "
                    + "sluice.routes-reload=true instead (docs/security.md)");
        }
        List<RouteFence.Problem> problems = problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> LOG.error(problem));
            throw new IllegalStateException("The routes files break " + problems.size() + " rule(s), Sluice does not "
                    + "start:\n  " + String.join("\n  ", problems.stream().map(Object::toString).toList()));
        }
        if (config.routesReload()) {
            CamelContext camel = event.getCamelContext();
            FencedReload reload = new FencedReload(Path.of(config.routesDir()).toString(), this);
            reload.setPattern("*.yaml");
            camel.addService(reload, true, true);
        }
    }

    /**
     * Every routes file is loaded, no route has started: refuses to start, naming each, when a pipeline breaks a rule
     * the delivery promise depends on ({@link PipelineRules}).
     */
    void checkRules(@Observes AfterConfigure event) {
        List<PipelineRules.Problem> broken = PipelineRules.check(event.getCamelContext(), files());
        if (!broken.isEmpty()) {
            broken.forEach(problem -> LOG.error(problem));
            throw new IllegalStateException("The pipelines break " + broken.size() + " rule(s) of the delivery "
                    + "promise, Sluice does not start:\n  " + String.join("\n  ", broken.stream().map(Object::toString)
                            .toList()));
        }
    }

    /** Every problem of every routes file. */
    List<RouteFence.Problem> problems() {
        List<RouteFence.Problem> problems = new ArrayList<>();
        for (Path file : files()) {
            problems.addAll(fence.check(file));
        }
        return problems;
    }

    /** Every file Camel will load routes from: the {@code file:} entries of {@code camel.main.routes-include-pattern}. */
    List<Path> files() {
        List<Path> found = new ArrayList<>();
        String patterns = settings.getOptionalValue("camel.main.routes-include-pattern", String.class).orElse("");
        for (String pattern : patterns.split(",")) {
            String entry = pattern.trim();
            if (!entry.startsWith("file:")) {
                continue; // classpath routes are part of the application, not configuration
            }
            Path glob = Path.of(entry.substring("file:".length()));
            Path dir = glob.getParent() == null ? Path.of(".") : glob.getParent();
            java.nio.file.PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob.getFileName());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> matcher.matches(p.getFileName())).sorted().forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** A value with its {@code {{key:default}}} placeholders replaced as Camel will. */
    private String resolve(String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = settings.getOptionalValue(m.group(1).trim(), String.class)
                    .orElse(m.group(2) != null ? m.group(2) : m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
