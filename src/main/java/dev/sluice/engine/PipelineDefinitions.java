package dev.sluice.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import dev.sluice.config.SluiceConfig;
import dev.sluice.source.FileConsumerOptions;
import java.util.ArrayList;
import org.apache.camel.model.AggregateDefinition;
import org.apache.camel.model.language.ConstantExpression;
import org.apache.camel.model.language.SimpleExpression;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.quarkus.main.events.BeforeConfigure;

/**
 * Completes every pipeline as its route is added (YAML or Java): a route that reads files gets the file consumer
 * options every file pipeline shares ({@link FileConsumerOptions}); every {@code aggregate} step that uses the
 * {@code batch} strategy is completed, so a pipeline author writes only the batch size and window and still gets
 * batching that loses nothing:
 * <ul>
 * <li>each aggregator gets a writer thread with room for one waiting batch ({@link BatchWriter}): batches are
 * written in order, and memory stays bounded;</li>
 * <li>the completion timeout becomes a window from the batch's first record ({@link BatchWindow}), checked every
 * 100 ms;</li>
 * <li>the completion size counts records, not exchanges (a template's exchange brings a chunk of records);</li>
 * <li>a batch also closes when its records reach {@code sluice.pipelines.<route>.batch-bytes} (default
 * {@code sluice.batch.bytes}) bytes, and when its source has nothing more ready ({@code sluice.batch.flush-on-idle},
 * {@link BatchCompletion});</li>
 * <li>open batches are written when the pipeline stops ({@code forceCompletionOnStop});</li>
 * <li>options that discard records by design are refused, so such a route fails to start.</li>
 * </ul>
 */
@ApplicationScoped
public class PipelineDefinitions implements ModelLifecycleStrategy {

    static final long TIMEOUT_CHECK_MILLIS = 100;

    private final SluiceConfig config;

    public PipelineDefinitions(SluiceConfig config) {
        this.config = config;
    }

