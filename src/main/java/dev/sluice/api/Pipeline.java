package dev.sluice.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.sluice.engine.BatchAggregationStrategy;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.engine.RouteSource;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.stage.AsyncPipelineStage;
import dev.sluice.stage.ConcurrentStage;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.PipelineStage;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.jboss.logging.Logger;

/**
 * A pipeline built in Java, chainable in any order: a source, stages (filter, transform, enrich, custom), batching
 * and a sink. It runs as a Camel route of the service's Camel context, named after the pipeline, with the same
 * parse step, batching, dead-letter queue, metrics, health and delivery promise as a YAML pipeline.
 *
 * <ul>
 * <li>{@link #run()} reads a bounded source to its end and returns the run's metrics ({@link #runAsync()} does it on
 * a thread of its own);</li>
 * <li>{@link #start()} and {@link #stop()} run an unbounded source (Kafka, a stream) until stopped; {@code stop}
 * writes the open batch first.</li>
 * </ul>
 */
public final class Pipeline {

    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    /** How long a stopping pipeline waits for the records in its concurrent stages. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

    private final SluiceApi api;
    private final String name;
    private final JsonRecordParser parser = new JsonRecordParser();
    private String parserBean;
    private final List<Step> steps = new ArrayList<>();
    /** The routes after each concurrent stage, in order, and the stages themselves, while the pipeline runs. */
    private final List<String> laterRoutes = new ArrayList<>();
    private final List<ConcurrentStage> concurrentStages = new ArrayList<>();
    private Source source;
    private Sink sink;
    private int batchSize;
    private Duration window;
    private boolean running;
    private ProducerTemplate template;
    /** The pipeline's runtime, from its first run on: its figures go on over every run of this name. */
    private volatile PipelineRuntime runtime;

    Pipeline(SluiceApi api, String name) {
        this.api = api;
        this.name = name;
        this.batchSize = api.config().batch().size();
        this.window = api.config().batch().window();
    }

    public Pipeline from(Source source) {
        this.source = source;
        return this;
    }

    public Pipeline from(DataSource source) {
        return from(Sources.of(source));
    }

    /**
     * The record schema checked by the parse step that starts every pipeline: comma-separated {@code field:type}
     * lists, as for {@code JsonRecordParser} in YAML. Without it, any JSON object passes.
     */
    public Pipeline schema(String required, String optional) {
        parser.setRequired(required);
        parser.setOptional(optional);
        return this;
    }

    /**
     * Parses each record with a {@code JsonRecordParser} bean declared in a routes file (e.g. {@code
     * robotTelemetryParser}) instead of a {@link #schema}: the same schema as the YAML pipelines, written once.
     */
    public Pipeline parser(String bean) {
        this.parserBean = bean;
        return this;
    }

    /** Keeps the records that match, drops (and counts as filtered) the others. */
    public Pipeline filter(Predicate<Map<String, Object>> keep) {
        return addStage(lambda("filter", record -> keep.test(record) ? record : null));
    }

    /** Replaces each record by what {@code change} returns ({@code null} drops it). */
    public Pipeline transform(Function<Map<String, Object>, Map<String, Object>> change) {
        return addStage(lambda("transform", change));
    }

    /** Adds to each record the fields {@code fields} computes for it. */
    public Pipeline enrich(Function<Map<String, Object>, Map<String, ?>> fields) {
        return addStage(lambda("enrich", record -> {
            record.putAll(fields.apply(record));
            return record;
        }));
    }

    /** A custom stage, the same interface YAML pipelines use. */
    public Pipeline addStage(PipelineStage stage) {
        steps.add(new Step(definition -> definition.process(stage), null, 0));
        return this;
    }

