package dev.sluice.routes;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.sluice.routes.RoutesModel.Bean;
import dev.sluice.routes.RoutesModel.Choice;
import dev.sluice.routes.RoutesModel.Condition;
import dev.sluice.routes.RoutesModel.Filter;
import dev.sluice.routes.RoutesModel.Jq;
import dev.sluice.routes.RoutesModel.Log;
import dev.sluice.routes.RoutesModel.Pipeline;
import dev.sluice.routes.RoutesModel.Process;
import dev.sluice.routes.RoutesModel.Ref;
import dev.sluice.routes.RoutesModel.Simple;
import dev.sluice.routes.RoutesModel.StageRoute;
import dev.sluice.routes.RoutesModel.Step;
import dev.sluice.routes.RoutesModel.Stop;
import dev.sluice.routes.RoutesModel.To;
import dev.sluice.routes.RoutesModel.When;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.stage.ReferenceTable;
import org.apache.camel.util.StringHelper;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads one routes file into its {@link RoutesModel}: an allow-list on the YAML as parsed (escapes decoded, block
 * scalars joined, anchors resolved), never on its text. Every key must be one Sluice declares for its place (in
 * camelCase or kebab-case), every value one of its kind once its settings are in; anything else is a {@link Problem}
 * at its line and column, which names what is allowed instead.
 */
final class RoutesReader {

    /** The items a routes file holds. */
    public static final Set<String> TOP_LEVEL = Set.of("beans", "route", "templatedRoute");
    /** The steps a stages route may have. */
    public static final Set<String> STEPS = Set.of("filter", "choice", "process", "stop", "log", "to");
    public static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** Every place of a routes file with the keys it may have (in camelCase; kebab-case is read as the same). */
    public static final Map<String, Set<String>> KEYS;

    static {
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        keys.put("bean", Set.of("name", "type", "properties"));
        keys.put("route", Set.of("id", "description", "from"));
        keys.put("route's from", Set.of("uri", "steps"));
        keys.put("filter", Set.of("jq", "simple", "ref", "steps", "id", "description"));
        keys.put("choice", Set.of("when", "otherwise", "id", "description"));
        keys.put("when", Set.of("jq", "simple", "ref", "steps", "id", "description"));
        keys.put("otherwise", Set.of("steps", "id", "description"));
        keys.put("jq or simple written as a mapping", Set.of("expression"));
        keys.put("process", Set.of("ref", "id", "description"));
        keys.put("stop", Set.of("id", "description"));
        keys.put("log", Set.of("message", "loggingLevel", "logName", "id", "description"));
        keys.put("to", Set.of("uri", "id", "description"));
        keys.put("templatedRoute", Set.of("routeTemplateRef", "routeId", "parameters", "description"));
        keys.put("parameter", Set.of("name", "value"));
        KEYS = Collections.unmodifiableMap(keys);
    }

    private final Path file;
    private final Function<String, String> settings;
    private final Kind.Context context;
    private final List<Problem> problems;
    private final List<Bean> beans = new ArrayList<>();
    private final List<StageRoute> routes = new ArrayList<>();
    private final List<Pipeline> pipelines = new ArrayList<>();

    private RoutesReader(Path file, Function<String, String> settings, Kind.Context context, List<Problem> problems) {
        this.file = file;
        this.settings = settings;
        this.context = context;
        this.problems = problems;
    }

    /** The file's model; its problems are added to {@code problems}. */
    static RoutesModel.File read(Path file, Function<String, String> settings, Kind.Context context,
            List<Problem> problems) {
        RoutesReader reader = new RoutesReader(file, settings, context, problems);
        reader.read();
        return new RoutesModel.File(file, List.copyOf(reader.beans), List.copyOf(reader.routes),
                List.copyOf(reader.pipelines));
    }