    /** Camel Main is about to load the routes: watch them being added. */
    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().getCamelContextExtension().getContextPlugin(Model.class).addModelLifecycleStrategy(this);
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        config.fixturesDir().ifPresent(dir -> readFixtures(route, dir));
        FromDefinition from = route.getInput();
        if (from != null && from.getUri() != null && from.getUri().startsWith("file:")) {
            from.setUri(FileConsumerOptions.complete(from.getUri(), route.getRouteId()));
        }
        complete(route.getOutputs(), route);
    }

    /**
     * Under the fixture tests ({@code sluice.fixtures-dir}), a pipeline from a routes file reads its records from
     * {@code <dir>/<pipeline>/} instead of its source: a file pipeline as it is, a Kafka pipeline as the file pipeline
     * it would be (its steps after {@code kafkaRecords} inside the split), always started.
     */
    private static void readFixtures(RouteDefinition route, Path dir) {
        String from = route.getInput() == null ? "" : templateParameters(route, route.getInput().getUri());
        if (route.getResource() == null && route.getTemplateParameters() == null
                || !(from.startsWith("file:") || from.startsWith("kafka:"))) {
            return;
        }
        route.getInput().setUri("file:" + dir.resolve(route.getRouteId()).toAbsolutePath());
        route.setAutoStartup("true");
        if (from.startsWith("kafka:")) {
            List<ProcessorDefinition<?>> steps = new ArrayList<>(route.getOutputs());
            SplitDefinition split = new SplitDefinition();
            MethodCallExpression lines = new MethodCallExpression();
            lines.setRef("jsonLines");
            lines.setMethod("split");
            split.setExpression(lines);
            split.setStreaming("true");
            route.getOutputs().clear();
            boolean records = false;
            for (ProcessorDefinition<?> step : steps) {
                if (step.isAbstract()) {
                    route.getOutputs().add(step);
                } else if (records) {
                    split.addOutput(step);
                } else {
                    records = step instanceof ProcessDefinition process && process.getRef() != null
                            && process.getRef().replaceFirst("^#(bean:)?", "").equals("kafkaRecords");
                    if (!records) {
                        split.addOutput(step);
                    }
                }
            }
            route.addOutput(split);
            ProcessDefinition settled = new ProcessDefinition();
            settled.setRef("awaitSettled");
            route.addOutput(settled);
        }
    }

    /** {@code value} with the parameters of the template that made the route in place of their {@code {{name}}}. */
    static String templateParameters(RouteDefinition route, String value) {
        Map<String, Object> parameters = route.getTemplateParameters();
        if (value == null || parameters == null || !value.contains("{{")) {
            return value;
        }
        String resolved = value;
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            resolved = resolved.replace("{{" + parameter.getKey() + "}}", String.valueOf(parameter.getValue()));
        }
        return resolved;
    }

    private void complete(List<ProcessorDefinition<?>> outputs, RouteDefinition route) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof AggregateDefinition aggregate && usesBatchStrategy(aggregate)) {
                completeBatch(aggregate, route);
            }
            complete(output.getOutputs(), route);
        }
    }

    static boolean usesBatchStrategy(AggregateDefinition aggregate) {
        String ref = aggregate.getAggregationStrategy();
        return aggregate.getAggregationStrategyBean() instanceof BatchAggregationStrategy
                || ref != null && ref.replaceFirst("^#(bean:)?", "").equals(BatchAggregationStrategy.NAME);
    }

    private void completeBatch(AggregateDefinition aggregate, RouteDefinition route) {
        String routeId = route.getRouteId();
        refuse(aggregate.getDiscardOnCompletionTimeout(), "discardOnCompletionTimeout", routeId);
        refuse(aggregate.getDiscardOnAggregationFailure(), "discardOnAggregationFailure", routeId);
        refuse(aggregate.getIgnoreInvalidCorrelationKeys(), "ignoreInvalidCorrelationKeys", routeId);
        if (aggregate.getExecutorService() == null && aggregate.getExecutorServiceBean() == null) {
            aggregate.executorService(new BatchWriter(routeId));
        }
        if (aggregate.getCompletionTimeout() != null && aggregate.getCompletionTimeoutExpression() == null) {
            aggregate.completionTimeout(new BatchWindow(templateParameters(route, aggregate.getCompletionTimeout())));
            if (aggregate.getCompletionTimeoutCheckerInterval() == null) {
                aggregate.completionTimeoutCheckerInterval(TIMEOUT_CHECK_MILLIS);
            }
        }
        if (aggregate.getForceCompletionOnStop() == null) {
            aggregate.forceCompletionOnStop();
        }
        if (readsKafka(route) && aggregate.getExpression() instanceof ConstantExpression) {
            // one batch per consumer thread (consumersCount): a batch shared by threads could reach the writer out of
            // the order it closed in, and a partition's records be written out of order. The reifier reads
            // getExpression(), which the Java DSL sets apart from the correlation element: both change
            SimpleExpression perThread = new SimpleExpression("${threadName}");
            aggregate.setExpression(perThread);
            if (aggregate.getCorrelationExpression() != null) {
                aggregate.getCorrelationExpression().setExpressionType(perThread);
            }
        }
        if (aggregate.getCompletionPredicate() == null) {
            // the size counts records, not the exchanges that bring them (chunks of records in a template)
            String size = templateParameters(route, aggregate.getCompletionSize());
            aggregate.setCompletionSize(null);
            aggregate.completionPredicate(new BatchCompletion(size, batchBytes(route), config.batch().flushOnIdle()));
        }
    }

    private static boolean readsKafka(RouteDefinition route) {
        String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
        return uri != null && templateParameters(route, uri).startsWith("kafka:");
    }

    /**
     * The template's {@code batchBytes}, else {@code sluice.pipelines.<route>.batch-bytes}, else
     * {@code sluice.batch.bytes}.
     */
    private long batchBytes(RouteDefinition route) {
        Object templated = route.getTemplateParameters() == null ? null : route.getTemplateParameters().get("batchBytes");
        String own = templated != null && !templated.toString().isBlank()
                ? templated.toString()
                : config.pipelines().getOrDefault(route.getRouteId(), Map.of()).get("batch-bytes");
        return own != null ? Long.parseLong(own.trim()) : config.batch().bytes();
    }

    private static void refuse(String option, String name, String routeId) {
        if (option != null && !"false".equals(option)) {
            throw new IllegalArgumentException("Route " + routeId + ": aggregate option " + name
                    + " drops records, Sluice refuses it");
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition routeDefinition) {
        // Camel also calls this with null when it clears definitions it has already started
        if (routeDefinition != null) {
            shutdownWriters(routeDefinition.getOutputs());
        }
    }

    /** Stops the writers this class gave the batch steps of a route that is removed (a reload, or shutdown). */
    private static void shutdownWriters(List<ProcessorDefinition<?>> outputs) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof AggregateDefinition aggregate
                    && aggregate.getExecutorServiceBean() instanceof BatchWriter writer) {
                writer.shutdown();
            }
            shutdownWriters(output.getOutputs());
        }
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition routeTemplateDefinition) {
        // templates are completed when a route is made from them
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition routeTemplateDefinition) {
        // nothing kept per template
    }
}