    /**
     * An asynchronous stage working on up to {@code concurrency} records at once, without a thread each: for a
     * lookup that answers later. Records leave the stage in the order they entered it (so the order per key and per
     * partition is kept); when {@code concurrency} records are in it, the source waits.
     */
    public Pipeline addStage(AsyncPipelineStage stage, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("Stage " + stage.name() + ": concurrency must be at least 1, not "
                    + concurrency);
        }
        steps.add(new Step(null, stage, concurrency));
        return this;
    }

    /** Runs the records through a Camel endpoint, such as the YAML stages {@code direct:robot-telemetry-stages}. */
    public Pipeline via(String endpointUri) {
        steps.add(new Step(definition -> definition.to(endpointUri), null, 0));
        return this;
    }

    /**
     * Batches of {@code size} records, each written at most {@code window} after its first record arrived (default:
     * {@code sluice.batch.size} and {@code sluice.batch.window}).
     */
    public Pipeline batch(int size, Duration window) {
        this.batchSize = size;
        this.window = window;
        return this;
    }

    public Pipeline to(Sink sink) {
        this.sink = sink;
        return this;
    }

    public Pipeline to(DataSink sink) {
        return to(Sinks.of(sink));
    }

    public String name() {
        return name;
    }

    /** Reads a bounded source to its end, writes the last batch, and returns what the run did. */
    public RunMetrics run() throws Exception {
        if (source == null || !source.bounded()) {
            throw new IllegalStateException("Pipeline " + name + " needs a bounded source for run(): files or a "
                    + "DataSource; use start() and stop() for Kafka and streams");
        }
        long started = System.nanoTime();
        open();
        PipelineStats stats = stats();
        long processed = stats.recordsProcessed();
        long filtered = stats.recordsFiltered();
        long errors = stats.errors();
        String ended = "Failed";
        try {
            source.runToEnd(this);
            ended = "Finished";
        } finally {
            close(ended);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long written = stats.recordsProcessed() - processed;
        return new RunMetrics(written, stats.recordsFiltered() - filtered, stats.errors() - errors, seconds,
                seconds == 0 ? 0 : written / seconds);
    }

    /** {@link #run()} on a thread of its own. */
    public CompletionStage<RunMetrics> runAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, task -> new Thread(task, "Sluice run " + name).start());
    }

    /** Starts the pipeline; it runs until {@link #stop()}. */
    public synchronized void start() throws Exception {
        open();
        source.start(this);
    }

    /** Stops taking records, writes the open batch, acknowledges what was written, and removes the pipeline. */
    public synchronized void stop() throws Exception {
        if (running) {
            source.stop(this);
            close("Stopped");
        }
    }

    private synchronized void open() throws Exception {
        if (source == null || sink == null) {
            throw new IllegalStateException("Pipeline " + name + " needs a source and a sink");
        }
        source.prepare(this);
        runtime = api.started(this, new RouteSource(api.camel(), name, source.pausable(), source.uri(name)));
        try {
            template = api.camel().createProducerTemplate();
            api.camel().addRoutes(new RouteBuilder(api.camel()) {
                @Override
                public void configure() {
                    RouteDefinition route = from(source.uri(name)).routeId(name);
                    source.route(route, api, records -> {
                        if (parserBean != null) {
                            records.process(parserBean);
                        } else {
                            records.process(parser);
                        }
                        ProcessorDefinition<?> current = records;
                        for (Step step : steps) {
                            current = step.async == null ? step.addTo(current) : concurrent(step, current);
                        }
                        ProcessorDefinition<?> batches = current.aggregate(constant(name))
                                .aggregationStrategy(BatchAggregationStrategy.NAME).completionSize(batchSize)
                                .completionTimeout(window.toMillis());
                        sink.addTo(batches, api);
                        batches.end();
                    });
                }

                /** Ends the record path of this route at the stage; the path goes on in a route of its own. */
                private ProcessorDefinition<?> concurrent(Step step, ProcessorDefinition<?> current) {
                    String after = name + "-concurrent-" + (laterRoutes.size() + 1);
                    Endpoint next = getContext().getEndpoint("direct:" + after);
                    ProducerTemplate sender = template; // this run's: a later run has its own
                    ConcurrentStage stage = new ConcurrentStage(step.async, step.concurrency,
                            exchange -> sender.send(next, exchange));
                    current.process(stage);
                    laterRoutes.add(after);
                    concurrentStages.add(stage);
                    return from(next).routeId(after).process(ConcurrentStage::rethrowFailure);
                }
            });
        } catch (Exception e) {
            laterRoutes.clear();
            concurrentStages.forEach(ConcurrentStage::close);
            concurrentStages.clear();
            if (template != null) {
                template.close();
            }
            api.stopped(this, "Failed");
            throw e;
        }
        running = true;
    }

    private synchronized void close(String ended) throws Exception {
        running = false;
        try {
            api.camel().getRouteController().stopRoute(name);
            api.camel().removeRoute(name);
            for (ConcurrentStage stage : concurrentStages) {
                if (!stage.awaitEmpty(LEAVE_TIMEOUT)) {
                    LOG.warnf("Pipeline %s stopped with records still in stage %s: they are read again", name,
                            stage.name());
                }
                stage.close();
            }
            for (String later : laterRoutes) {
                api.camel().getRouteController().stopRoute(later);
                api.camel().removeRoute(later);
            }
        } finally {
            laterRoutes.clear();
            concurrentStages.clear();
            template.close();
            api.stopped(this, ended);
        }
    }

    /** The pipeline's figures so far (the seed's five): since the service started, over every run of this name. */
    public RunMetrics metrics() {
        if (runtime == null) {
            return new RunMetrics(0, 0, 0, 0, 0);
        }
        PipelineStats stats = stats();
        return new RunMetrics(stats.recordsProcessed(), stats.recordsFiltered(), stats.errors(), stats.durationSeconds(),
                stats.throughput());
    }

    PipelineStats stats() {
        return runtime.stats();
    }

    PipelineRuntime runtime() {
        return runtime;
    }

    SluiceApi api() {
        return api;
    }

    private PipelineStage lambda(String kind, Function<Map<String, Object>, Map<String, Object>> function) {
        String stageName = kind + "#" + (steps.size() + 1);
        return new PipelineStage() {
            @Override
            public Map<String, Object> apply(Map<String, Object> record) {
                return function.apply(record);
            }

            @Override
            public String name() {
                return stageName;
            }
        };
    }

    /** A step of the record path: Camel steps added in place, or a concurrent stage that ends its route. */
    private record Step(Consumer<ProcessorDefinition<?>> inline, AsyncPipelineStage async, int concurrency) {
        ProcessorDefinition<?> addTo(ProcessorDefinition<?> definition) {
            inline.accept(definition);
            return definition;
        }
    }
}
