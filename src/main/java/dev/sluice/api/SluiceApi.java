package dev.sluice.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.sink.SinkWriters;
import dev.sluice.source.AwaitSettled;
import dev.sluice.source.FileFailures;
import dev.sluice.source.HttpSpools;
import dev.sluice.source.KafkaRecords;
import dev.sluice.source.RecordFeed;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.health.Readiness;

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
    private final PipelineMetrics metrics;
    private final SluiceConfig config;
    private final SinkWriters sinkWriters;
    private final DependencyHealth health;
    private final FileFailures fileFailures;
    private final AwaitSettled awaitSettled;
    private final KafkaRecords kafkaRecords;
    private final HttpSpools spools;
    private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();

    public SluiceApi(CamelContext camel, PipelineMetrics metrics, SluiceConfig config, SinkWriters sinkWriters,
            @Readiness DependencyHealth health, FileFailures fileFailures, AwaitSettled awaitSettled,
            KafkaRecords kafkaRecords, HttpSpools spools) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.metrics = metrics;
        this.config = config;
        this.sinkWriters = sinkWriters;
        this.health = health;
        this.fileFailures = fileFailures;
        this.awaitSettled = awaitSettled;
        this.kafkaRecords = kafkaRecords;
        this.spools = spools;
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
        return Optional.ofNullable(pipelines.get(name));
    }

    void started(Pipeline pipeline) {
        if (pipelines.putIfAbsent(pipeline.name(), pipeline) != null) {
            throw new IllegalStateException("A pipeline named " + pipeline.name() + " is running already");
        }
    }

    void stopped(Pipeline pipeline) {
        pipelines.remove(pipeline.name(), pipeline);
    }

    /** The feed that hands records given by Java code or HTTP to a pipeline's route. */
    RecordFeed feed(String pipeline, String uri, int capacity) {
        return new RecordFeed(pipeline, uri, producer, health, capacity);
    }

    CamelContext camel() {
        return camel;
    }

    PipelineMetrics metrics() {
        return metrics;
    }

    SluiceConfig config() {
        return config;
    }

    SinkWriters sinkWriters() {
        return sinkWriters;
    }

    FileFailures fileFailures() {
        return fileFailures;
    }

    AwaitSettled awaitSettled() {
        return awaitSettled;
    }

    KafkaRecords kafkaRecords() {
        return kafkaRecords;
    }

    HttpSpools spools() {
        return spools;
    }
}
