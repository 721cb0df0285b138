package dev.sluice.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.sluice.stage.JsonRecordParser;
import org.apache.camel.CamelContext;
import org.apache.camel.LineNumberAware;
import org.apache.camel.model.AggregateDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.language.MethodCallExpression;

/**
 * The rules a pipeline written in YAML must follow for the delivery promise to hold (docs/pipelines.md, "Rules"),
 * checked once every routes file is loaded and before any route starts. Each broken rule is one {@link Problem} with
 * the file and line of the step at fault. Sluice's own templates follow them; a hand-written route is held to them.
 * <ul>
 * <li>{@code file-split}: a route from {@code file:} splits each file with {@code method: {ref: jsonLines, method:
 * split}} and {@code streaming: true} (a file of any size, in bounded memory, each line acknowledged);</li>
 * <li>{@code file-await}: it ends with {@code process: {ref: awaitSettled}}, after the split: without it the file is
 * moved to done while its last batch is still open, and a crash then loses that batch;</li>
 * <li>{@code kafka-records}: a route from {@code kafka:} starts with {@code process: {ref: kafkaRecords}}, which
 * tracks each record's offset so that only settled records are committed;</li>
 * <li>{@code parse-first}: the first step a record meets (inside the split, after kafkaRecords) parses it: a
 * {@code process} of a {@link JsonRecordParser} bean, or a {@code to: direct:…} whose route starts with one;</li>
 * <li>{@code sink-in-batch}: {@code sluice-table:} and {@code sluice-topic:} are written to only inside an
 * {@code aggregate} with {@code aggregationStrategy: batch}, whose writer settles each record;</li>
 * <li>{@code batch-in-split}: a file route's batch aggregate is inside its split (after it, a batch would hold
 * whole files, not records).</li>
 * </ul>
 */
final class PipelineRules {

    /** One broken rule: where, which, and why. */
    record Problem(String location, String rule, String message) {
        @Override
        public String toString() {
            return location + ": [" + rule + "] " + message;
        }
    }

    private final CamelContext camel;
    private final Map<String, RouteDefinition> byDirect = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    /** The route being checked: when a template made it, its steps still hold the parameters' {{name}}. */
    private RouteDefinition route;

    private final List<Path> files;

    private PipelineRules(CamelContext camel, List<Path> files) {
        this.camel = camel;
        this.files = files;
    }

    /**
     * The problems of every route loaded from a routes file or made from a template by one of them (Java-built routes
     * are Sluice's own). {@code files} are the routes files, where a templated route's line is found: Camel keeps
     * none for it.
     */
    static List<Problem> check(CamelContext camel, List<Path> files) {
        PipelineRules rules = new PipelineRules(camel, files);
        List<RouteDefinition> routes = camel.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteDefinitions();
        for (RouteDefinition route : routes) {
            String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
            if (uri != null && uri.startsWith("direct:")) {
                rules.byDirect.put(endpointName(uri), route);
            }
        }
        for (RouteDefinition route : routes) {
            if (route.getResource() != null || route.getTemplateParameters() != null) {
                rules.check(route);
            }
        }
        return List.copyOf(rules.problems);
    }

    private void check(RouteDefinition route) {
        this.route = route;
        String uri = resolve(route.getInput() == null ? "" : route.getInput().getEndpointUri());
        List<ProcessorDefinition<?>> steps = steps(route.getOutputs());
        if (uri.startsWith("file:")) {
            checkFileRoute(route, steps);
        } else if (uri.startsWith("kafka:")) {
            if (steps.isEmpty() || !isProcess(steps.get(0), "kafkaRecords")) {
                problem(steps.isEmpty() ? route : steps.get(0), "kafka-records", "route " + route.getRouteId()
                        + " reads Kafka: its first step must be '- process: {ref: kafkaRecords}', which commits only "
                        + "the offsets of settled records");
            } else {
                checkParseFirst(route, steps, 1);
            }
            checkSinks(steps, false);
        } else {
            checkSinks(steps, false);
        }
    }

