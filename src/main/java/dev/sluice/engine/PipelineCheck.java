package dev.sluice.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.sink.SinkUris;
import dev.sluice.stage.JqFunctions;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.stage.ReferenceTable;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.camel.CamelContext;
import org.apache.camel.LineNumberAware;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.AggregateDefinition;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.spi.Language;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.StringHelper;

/**
 * Every check a routes directory must pass before a pipeline runs, without running anything: what {@code validate}
 * reports and what start-up and reload refuse on. In order: the route fence (a file that fails it is not loaded:
 * loading makes its beans); Camel's YAML DSL (each file loaded on its own into a scratch Camel context that is never
 * started, with stand-ins for Sluice's own beans); the rules of the delivery promise ({@link PipelineRules}); then
 * every bean a step references, every {@code direct:} a step sends to, every inline jq expression, every sink's
 * options, every placeholder without a default, and every reference file. Each problem names its file and line;
 * all are reported at once.
 */
public final class PipelineCheck {

    /** The named beans of the application that routes files may reference, besides those they declare. */
    public static final Set<String> SLUICE_BEANS = Set.of("anomalyDetector", "awaitSettled", "batch", "fields",
            "jsonLines", "kafkaRecords", "sluiceJsonRecord", "sluiceNoStage", "sluiceNoSymlinks");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}:\\s]+)\\s*(:[^}]*)?}}");
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    /**
     * What a check found: the problems; when there are none, one line per pipeline, the sink endpoints they write
     * to (resolved), and whether any reads or writes Kafka.
     */
    public record Result(List<RouteFence.Problem> problems, List<String> pipelines, List<String> sinks,
            boolean usesKafka) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    private final RouteFence fence;
    private final Function<String, String> settings;
    private final Predicate<String> applicationBeans;

    /** Outside the service ({@code validate}): the application's beans are {@link #SLUICE_BEANS}. */
    public PipelineCheck(RouteFence fence, Function<String, String> settings) {
        this(fence, settings, SLUICE_BEANS::contains);
    }

    /**
     * @param settings         a setting's value by key, or null when it is not set
     * @param applicationBeans whether the application has a bean of that name (inside the service: its registry, so
     *                         a Java stage of your own build counts)
     */
    public PipelineCheck(RouteFence fence, Function<String, String> settings,
            Predicate<String> applicationBeans) {
        this.fence = fence;
        this.settings = settings;
        this.applicationBeans = applicationBeans;
    }

    /** The routes files of a directory, as Sluice loads them: {@code *.yaml}, sorted; a symbolic link is followed. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir.toRealPath())) {
            return list.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted()
                    .toList();
        }
    }

    public Result check(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new Result(List.of(new RouteFence.Problem(dir, 1, 1, "the routes directory does not exist "
                    + "(sluice.routes-dir)")), List.of(), List.of(), false);
        }
        return check(dir, files(dir));
    }

    Result check(Path dir, List<Path> files) {
        List<RouteFence.Problem> problems = new ArrayList<>();
        try (CamelContext camel = scratch()) {
            List<Path> loaded = new ArrayList<>();
            for (Path file : files) {
                List<RouteFence.Problem> fenced = fence.check(file);
                problems.addAll(fenced);
                problems.addAll(placeholders(file));
                if (fenced.isEmpty() && load(camel, file, problems)) {
                    loaded.add(file);
                }
            }
            for (PipelineRules.Problem broken : PipelineRules.check(camel, loaded)) {
                problems.add(at(broken.location(), "[" + broken.rule() + "] " + broken.message()));
            }
            new References(camel, loaded, problems, applicationBeans).check();
            templated(camel, loaded, problems);
            List<String> sinks = new ArrayList<>();
            boolean[] kafka = new boolean[1];
            List<String> pipelines = pipelines(camel, sinks, kafka);
            if (pipelines.isEmpty() && problems.isEmpty()) {
                problems.add(new RouteFence.Problem(dir, 1, 1, "no pipeline: none of the " + files.size()
                        + " routes file(s) has a route that reads from a file or a topic"));
            }
            problems.sort(Comparator.comparing((RouteFence.Problem p) -> p.file().toString())
                    .thenComparingInt(RouteFence.Problem::line).thenComparingInt(RouteFence.Problem::column));
            return problems.isEmpty() ? new Result(List.of(), pipelines, sinks, kafka[0])
                    : new Result(List.copyOf(problems), List.of(), List.of(), false);
        } catch (Exception e) {
            problems.add(new RouteFence.Problem(dir, 1, 1, "cannot check the pipelines: " + e));
            return new Result(problems, List.of(), List.of(), false);
        }
    }

    /**
     * What only a route a template made shows: a parameter its template does not declare (a typo that would leave
     * the default in force without a word), and a file directory outside the file roots once its parameters are in.
     */
    private void templated(CamelContext camel, List<Path> files, List<RouteFence.Problem> problems) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition route : model.getRouteDefinitions()) {
            Map<String, Object> given = route.getTemplateParameters();
            String location = given == null ? null : PipelineRules.templatedRouteLocation(files, route.getRouteId());
            RouteTemplateDefinition template = location == null ? null
                    : model.getRouteTemplateDefinition(templateRef(location));
            if (template == null) {
                continue;
            }
            Set<String> declared = new TreeSet<>();
            template.getTemplateParameters().forEach(parameter -> declared.add(parameter.getName()));
            Set<String> unknown = new TreeSet<>(); // Camel holds each given name also in its dashed form
            for (String name : given.keySet()) {
                String camelCase = StringHelper.dashToCamelCase(name);
                if (!declared.contains(name) && !declared.contains(camelCase) && unknown.add(camelCase)) {
                    String line = References.parameterLine(location, "name: " + StringHelper.camelCaseToDash(name));
                    line = line.equals(location) ? References.parameterLine(location, "name: " + camelCase) : line;
                    problems.add(at(line, "templated route " + route.getRouteId() + ": template " + template.getId()
                            + " has no parameter '" + camelCase + "' (its parameters: " + String.join(", ", declared)
                            + ")"));
                }
            }
            String from = route.getInput() == null ? "" : route.getInput().getEndpointUri();
            // under the fixture tests a pipeline reads its fixtures instead (PipelineDefinitions.readFixtures)
            if (from.startsWith("file:") && settings.apply("sluice.fixtures-dir") == null) {
                try {
                    String path = SinkUris.path(camel.resolvePropertyPlaceholders(
                            PipelineDefinitions.templateParameters(route, from)));
                    String outside = fence.outsideFileRoots(path);
                    if (outside != null) {
                        problems.add(at(References.parameterLine(location, "inputDir"), "templated route "
                                + route.getRouteId() + ": " + outside));
                    }
                } catch (RuntimeException e) {
                    // a setting not set: reported with the placeholders
                }
            }
        }
    }

    /** The {@code routeTemplateRef} of the {@code - templatedRoute:} at {@code location} ({@code file:line}). */
    private static String templateRef(String location) {
        int colon = location.lastIndexOf(':');
        try {
            List<String> lines = Files.readAllLines(Path.of(location.substring(0, colon)));
            for (int i = Integer.parseInt(location.substring(colon + 1)); i < lines.size() && !lines.get(i).startsWith("- "); i++) {
                Matcher ref = TEMPLATE_REF.matcher(lines.get(i));
                if (ref.matches()) {
                    return ref.group(1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a file location: no template to compare with
        }
        return "";
    }

    private static final Pattern TEMPLATE_REF = Pattern.compile("^\\s*routeTemplateRef:\\s*[\"']?([^\"'#\\s]+).*$");

    /** A Camel context to load routes into, never started: the settings as properties, stand-ins for Sluice's beans. */
    private CamelContext scratch() throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.setSourceLocationEnabled(true);
        camel.getPropertiesComponent().addPropertiesSource(new PropertiesSource() {
            @Override
            public String getName() {
                return "sluice-settings";
            }

            @Override
            public String getProperty(String name) {
                return settings.apply(name);
            }
        });
        Processor standIn = exchange -> {
        };
        for (String bean : SLUICE_BEANS) {
            camel.getRegistry().bind(bean, bean.equals("sluiceJsonRecord") ? new JsonRecordParser() : standIn);
        }
        JqFunctions.installIn(camel);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel,
                PipelineDefinitions.TEMPLATES));
        return camel;
    }

    /** Loads one file; a failure is a problem of that file, at the line Camel names when it names one. */
    private static boolean load(CamelContext camel, Path file, List<RouteFence.Problem> problems) {
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "file:" + file));
            return true;
        } catch (Exception e) {
            StringBuilder message = new StringBuilder();
            Throwable root = e;
            for (Throwable t = e; t != null; t = t.getCause()) {
                root = t;
                String text = String.valueOf(t.getMessage());
                if (message.indexOf(text) < 0 && !text.startsWith("Error pre-parsing") && !text.startsWith("null")) {
                    message.append(message.length() == 0 ? "" : ": ").append(text.lines().findFirst().orElse(""));
                }
            }
            Matcher line = LINE.matcher(message);
            int at = line.find() ? Integer.parseInt(line.group(1)) : lineOf(file, nameIn(message.toString()));
            problems.add(new RouteFence.Problem(file, at, 1, message.length() > 0
                    ? message.toString().replaceAll("@[0-9a-f]{6,}", "") : root.getClass().getSimpleName()));
            return false;
        }
    }

    /** What a loading error names, as the text to look for in the file: a property, a step, a class, a template. */
    private static final List<Pattern> NAMED = List.of(
            Pattern.compile("with name: (\\S+) on bean"), Pattern.compile("Unknown node id: (\\S+)"),
            Pattern.compile("#class:(\\S+)"), Pattern.compile("RouteTemplate with id (\\S+)"),
            Pattern.compile("bean: (\\S+)"));

    private static String nameIn(String message) {
        for (Pattern named : NAMED) {
            Matcher m = named.matcher(message);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Every {@code {{key}}} without a default whose setting is not set. */
    private List<RouteFence.Problem> placeholders(Path file) {
        List<RouteFence.Problem> problems = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).trim().startsWith("#")) {
                    continue;
                }
                Matcher m = PLACEHOLDER.matcher(lines.get(i));
                while (m.find()) {
                    if (m.group(2) == null && m.group(1).contains(".") && settings.apply(m.group(1)) == null) {
                        problems.add(new RouteFence.Problem(file, i + 1, m.start() + 1, "setting " + m.group(1)
                                + " is not set and {{" + m.group(1) + "}} has no default: set it, or write {{"
                                + m.group(1) + ":<default>}}"));
                    }
                }
            }
        } catch (IOException e) {
            // the fence reported that the file cannot be read
        }
        return problems;
    }

    private static List<String> pipelines(CamelContext camel, List<String> allSinks, boolean[] kafka) {
        List<String> pipelines = new ArrayList<>();
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            String from = PipelineDefinitions.templateParameters(route, route.getInput().getEndpointUri());
            if (from.startsWith("direct:") || from.startsWith("seda:")) {
                continue;
            }
            List<String> sinks = new ArrayList<>();
            sinks(route, route.getOutputs(), sinks);
            sinks.replaceAll(camel::resolvePropertyPlaceholders);
            sinks.stream().filter(sink -> !allSinks.contains(sink)).forEach(allSinks::add);
            kafka[0] |= from.startsWith("kafka:") || sinks.stream().anyMatch(sink -> sink.startsWith("sluice-topic:"));
            pipelines.add(route.getRouteId() + ": " + camel.resolvePropertyPlaceholders(from.replaceFirst("\\?.*", ""))
                    + " → " + (sinks.isEmpty() ? "(no sink)" : String.join(", ", sinks.stream()
                            .map(sink -> sink.replaceFirst("\\?.*", "")).toList())));
        }
        pipelines.sort(null);
        return pipelines;
    }

    /** The sinks a route writes to, through the direct: routes it calls. */
    private static void sinks(RouteDefinition route, List<ProcessorDefinition<?>> steps, List<String> sinks) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof ToDefinition to && to.getUri() != null) {
                String uri = PipelineDefinitions.templateParameters(route, to.getUri());
                if (SinkUris.isSink(uri)) {
                    String sink = uri;
                    if (!sinks.contains(sink)) {
                        sinks.add(sink);
                    }
                }
            }
            sinks(route, step.getOutputs(), sinks);
        }
    }

    /** The first line of a file holding {@code token}, or 1. */
    static int lineOf(Path file, String token) {
        return Math.max(1, findLine(file, token));
    }

    /** The first line of a file holding {@code token}, or 0. */
    private static int findLine(Path file, String token) {
        if (token == null) {
            return 0;
        }
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(token) && !lines.get(i).trim().startsWith("#")) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            // not found, then
        }
        return 0;
    }

    /** A problem at a {@code file:line} location as {@link PipelineRules} gives it. */
    private static RouteFence.Problem at(String location, String message) {
        int colon = location.lastIndexOf(':');
        if (colon > 0 && location.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return new RouteFence.Problem(Path.of(location.substring(0, colon)),
                    Integer.parseInt(location.substring(colon + 1)), 1, message);
        }
        return new RouteFence.Problem(Path.of(location), 1, 1, message);
    }

    /** The references of the loaded routes and beans. */
    private static final class References {
        private final CamelContext camel;
        private final List<Path> files;
        private final List<RouteFence.Problem> problems;
        private final Map<String, RouteDefinition> directs = new HashMap<>();
        private final Predicate<String> applicationBeans;
        private RouteDefinition route;

        References(CamelContext camel, List<Path> files, List<RouteFence.Problem> problems,
                Predicate<String> applicationBeans) {
            this.camel = camel;
            this.files = files;
            this.problems = problems;
            this.applicationBeans = applicationBeans;
        }

        void check() {
            List<RouteDefinition> routes = camel.getCamelContextExtension().getContextPlugin(Model.class)
                    .getRouteDefinitions();
            for (RouteDefinition each : routes) {
                String uri = each.getInput() == null ? "" : PipelineDefinitions.templateParameters(each,
                        each.getInput().getEndpointUri());
                if (uri.startsWith("direct:")) {
                    directs.put(uri.replaceFirst("^direct:(//)?", "").replaceFirst("\\?.*", ""), each);
                }
            }
            for (RouteDefinition each : routes) {
                if (each.getResource() != null || each.getTemplateParameters() != null) {
                    route = each;
                    steps(each.getOutputs());
                }
            }
            referenceFiles();
        }

        private void steps(List<ProcessorDefinition<?>> steps) {
            for (ProcessorDefinition<?> step : steps) {
                if (step instanceof ProcessDefinition process && process.getRef() != null) {
                    bean(step, process.getRef());
                } else if (step instanceof BeanDefinition bean && bean.getRef() != null) {
                    bean(step, bean.getRef());
                } else if (step instanceof AggregateDefinition aggregate && aggregate.getAggregationStrategy() != null) {
                    bean(step, aggregate.getAggregationStrategy());
                } else if (step instanceof ToDefinition to && to.getUri() != null) {
                    endpoint(step, resolve(to.getUri()));
                }
                if (step instanceof ExpressionNode node && node.getExpression() != null) {
                    expression(step, node.getExpression(), step instanceof FilterDefinition);
                }
                if (step instanceof ChoiceDefinition choice) {
                    // a choice's outputs are its whens' steps: the whens' own predicates only show here
                    for (WhenDefinition when : choice.getWhenClauses()) {
                        expression(when, when.getExpression(), true);
                    }
                }
                steps(step.getOutputs());
            }
        }

        private void expression(LineNumberAware step, ExpressionDefinition expression, boolean predicate) {
            if (expression instanceof MethodCallExpression method && method.getRef() != null) {
                bean(step, method.getRef());
            } else if ("ref".equals(expression.getLanguage())) {
                bean(step, expression.getExpression());
            } else if ("jq".equals(expression.getLanguage())) {
                try {
                    JsonQuery.compile(resolve(expression.getExpression()), JqFunctions.VERSION);
                } catch (JsonQueryException e) {
                    problem(step, expression.getExpression(), "jq '" + expression.getExpression()
                            + "' does not compile: " + e.getMessage());
                }
            } else if ("simple".equals(expression.getLanguage())) {
                simple(step, expression.getExpression(), predicate);
            }
        }

        /** A simple expression is parsed as start-up will: a filter's or a when's as a predicate. */
        private void simple(LineNumberAware step, String text, boolean predicate) {
            String resolved;
            try {
                resolved = camel.resolvePropertyPlaceholders(resolve(text));
            } catch (RuntimeException e) {
                return; // a setting not set: reported with the placeholders
            }
            try {
                Language simple = camel.resolveLanguage("simple");
                if (predicate) {
                    simple.createPredicate(resolved);
                } else {
                    simple.createExpression(resolved);
                }
            } catch (RuntimeException e) {
                problem(step, text, "simple '" + text + "' does not compile: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            }
        }

        private void bean(LineNumberAware step, String ref) {
            String name = resolve(ref).replaceFirst("^#(bean:)?", "");
            if (camel.getRegistry().lookupByName(name) == null && !applicationBeans.test(name)) {
                problem(step, name, "no bean named '" + name + "': declare it under beans: in a routes file, or use "
                        + "one of Sluice's " + new TreeSet<>(SLUICE_BEANS));
            }
        }

        private void endpoint(ProcessorDefinition<?> step, String uri) {
            if (uri.startsWith("direct:")) {
                String name = uri.replaceFirst("^direct:(//)?", "").replaceFirst("\\?.*", "");
                if (!directs.containsKey(name)) {
                    problem(step, uri, "no route reads " + uri + ": add a route 'from: {uri: direct:" + name + "}'");
                }
            } else if (SinkUris.isSink(uri)) {
                String wrong = SinkUris.problem(camel.resolvePropertyPlaceholders(uri));
                if (wrong != null) {
                    problem(step, uri, wrong);
                }
            }
        }

        /** Every reference table and lookup reads its file now, as it will at its first record. */
        private void referenceFiles() {
            Map<String, Object> beans = new LinkedHashMap<>();
            beans.putAll(camel.getRegistry().findByTypeWithName(ReferenceTable.class));
            beans.putAll(camel.getRegistry().findByTypeWithName(ReferenceLookup.class));
            beans.forEach((name, bean) -> {
                String wrong = bean instanceof ReferenceTable table ? table.verify() : ((ReferenceLookup) bean).verify();
                if (wrong != null) {
                    Path file = declaring(name);
                    problems.add(new RouteFence.Problem(file, lineOf(file, "name: " + name), 1, "bean " + name + ": "
                            + wrong));
                }
            });
        }

        /** The routes file that declares a bean. */
        private Path declaring(String bean) {
            return files.stream().filter(file -> findLine(file, "name: " + bean) > 0).findFirst()
                    .orElse(files.isEmpty() ? Path.of("?") : files.get(0));
        }

        private String resolve(String value) {
            return PipelineDefinitions.templateParameters(route, value);
        }

        /** The line, from a templatedRoute's line on, that holds {@code value}; else the templatedRoute's. */
        static String parameterLine(String location, String value) {
            int colon = location.lastIndexOf(':');
            if (colon < 0 || value == null) {
                return location;
            }
            Path file = Path.of(location.substring(0, colon));
            int from = Integer.parseInt(location.substring(colon + 1));
            try {
                List<String> lines = Files.readAllLines(file);
                for (int i = from; i < lines.size() && !lines.get(i).startsWith("- "); i++) {
                    if (lines.get(i).contains(value)) {
                        return file + ":" + (i + 1);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the templatedRoute's line then
            }
            return location;
        }

        /** A problem at a step; for a route a template made, at the line of its parameter that holds {@code value}. */
        private void problem(LineNumberAware at, String value, String message) {
            String location;
            if (route.getTemplateParameters() != null) {
                location = PipelineRules.templatedRouteLocation(files, route.getRouteId());
                location = parameterLine(location, value);
                message = "templated route " + route.getRouteId() + ": " + message;
            } else {
                location = at.getLocation() == null ? "?" : at.getLocation().replaceFirst("^file:", "")
                        + (at.getLineNumber() > 0 ? ":" + at.getLineNumber() : "");
            }
            problems.add(at(location, message));
        }
    }
}