    private void read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read the file: " + e.getMessage()));
            return;
        }
        try (Reader in = new StringReader(text)) {
            for (Node document : new Compose(LoadSettings.builder().setLabel(file.toString()).build())
                    .composeAllFromReader(in)) {
                topLevel(document);
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            problems.add(new Problem(file, mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    "not valid YAML: " + e.getProblem()));
        } catch (IOException | YamlEngineException e) {
            problems.add(new Problem(file, 1, 1, "not valid YAML: " + e.getMessage()));
        }
    }

    private void topLevel(Node document) {
        if (!(document instanceof SequenceNode items)) {
            problem(document, "a routes file is a YAML list of beans, route and templatedRoute items");
            return;
        }
        for (Node item : items.getValue()) {
            Map<String, NodeTuple> entry = mapping(item, "an item of a routes file", null);
            if (entry == null) {
                continue;
            }
            if (entry.size() != 1) {
                problem(item, "each item of a routes file is one of beans, route, templatedRoute");
                continue;
            }
            Map.Entry<String, NodeTuple> only = entry.entrySet().iterator().next();
            Node value = only.getValue().getValueNode();
            switch (only.getKey()) {
                case "beans" -> beans(value);
                case "route" -> route(value);
                case "templatedRoute" -> templated(value);
                default -> problem(only.getValue().getKeyNode(), notAllowedAtTop(only.getKey()));
            }
        }
    }

    private static String notAllowedAtTop(String key) {
        String instead = switch (key) {
            case "from" -> ": write a stages route as '- route: {id: …, from: {uri: direct:<name>, steps: […]}}', a "
                    + "pipeline as a templatedRoute";
            case "routeTemplate" -> ": a pipeline comes from one of Sluice's templates (" + String.join(", ",
                    Templates.all().stream().map(Templates.Template::id).toList()) + ")";
            default -> "";
        };
        return "'" + key + "' is not allowed in a routes file: only beans, route (stages, read from direct:) and "
                + "templatedRoute (of Sluice's templates) (docs/security.md)" + instead;
    }

    // --- beans

    private void beans(Node node) {
        if (!(node instanceof SequenceNode list)) {
            problem(node, "beans is a list of {name, type, properties}");
            return;
        }
        for (Node item : list.getValue()) {
            Map<String, NodeTuple> bean = mapping(item, "bean");
            if (bean == null) {
                continue;
            }
            String name = text(bean, "name", item);
            String typeName = text(bean, "type", item);
            if (name == null || typeName == null) {
                continue;
            }
            if (!Kind.BEAN_NAME.matcher(name).matches()) {
                problem(bean.get("name").getValueNode(), "bean name '" + name + "': letters, digits, '_' and '-', "
                        + "starting with a letter or '_'");
                continue;
            }
            BeanTypes.BeanType<?> type = BeanTypes.named(typeName).orElse(null);
            if (type == null) {
                problem(bean.get("type").getValueNode(), "bean type '" + typeName + "' is not allowed: a routes file "
                        + "declares beans of Sluice's stage types only (" + String.join(", ", BeanTypes.all().stream()
                                .map(t -> t.type().getName()).toList()) + ")");
                continue;
            }
            properties(name, type, bean.get("properties"), Spot.of(file, item));
        }
    }

    private void properties(String name, BeanTypes.BeanType<?> type, NodeTuple given, Spot spot) {
        Set<String> known = new TreeSet<>(type.properties().stream().map(BeanTypes.Property::name).toList());
        Map<String, NodeTuple> properties = given == null ? Map.of()
                : mapping(given.getValueNode(), "the properties of a " + type.type().getSimpleName(), known);
        if (properties == null) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Spot> spots = new LinkedHashMap<>();
        boolean clean = true;
        for (Map.Entry<String, NodeTuple> property : properties.entrySet()) {
            Kind kind = type.property(property.getKey()).orElseThrow().kind();
            Node node = property.getValue().getValueNode();
            String value = value(node, kind);
            if (value == null) {
                clean = false;
                continue;
            }
            values.put(property.getKey(), value);
            spots.put(property.getKey(), Spot.of(file, node));
        }
        for (BeanTypes.Property<?> property : type.properties()) {
            if (property.required() && !properties.containsKey(property.name())) {
                problems.add(spot.problem("bean " + name + ": a " + type.type().getSimpleName() + " needs "
                        + property.name() + " (" + property.description() + ")"));
                clean = false;
            }
        }
        String rule = type.rule().apply(values);
        if (rule != null) {
            problems.add(spot.problem("bean " + name + ": " + rule));
            clean = false;
        }
        if (clean) {
            try {
                // each setter's own checks, and a reference file read, now rather than at the first record
                Object made = type.make(values);
                String unreadable = made instanceof ReferenceTable table ? table.verify()
                        : made instanceof ReferenceLookup lookup ? lookup.verify() : null;
                if (unreadable != null) {
                    problems.add(spot.problem("bean " + name + ": " + unreadable));
                    return;
                }
                beans.add(new Bean(name, type, Map.copyOf(values), Map.copyOf(spots), spot));
            } catch (RoutesException e) {
                String property = e.getMessage().replaceFirst("^property (\\S+):.*", "$1");
                problems.add(spots.getOrDefault(property, spot).problem("bean " + name + ": " + e.getMessage()));
            }
        }
    }

    // --- stages routes

    private void route(Node node) {
        Map<String, NodeTuple> route = mapping(node, "route");
        if (route == null) {
            return;
        }
        NodeTuple fromEntry = route.get("from");
        if (fromEntry == null) {
            problem(node, "a route needs from: {uri: direct:<name>, steps: […]}");
            return;
        }
        Map<String, NodeTuple> from = mapping(fromEntry.getValueNode(), "route's from");
        if (from == null) {
            return;
        }
        String uri = text(from, "uri", fromEntry.getValueNode());
        if (uri == null) {
            return;
        }
        Node uriNode = from.get("uri").getValueNode();
        if (!uri.startsWith("direct:")) {
            problem(uriNode, "a route in a routes file holds stages and reads direct:<name>; a pipeline's source and sink "
                    + "come from a template: a templatedRoute of " + Templates.insteadOf(uri) + " (docs/pipelines.md)");
            return;
        }
        String direct = uri.substring("direct:".length());
        if (!Kind.ROUTE_NAME.matcher(direct).matches()) {
            problem(uriNode, "'" + uri + "': a stages route reads direct:<name>, a name of letters, digits, '.', '_' and "
                    + "'-', without options");
            return;
        }
        String id = route.containsKey("id") ? text(route, "id", node) : direct;
        if (id == null) {
            return;
        }
        if (!Kind.ROUTE_NAME.matcher(id).matches()) {
            problem(route.get("id").getValueNode(), "route id '" + id + "': letters, digits, '.', '_' and '-'");
            return;
        }
        NodeTuple steps = from.get("steps");
        if (steps == null) {
            problem(fromEntry.getValueNode(), "a stages route needs steps");
            return;
        }
        routes.add(new StageRoute(id, direct, steps(steps.getValueNode()), Spot.of(file, node)));
    }

    private List<Step> steps(Node node) {
        List<Step> steps = new ArrayList<>();
        if (!(node instanceof SequenceNode list)) {
            problem(node, "steps is a list of steps: " + String.join(", ", new TreeSet<>(STEPS)));
            return steps;
        }
        for (Node item : list.getValue()) {
            Map<String, NodeTuple> step = mapping(item, "a step", null);
            if (step == null) {
                continue;
            }
            if (step.size() != 1) {
                problem(item, "a step is one of " + String.join(", ", new TreeSet<>(STEPS)));
                continue;
            }
            Map.Entry<String, NodeTuple> only = step.entrySet().iterator().next();
            Node value = only.getValue().getValueNode();
            Step read = switch (only.getKey()) {
                case "filter" -> filter(value);
                case "choice" -> choice(value);
                case "process" -> process(value);
                case "stop" -> stop(value);
                case "log" -> log(value);
                case "to" -> to(value);
                default -> {
                    problem(only.getValue().getKeyNode(), "step '" + only.getKey() + "' is not allowed in a stages route: "
                            + "only " + String.join(", ", new TreeSet<>(STEPS)) + " (a record changes in a stage bean, "
                            + "e.g. a dev.sluice.stage.JqMapping; docs/security.md)");
                    yield null;
                }
            };
            if (read != null) {
                steps.add(read);
            }
        }
        return steps;
    }

    private static final Set<String> CONDITIONS = Set.of("jq", "simple", "ref");

    private Filter filter(Node node) {
        Map<String, NodeTuple> filter = mapping(node, "filter");
        if (filter == null) {
            return null;
        }
        Condition condition = condition(filter, node, "filter");
        List<Step> steps = nestedSteps(filter, node, "filter");
        String id = optionalName(filter);
        return condition == null || steps == null ? null : new Filter(condition, steps, id, Spot.of(file, node));
    }

    private Choice choice(Node node) {
        Map<String, NodeTuple> choice = mapping(node, "choice");
        if (choice == null) {
            return null;
        }
        NodeTuple whenEntry = choice.get("when");
        if (whenEntry == null || !(whenEntry.getValueNode() instanceof SequenceNode whens)) {
            problem(whenEntry == null ? node : whenEntry.getValueNode(), "a choice needs when: a list of {jq|simple|ref, "
                    + "steps}");
            return null;
        }
        List<When> read = new ArrayList<>();
        boolean clean = true;
        for (Node item : whens.getValue()) {
            Map<String, NodeTuple> when = mapping(item, "when");
            Condition condition = when == null ? null : condition(when, item, "when");
            List<Step> steps = when == null ? null : nestedSteps(when, item, "when");
            if (condition == null || steps == null) {
                clean = false;
            } else {
                read.add(new When(condition, steps, Spot.of(file, item)));
            }
        }
        List<Step> otherwise = null;
        NodeTuple otherwiseEntry = choice.get("otherwise");
        if (otherwiseEntry != null) {
            Map<String, NodeTuple> other = mapping(otherwiseEntry.getValueNode(), "otherwise");
            otherwise = other == null ? null : nestedSteps(other, otherwiseEntry.getValueNode(), "otherwise");
            clean &= otherwise != null;
        }
        return clean ? new Choice(read, otherwise, optionalName(choice), Spot.of(file, node)) : null;
    }

    /** The steps a filter, when or otherwise runs: required, so no step after it is swallowed by mistake. */
    private List<Step> nestedSteps(Map<String, NodeTuple> step, Node node, String what) {
        NodeTuple steps = step.get("steps");
        if (steps == null) {
            problem(node, "a " + what + " needs its own steps: the steps it runs, e.g. steps: [{stop: {}}] (without "
                    + "them every step after it would run inside it)");
            return null;
        }
        return steps(steps.getValueNode());
    }

    private Condition condition(Map<String, NodeTuple> step, Node node, String what) {
        List<String> given = step.keySet().stream().filter(CONDITIONS::contains).toList();
        if (given.size() != 1) {
            problem(node, "a " + what + " tests one of jq, simple or ref");
            return null;
        }
        String language = given.get(0);
        Node value = step.get(language).getValueNode();
        if (value instanceof MappingNode) {
            Map<String, NodeTuple> expression = mapping(value, "jq or simple written as a mapping");
            if (expression == null) {
                return null;
            }
            value = expression.containsKey("expression") ? expression.get("expression").getValueNode() : value;
        }
        Spot spot = Spot.of(file, value);
        return switch (language) {
            case "jq" -> {
                String program = value(value, Kind.JQ);
                yield program == null ? null : new Jq(program, spot);
            }
            case "simple" -> {
                String text = value(value, Kind.TEXT);
                String wrong = text == null ? null : SimpleExpressions.problem(text, true);
                if (wrong != null) {
                    problem(value, "simple '" + Kind.abbreviated(text) + "': " + wrong);
                }
                yield text == null || wrong != null ? null : new Simple(text, spot);
            }
            default -> {
                String bean = value(value, Kind.TABLE_BEAN);
                yield bean == null ? null : new Ref(bean, spot);
            }
        };
    }

    private Process process(Node node) {
        Map<String, NodeTuple> process = mapping(node, "process");
        if (process == null) {
            return null;
        }
        String ref = text(process, "ref", node);
        if (ref == null) {
            return null;
        }
        if (!Kind.BEAN_NAME.matcher(ref).matches()) {
            problem(process.get("ref").getValueNode(), "'" + ref + "' is not a bean name");
            return null;
        }
        return new Process(ref, optionalName(process), Spot.of(file, process.get("ref").getValueNode()));
    }

    private Stop stop(Node node) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return new Stop(null, Spot.of(file, node));
        }
        Map<String, NodeTuple> stop = mapping(node, "stop");
        return stop == null ? null : new Stop(optionalName(stop), Spot.of(file, node));
    }

    private Log log(Node node) {
        Map<String, NodeTuple> log;
        Node messageNode;
        if (node instanceof ScalarNode) {
            log = Map.of();
            messageNode = node;
        } else {
            log = mapping(node, "log");
            if (log == null) {
                return null;
            }
            if (!log.containsKey("message")) {
                problem(node, "a log needs a message");
                return null;
            }
            messageNode = log.get("message").getValueNode();
        }
        String message = value(messageNode, Kind.TEXT);
        if (message == null) {
            return null;
        }
        String wrong = SimpleExpressions.problem(message, false);
        if (wrong != null) {
            problem(messageNode, "log message '" + Kind.abbreviated(message) + "': " + wrong);
            return null;
        }
        String level = log.containsKey("loggingLevel") ? text(log, "loggingLevel", node) : "INFO";
        if (level == null || !LOG_LEVELS.contains(level)) {
            problem(log.get("loggingLevel").getValueNode(), "loggingLevel is one of " + new TreeSet<>(LOG_LEVELS));
            return null;
        }
        String logName = log.containsKey("logName") ? text(log, "logName", node) : null;
        if (logName != null && !logName.matches("[A-Za-z0-9._-]+")) {
            problem(log.get("logName").getValueNode(), "logName '" + logName + "': letters, digits, '.', '_' and '-'");
            return null;
        }
        return new Log(message, level, logName, optionalName(log), Spot.of(file, node));
    }

    private To to(Node node) {
        Node uriNode = node;
        String id = null;
        if (node instanceof MappingNode) {
            Map<String, NodeTuple> to = mapping(node, "to");
            if (to == null || text(to, "uri", node) == null) {
                return null;
            }
            uriNode = to.get("uri").getValueNode();
            id = optionalName(to);
        }
        String uri = value(uriNode, Kind.TEXT);
        if (uri == null) {
            return null;
        }
        if (!uri.startsWith("direct:") || !Kind.ROUTE_NAME.matcher(uri.substring(7)).matches()) {
            problem(uriNode, "'" + uri + "': a stages route sends records only to another stages route, "
                    + "direct:<name> without options; sinks come from the templates");
            return null;
        }
        return new To(uri.substring(7), id, Spot.of(file, uriNode));
    }

    private String optionalName(Map<String, NodeTuple> step) {
        if (step.containsKey("description")) {
            value(step.get("description").getValueNode(), Kind.TEXT);
        }
        if (!step.containsKey("id")) {
            return null;
        }
        String id = text(step, "id", step.get("id").getValueNode());
        if (id != null && !Kind.ROUTE_NAME.matcher(id).matches()) {
            problem(step.get("id").getValueNode(), "id '" + id + "': letters, digits, '.', '_' and '-'");
            return null;
        }
        return id;
    }

    // --- pipelines

    private void templated(Node node) {
        Map<String, NodeTuple> templated = mapping(node, "templatedRoute");
        if (templated == null) {
            return;
        }
        String ref = text(templated, "routeTemplateRef", node);
        String id = text(templated, "routeId", node);
        if (ref == null || id == null) {
            return;
        }
        Templates.Template template = Templates.named(ref).orElse(null);
        if (template == null) {
            problem(templated.get("routeTemplateRef").getValueNode(), "no template '" + ref + "': Sluice's templates "
                    + "are " + String.join(", ", Templates.all().stream().map(Templates.Template::id).toList()));
            return;
        }
        if (!Kind.ROUTE_NAME.matcher(id).matches() || id.length() > 100) {
            problem(templated.get("routeId").getValueNode(), "pipeline name '" + id + "': up to 100 letters, digits, "
                    + "'.', '_' and '-', starting with a letter or digit");
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Map<String, Spot> spots = new LinkedHashMap<>();
        boolean clean = true;
        NodeTuple given = templated.get("parameters");
        if (given != null) {
            if (!(given.getValueNode() instanceof SequenceNode list)) {
                problem(given.getValueNode(), "parameters is a list of {name, value}");
                return;
            }
            for (Node item : list.getValue()) {
                Map<String, NodeTuple> parameter = mapping(item, "parameter");
                String name = parameter == null ? null : text(parameter, "name", item);
                if (name == null) {
                    clean = false;
                    continue;
                }
                Node nameNode = parameter.get("name").getValueNode();
                name = StringHelper.dashToCamelCase(name);
                Templates.Parameter declared = template.parameter(name).orElse(null);
                if (declared == null) {
                    problem(nameNode, "template " + ref + " has no parameter '" + name + "' (its parameters: "
                            + String.join(", ", template.parameters().stream().map(Templates.Parameter::name).toList())
                            + ")");
                    clean = false;
                } else if (parameters.containsKey(name)) {
                    problem(nameNode, "parameter " + name + " is given twice");
                    clean = false;
                } else if (!parameter.containsKey("value")) {
                    problem(item, "parameter " + name + " has no value");
                    clean = false;
                } else {
                    String value = value(parameter.get("value").getValueNode(), declared.kind());
                    if (value == null) {
                        clean = false;
                    } else {
                        parameters.put(name, value);
                        spots.put(name, Spot.of(file, parameter.get("value").getValueNode()));
                    }
                }
            }
        }
        Spot spot = Spot.of(file, node);
        for (Templates.Parameter parameter : template.parameters()) {
            if (!parameters.containsKey(parameter.name()) && clean) {
                if (parameter.required()) {
                    problems.add(spot.problem("pipeline " + id + ": template " + ref + " needs the parameter "
                            + parameter.name() + " (" + parameter.description() + ")"));
                    clean = false;
                } else {
                    parameters.put(parameter.name(), parameter.defaultValue());
                }
            }
        }
        if (clean && template.source() == Templates.Source.FILES) {
            clean = moveTargets(id, parameters.get("inputDir"), spots.get("inputDir"));
        }
        if (clean) {
            pipelines.add(new Pipeline(id, template, Map.copyOf(parameters), Map.copyOf(spots), spot));
        }
    }

    /**
     * Where a file pipeline moves its files (sluice.pipelines.&lt;id&gt;.done-dir and error-dir, relative to the input
     * directory): under the file roots too, so no setting moves a file elsewhere.
     */
    private boolean moveTargets(String id, String inputDir, Spot spot) {
        if (context.fixtures()) {
            return true;
        }
        boolean clean = true;
        for (String target : List.of("done-dir", "error-dir")) {
            String set = settings.apply("sluice.pipelines." + id + "." + target);
            Path dir = FileRoots.resolved(Path.of(inputDir)).resolve(set != null ? set : "../" + target.replace("-dir",
                    "")).normalize();
            String outside = context.roots().outside(dir);
            if (outside != null) {
                problems.add(spot.problem("pipeline " + id + ": its " + target.replace("-dir", "") + " directory "
                        + outside));
                clean = false;
            }
        }
        return clean;
    }

    // --- YAML

    /**
     * A mapping's entries by key, keys in camelCase; a key that is not text, is given twice, or is not one of
     * {@code known} (null: any) is a problem and left out, so the rest is still checked. Null when the node is not a
     * mapping.
     */
    private Map<String, NodeTuple> mapping(Node node, String place) {
        return mapping(node, place.startsWith("jq") ? place : "a " + place, KEYS.get(place));
    }

    private Map<String, NodeTuple> mapping(Node node, String what, Set<String> known) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, what + " is a mapping" + (known == null ? "" : " of " + String.join(", ", new TreeSet<>(known))));
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (!(entry.getKeyNode() instanceof ScalarNode key)) {
                problem(entry.getKeyNode(), "a key of " + what + " is text");
                continue;
            }
            String name = StringHelper.dashToCamelCase(key.getValue());
            if (known != null && !known.contains(name)) {
                problem(key, "'" + key.getValue() + "' is not allowed in " + what + ": only " + String.join(", ",
                        new TreeSet<>(known)));
            } else if (entries.putIfAbsent(name, entry) != null) {
                problem(key, "'" + key.getValue() + "' is given twice");
            }
        }
        return entries;
    }

    /** A required text entry, as written (names, references: no settings). */
    private String text(Map<String, NodeTuple> mapping, String key, Node owner) {
        NodeTuple entry = mapping.get(key);
        if (entry == null) {
            problem(owner, "'" + key + "' is missing");
            return null;
        }
        if (!(entry.getValueNode() instanceof ScalarNode scalar)) {
            problem(entry.getValueNode(), "'" + key + "' is text");
            return null;
        }
        return scalar.getValue();
    }

    /** A value with its settings in, checked against its kind; null (with a problem) when it cannot be used. */
    private String value(Node node, Kind kind) {
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, "a value here is text (" + kind.description() + "), not a list or a mapping");
            return null;
        }
        try {
            String value = Placeholders.resolve(scalar.getValue(), settings);
            String wrong = kind.problem(value, context);
            if (wrong != null) {
                problem(node, wrong);
                return null;
            }
            return value;
        } catch (RoutesException e) {
            problem(node, e.getMessage());
            return null;
        }
    }

    private void problem(Node node, String message) {
        problems.add(Spot.of(file, node).problem(message));
    }
}
