package dev.sluice.api;

import java.util.Optional;

import dev.sluice.config.SluiceConfig;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.runtime.PipelineSource;
import dev.sluice.sink.SinkWriters;
import dev.sluice.source.AwaitSettled;
import dev.sluice.source.KafkaRecords;
import dev.sluice.source.RecordFeed;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * The entry to Sluice's Java API, as a CDI bean: inject it and build pipelines and stream processors. They run as
 * Camel routes in the service's Camel context, with the same stages, batching, metrics, health and delivery promise
 * as the YAML pipelines.
 *
 * <pre>
 * &#64;Inject SluiceApi sluice;
 *
 * RunMetrics metrics = sluice.pipeline("robot-etl")
 *         .from(Sources.jsonLines(Path.of("data/in")))
 *         .filter(r -&gt; "active".equals(r.get("status")))
 *         .batch(500, Duration.ofSeconds(1))
 *         .to(Sinks.jdbc("robot_telemetry"))
 *         .run();
 * </pre>
 */
@ApplicationScoped
public class SluiceApi {

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final PipelineRuntimes runtimes;
    private final SluiceConfig config;
    private final SinkWriters sinkWriters;
    private final AwaitSettled awaitSettled;
    private final KafkaRecords kafkaRecords;

    public SluiceApi(CamelContext camel, PipelineRuntimes runtimes, SluiceConfig config, SinkWriters sinkWriters,
            AwaitSettled awaitSettled, KafkaRecords kafkaRecords) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.runtimes = runtimes;
        this.config = config;
        this.sinkWriters = sinkWriters;
        this.awaitSettled = awaitSettled;
        this.kafkaRecords = kafkaRecords;
    }

    /** A new pipeline; its name is its route id, its name in /pipelines and in the metrics. */
    public Pipeline pipeline(String name) {
        return new Pipeline(this, name);
    }

    /** A new stream processor, to configure and {@code build()}. */
    public StreamProcessor.Builder streamProcessor(String name) {
        return new StreamProcessor.Builder(this, name);
    }

    /** The running Java pipeline of that name. */
    public Optional<Pipeline> running(String name) {
        return runtimes.find(name).flatMap(runtime -> runtime.part(Pipeline.class));
    }

    /**
     * The pipeline's runtime as it starts: a new one, or the one of an earlier run of this name (its figures go on);
     * refused while a pipeline of that name runs, YAML or Java.
     */
    PipelineRuntime started(Pipeline pipeline, PipelineSource source) {
        // only a Java pipeline that ended is taken over, never a running one nor a routes file's
        PipelineRuntime runtime = runtimes.open(pipeline.name(), source, existing -> existing.endedStatus() != null);
        runtime.attach(Pipeline.class, pipeline);
        return runtime;
    }

    /** The pipeline is no route any more: it stays listed, ended {@code how}, with its figures. */
    void stopped(Pipeline pipeline, String how) {
        runtimes.find(pipeline.name()).ifPresent(runtime -> {
            runtime.detach(Pipeline.class, pipeline);
            runtime.ended(how);
        });
    }

    /** The feed that hands records given by Java code or HTTP to a pipeline's route. */
    RecordFeed feed(String pipeline, String uri, int capacity) {
        return new RecordFeed(runtimes.get(pipeline), uri, producer, capacity);
    }

    CamelContext camel() {
        return camel;
    }

    SluiceConfig config() {
        return config;
    }

    SinkWriters sinkWriters() {
        return sinkWriters;
    }

    AwaitSettled awaitSettled() {
        return awaitSettled;
    }

    KafkaRecords kafkaRecords() {
        return kafkaRecords;
    }
}
