package dev.sluice.engine;

import dev.sluice.sink.SinkUris;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Keeps a routes file configuration, never code: it is read before Camel loads it (before any bean in it is made or
 * any route created) and refused, with every problem at its file, line and column, when it steps outside what a
 * pipeline needs (docs/security.md):
 * <ul>
 * <li>top-level items: {@code beans}, {@code route}, {@code from}, {@code routeTemplate}, {@code templatedRoute}
 * only (no REST endpoints, no global error handlers or interceptors);</li>
 * <li>endpoints: read from {@code file:} (under the file roots), {@code kafka:}, {@code direct:}, {@code seda:};
 * write to {@code direct:}, {@code seda:}, {@code log:}, {@code sluice-table:}, {@code sluice-topic:}; no dynamic
 * endpoints ({@code toD}, {@code recipientList}, {@code routingSlip}, {@code dynamicRouter}, {@code enrich},
 * {@code pollEnrich}, a {@code ${...}} in a URI);</li>
 * <li>beans: Sluice's own types and those configured, with properties only (no {@code initMethod},
 * {@code factoryMethod}, {@code constructors}, scripts…); no {@code #class:} or {@code #type:} references, no
 * {@code beanType} in {@code bean}/{@code method};</li>
 * <li>languages: no script languages (groovy, java, joor, js, mvel, ognl, spel, python…), and the simple language
 * without {@code ${bean:…}}, {@code ${exchange…}}, {@code ${camelContext…}}, environment, system or properties
 * functions, or method calls;</li>
 * <li>no header a Camel component obeys ({@code Camel*}, {@code kafka.*}) set by a step;</li>
 * <li>placeholders {@code {{…}}} of {@code sluice.*} keys (and those configured) only, each closed.</li>
 * </ul>
 * Settings extend the lists: {@code sluice.security.allowed-components}, {@code allowed-bean-types},
 * {@code allowed-placeholders}, {@code file-roots}.
 */
public final class RouteFence {

    /** One thing a routes file may not do, where it is. */
    public record Problem(Path file, int line, int column, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + message;
        }
    }

    /** What routes files may use. */
    public record Policy(Set<String> consumers, Set<String> producers, List<String> beanTypes,
            List<String> placeholders, List<Path> fileRoots, UnaryOperator<String> resolver) {
    }

    static final Set<String> CONSUMERS = Set.of("file", "kafka", "direct", "seda");
    static final Set<String> PRODUCERS = Set.of("direct", "seda", "log", "sluice-table", "sluice-topic", "jdbc");
    static final List<String> BEAN_TYPES = List.of("dev.sluice.");
    static final List<String> PLACEHOLDERS = List.of("sluice.");

    private static final Set<String> TOP_LEVEL = Set.of("beans", "route", "from", "routeTemplate", "templatedRoute");
    private static final Set<String> BEAN_CODE = Set.of("initMethod", "destroyMethod", "factoryMethod", "factoryBean",
            "builderClass", "builderMethod", "constructors", "script", "scriptLanguage");
    private static final Set<String> DYNAMIC = Set.of("toD", "recipientList", "routingSlip", "dynamicRouter", "enrich",
            "pollEnrich", "kamelet", "serviceCall");
    private static final Set<String> SCRIPTS = Set.of("groovy", "java", "joor", "js", "javaScript", "mvel", "ognl",
            "spel", "python", "datasonnet", "xquery", "wasm", "kotlin", "jsh", "csimple");
    private static final Set<String> URI_STEPS = Set.of("to", "wireTap", "deadLetterUri", "uri");
    private static final Pattern SIMPLE_FORBIDDEN = Pattern.compile(
            "\\$\\{\\s*(bean:|exchange|camelContext|sys\\.|sysenv|env[.:]|properties|propertiesExist|ref:|type:|"
                    + "function\\(|camelId|routeGroup|messageHistory)|\\$\\{[^}]*\\(");

    private final Policy policy;

    public RouteFence(Policy policy) {
        this.policy = policy;
    }

    /** Every problem of one routes file; none when it may be loaded. */
    public List<Problem> check(Path file) {
        List<Problem> problems = new ArrayList<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read the file: " + e.getMessage()));
            return problems;
        }
        checkPlaceholders(file, text, problems);
        try (Reader reader = new StringReader(text)) {
            for (Node document : new Compose(LoadSettings.builder().setLabel(file.toString()).build())
                    .composeAllFromReader(reader)) {
                topLevel(file, document, problems);
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            problems.add(new Problem(file, mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    "not valid YAML: " + e.getProblem()));
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(file, 1, 1, "not valid YAML: " + e.getMessage()));
        }
        return problems;
    }

    private void topLevel(Path file, Node document, List<Problem> problems) {
        if (!(document instanceof SequenceNode items)) {
            problems.add(problem(file, document, "a routes file is a YAML list of route, routeTemplate, templatedRoute "
                    + "and beans items"));
            return;
        }
        for (Node item : items.getValue()) {
            if (!(item instanceof MappingNode mapping) || mapping.getValue().size() != 1) {
                problems.add(problem(file, item, "each item of a routes file is one of " + String.join(", ",
                        sorted(TOP_LEVEL))));
                continue;
            }
            NodeTuple entry = mapping.getValue().get(0);
            String key = scalar(entry.getKeyNode());
            if (!TOP_LEVEL.contains(key)) {
                problems.add(problem(file, entry.getKeyNode(), "'" + key + "' is not allowed in a routes file: only "
                        + String.join(", ", sorted(TOP_LEVEL)) + " (docs/security.md)"));
                continue;
            }
            if (key.equals("beans")) {
                beans(file, entry.getValueNode(), problems);
            } else {
                steps(file, key, entry.getValueNode(), problems);
            }
        }
    }

    private void beans(Path file, Node beans, List<Problem> problems) {
        if (!(beans instanceof SequenceNode list)) {
            problems.add(problem(file, beans, "beans is a list of {name, type, properties}"));
            return;
        }
        for (Node bean : list.getValue()) {
            if (!(bean instanceof MappingNode mapping)) {
                problems.add(problem(file, bean, "a bean is {name, type, properties}"));
                continue;
            }
            for (NodeTuple field : mapping.getValue()) {
                String key = scalar(field.getKeyNode());
                if (BEAN_CODE.contains(key)) {
                    problems.add(problem(file, field.getKeyNode(), "bean option '" + key + "' runs code: a routes file "
                            + "may only set a bean's properties"));
                } else if (key.equals("type")) {
                    String type = scalar(field.getValueNode());
                    if (type == null || type.startsWith("#") || policy.beanTypes().stream().noneMatch(type::startsWith)) {
                        problems.add(problem(file, field.getValueNode(), "bean type '" + type + "' is not allowed: "
                                + "Sluice's own (dev.sluice.*) or those in sluice.security.allowed-bean-types"));
                    }
                } else if (key.equals("properties")) {
                    values(file, field.getValueNode(), problems);
                }
            }
        }
    }

    /** A route or template: every step, at any depth. */
    private void steps(Path file, String parentKey, Node node, List<Problem> problems) {
        if (node instanceof SequenceNode list) {
            List<Node> items = list.getValue();
            for (int i = 0; i < items.size(); i++) {
                jdbc(file, i == 0 ? null : items.get(i - 1), items.get(i), problems);
                steps(file, parentKey, items.get(i), problems);
            }
            return;
        }
        if (node instanceof ScalarNode) {
            if (URI_STEPS.contains(parentKey) || parentKey.equals("from")) {
                uri(file, node, parentKey.equals("from") ? "from" : "to", problems);
            } else {
                values(file, node, problems);
            }
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        for (NodeTuple field : mapping.getValue()) {
            String key = scalar(field.getKeyNode());
            Node value = field.getValueNode();
            if (key == null) {
                continue;
            }
            if (DYNAMIC.contains(key)) {
                problems.add(problem(file, field.getKeyNode(), "'" + key + "' sends to endpoints computed from the "
                        + "message: not allowed in a routes file"));
            } else if (SCRIPTS.contains(key)) {
                problems.add(problem(file, field.getKeyNode(), "the " + key + " language runs code: not allowed in a "
                        + "routes file (use simple, jsonpath or jq)"));
            } else if (key.equals("beanType")) {
                problems.add(problem(file, field.getKeyNode(), "beanType makes an object of any class: reference a "
                        + "bean by ref instead"));
            } else if ((key.equals("setHeader") || key.equals("removeHeader")) && value instanceof MappingNode header) {
                header(file, header, problems);
                steps(file, key, value, problems);
            } else if (key.equals("uri") && parentKey.equals("from")) {
                uri(file, value, "from", problems);
            } else if (URI_STEPS.contains(key) && value instanceof ScalarNode) {
                uri(file, value, "to", problems);
            } else {
                steps(file, key, value, problems);
            }
        }
    }

    /**
     * Camel JDBC runs the SQL in the message body: a routes file may use it only on Sluice's database
     * ({@code jdbc:sluice}) and right after a {@code setBody} with a {@code constant}, so the SQL is the file's, never
     * built from a record (values go in as bound parameters: {@code :?name} with {@code useHeadersAsParameters=true}).
     */
    private void jdbc(Path file, Node previous, Node step, List<Problem> problems) {
        Node uriNode = stepUri(step, "to");
        String uri = uriNode == null ? null : scalar(uriNode);
        if (uri == null || !uri.startsWith("jdbc:")) {
            return;
        }
        if (!uri.replaceFirst("\\?.*", "").equals("jdbc:sluice")) {
            problems.add(problem(file, uriNode, "Camel JDBC may only use Sluice's database: jdbc:sluice"));
        }
        Node body = stepValue(previous, "setBody");
        if (!(body instanceof MappingNode mapping) || mapping.getValue().stream()
                .noneMatch(field -> "constant".equals(scalar(field.getKeyNode())))) {
            problems.add(problem(file, uriNode, "'" + uri + "' runs the SQL in the body: put '- setBody: {constant: "
                    + "\"<your SQL>\"}' right before it (record values as bound parameters, :?name)"));
        }
    }

    /** The value of a step {@code - key: …}, or null when the node is another step. */
    private static Node stepValue(Node step, String key) {
        if (step instanceof MappingNode mapping && mapping.getValue().size() == 1
                && key.equals(scalar(mapping.getValue().get(0).getKeyNode()))) {
            return mapping.getValue().get(0).getValueNode();
        }
        return null;
    }

    /** The endpoint of a step {@code - to: uri} or {@code - to: {uri: …}}. */
    private static Node stepUri(Node step, String key) {
        Node value = stepValue(step, key);
        if (value instanceof MappingNode mapping) {
            return mapping.getValue().stream().filter(field -> "uri".equals(scalar(field.getKeyNode())))
                    .map(NodeTuple::getValueNode).findFirst().orElse(null);
        }
        return value instanceof ScalarNode ? value : null;
    }

    private void header(Path file, MappingNode header, List<Problem> problems) {
        for (NodeTuple field : header.getValue()) {
            if ("name".equals(scalar(field.getKeyNode()))) {
                String name = String.valueOf(scalar(field.getValueNode())).toLowerCase(Locale.ROOT);
                if (name.startsWith("camel") || name.startsWith("kafka.")) {
                    problems.add(problem(file, field.getValueNode(), "header '" + scalar(field.getValueNode())
                            + "' steers a Camel component: a routes file may not set it"));
                }
            }
        }
    }

    private void uri(Path file, Node node, String direction, List<Problem> problems) {
        String uri = scalar(node);
        if (uri == null) {
            steps(file, direction, node, problems);
            return;
        }
        values(file, node, problems);
        if (uri.contains("${")) {
            problems.add(problem(file, node, "endpoint '" + uri + "' is computed from the message: not allowed"));
            return;
        }
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? uri : uri.substring(0, colon);
        Set<String> allowed = direction.equals("from") ? policy.consumers() : policy.producers();
        if (!allowed.contains(scheme)) {
            problems.add(problem(file, node, "endpoint scheme '" + scheme + "' is not allowed to "
                    + (direction.equals("from") ? "read from" : "write to") + " (allowed: " + String.join(", ",
                            sorted(allowed)) + "; more with sluice.security.allowed-components)"));
            return;
        }
        if (scheme.equals("file")) {
            String outside = outsideFileRoots(policy.resolver().apply(SinkUris.path(uri)));
            if (outside != null) {
                problems.add(problem(file, node, outside));
            }
        }
    }

    /** True when {@code path} is under one of {@code roots}, both taken as absolute and normalized. */
    static boolean underFileRoots(String path, List<Path> roots) {
        Path dir = Path.of(path).toAbsolutePath().normalize();
        return roots.stream().anyMatch(root -> dir.startsWith(root.toAbsolutePath().normalize()));
    }

    /** Why a file pipeline may not read {@code path}, or null when it is under the file roots. */
    String outsideFileRoots(String path) {
        return underFileRoots(path, policy.fileRoots()) ? null
                : "directory " + path + " is outside the file roots " + policy.fileRoots() + " (sluice.security.file-roots)";
    }

    /** Any value: no class references, no forbidden simple functions. */
    private void values(Path file, Node node, List<Problem> problems) {
        if (node instanceof ScalarNode scalar) {
            String value = scalar.getValue();
            if (value.contains("#class:") || value.contains("#type:")) {
                problems.add(problem(file, node, "'#class:' and '#type:' make objects of any class: not allowed"));
            }
            Matcher simple = SIMPLE_FORBIDDEN.matcher(value);
            if (simple.find()) {
                problems.add(problem(file, node, "'" + simple.group() + "…' in an expression reaches beyond the record:"
                        + " not allowed (use ${body[...]}, ${header.x}, ${date:now})"));
            }
        } else if (node instanceof SequenceNode list) {
            list.getValue().forEach(child -> values(file, child, problems));
        } else if (node instanceof MappingNode mapping) {
            mapping.getValue().forEach(field -> values(file, field.getValueNode(), problems));
        }
    }

    /** Placeholders: closed, and of allowed keys only. */
    private void checkPlaceholders(Path file, String text, List<Problem> problems) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.trim().startsWith("#")) {
                continue;
            }
            int open = line.indexOf("{{");
            while (open >= 0) {
                int close = line.indexOf("}}", open);
                if (close < 0) {
                    problems.add(new Problem(file, i + 1, open + 1, "placeholder '" + line.substring(open).trim()
                            + "' is not closed with }}"));
                    break;
                }
                String key = line.substring(open + 2, close).split(":", 2)[0].trim();
                if (policy.placeholders().stream().noneMatch(key::startsWith)) {
                    problems.add(new Problem(file, i + 1, open + 1, "placeholder {{" + key + "}} is not allowed: "
                            + "sluice.* settings only (more with sluice.security.allowed-placeholders)"));
                }
                open = line.indexOf("{{", close);
            }
        }
    }

    private static Problem problem(Path file, Node node, String message) {
        Optional<Mark> mark = node.getStartMark();
        return new Problem(file, mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1),
                message);
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