    private void checkFileRoute(RouteDefinition route, List<ProcessorDefinition<?>> steps) {
        SplitDefinition split = steps.stream().filter(SplitDefinition.class::isInstance).map(SplitDefinition.class::cast)
                .findFirst().orElse(null);
        if (split == null || !splitsJsonLines(split)) {
            problem(split == null ? route : split, "file-split", "route " + route.getRouteId() + " reads files: it "
                    + "must split each file with '- split: {streaming: true, method: {ref: jsonLines, method: split}}'");
        } else {
            if (!"true".equals(split.getStreaming())) {
                problem(split, "file-split", "the split of route " + route.getRouteId()
                        + " must have 'streaming: true': else the whole file is held in memory");
            }
            checkParseFirst(route, steps(split.getOutputs()), 0);
            checkSinks(steps(split.getOutputs()), false);
        }
        ProcessorDefinition<?> last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last == null || !isProcess(last, "awaitSettled")) {
            problem(last == null ? route : last, "file-await", "route " + route.getRouteId() + " reads files: its "
                    + "last step, after the split, must be '- process: {ref: awaitSettled}'; without it a file is "
                    + "moved to done while its last batch is still open, and a crash then loses that batch");
        }
        for (ProcessorDefinition<?> step : steps) {
            if (step != split) {
                if (step instanceof AggregateDefinition aggregate && PipelineDefinitions.usesBatchStrategy(aggregate)) {
                    problem(step, "batch-in-split", "the batch aggregate of route " + route.getRouteId()
                            + " must be inside the split: move this '- aggregate:' into the split's steps (here it would batch "
                            + "whole files, not records)");
                } else {
                    checkSinks(List.of(step), false);
                }
            }
        }
    }

    private void checkParseFirst(RouteDefinition route, List<ProcessorDefinition<?>> steps, int index) {
        ProcessorDefinition<?> first = index < steps.size() ? steps.get(index) : null;
        if (first == null || !parses(first, 0)) {
            problem(first == null ? route : first, "parse-first", "in route " + route.getRouteId() + " the first step "
                    + "a record meets must parse it: '- process: {ref: <a dev.sluice.stage.JsonRecordParser bean>}', "
                    + "or a '- to: direct:…' whose route starts with one");
        }
    }

    private boolean parses(ProcessorDefinition<?> step, int depth) {
        if (step instanceof ProcessDefinition process && process.getRef() != null) {
            Object bean = camel.getRegistry().lookupByName(beanName(resolve(process.getRef())));
            return bean instanceof JsonRecordParser;
        }
        String uri = step instanceof ToDefinition to && to.getUri() != null ? resolve(to.getUri()) : "";
        if (uri.startsWith("direct:") && depth < 5) {
            RouteDefinition target = byDirect.get(endpointName(uri));
            List<ProcessorDefinition<?>> targetSteps = target == null ? List.of() : steps(target.getOutputs());
            return !targetSteps.isEmpty() && parses(targetSteps.get(0), depth + 1);
        }
        return false;
    }

    /** Sinks outside a batch aggregate, anywhere below {@code steps}. */
    private void checkSinks(List<ProcessorDefinition<?>> steps, boolean inBatch) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof ToDefinition to && !inBatch && isSink(resolve(to.getUri()))) {
                problem(step, "sink-in-batch", "'" + resolve(to.getUri()) + "' is a sink: write to it only inside an "
                        + "'- aggregate:' with 'aggregationStrategy: batch', whose writer settles each record");
            }
            boolean batch = inBatch || step instanceof AggregateDefinition aggregate && PipelineDefinitions.usesBatchStrategy(aggregate);
            checkSinks(step.getOutputs(), batch);
        }
    }

    /** The steps as written: without the error handling a route configuration adds in front. */
    private static List<ProcessorDefinition<?>> steps(List<ProcessorDefinition<?>> outputs) {
        return outputs.stream().filter(step -> !step.isAbstract()).toList();
    }

    private static boolean isSink(String uri) {
        return uri != null && (uri.startsWith("sluice-table:") || uri.startsWith("sluice-topic:"));
    }

    private boolean splitsJsonLines(ExpressionNode split) {
        return split.getExpression() instanceof MethodCallExpression method && method.getRef() != null
                && beanName(resolve(method.getRef())).equals("jsonLines")
                && Optional.ofNullable(method.getMethod()).orElse("split").equals("split");
    }

    private boolean isProcess(ProcessorDefinition<?> step, String bean) {
        return step instanceof ProcessDefinition process && process.getRef() != null
                && beanName(resolve(process.getRef())).equals(bean);
    }

    private String resolve(String value) {
        return PipelineDefinitions.templateParameters(route, value);
    }

    private static String beanName(String ref) {
        return ref.replaceFirst("^#(bean:)?", "");
    }

    private static String endpointName(String uri) {
        return uri.replaceFirst("^direct:(//)?", "").replaceFirst("\\?.*", "");
    }

    private void problem(LineNumberAware at, String rule, String message) {
        String location;
        if (route.getTemplateParameters() != null) {
            location = templatedRouteLocation(route.getRouteId());
            message = "templated route " + route.getRouteId() + " (" + route.getTemplateParameters().size()
                    + " parameters): " + message;
        } else {
            location = at.getLocation() == null ? "?" : at.getLocation().replaceFirst("^file:", "")
                    + (at.getLineNumber() > 0 ? ":" + at.getLineNumber() : "");
        }
        problems.add(new Problem(location, rule, message));
    }

    private String templatedRouteLocation(String id) {
        return templatedRouteLocation(files, id);
    }

    /** The file and line of the {@code - templatedRoute:} whose routeId is {@code id}. */
    static String templatedRouteLocation(List<Path> files, String id) {
        Pattern routeId = Pattern.compile("^\\s*routeId:\\s*[\"']?" + Pattern.quote(id) + "[\"']?\\s*(#.*)?$");
        for (Path file : files) {
            try {
                List<String> lines = Files.readAllLines(file);
                int templated = -1;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches("^\\s*-\\s*templatedRoute:\\s*$")) {
                        templated = i;
                    } else if (templated >= 0 && routeId.matcher(lines.get(i)).matches()) {
                        return file + ":" + (templated + 1);
                    }
                }
            } catch (IOException e) {
                // not readable now: the route is still named
            }
        }
        return "route " + id;
    }
}
