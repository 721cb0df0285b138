package dev.sluice.api;

import java.util.function.Consumer;

import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

/**
 * Where a Java pipeline reads: the ready sources of {@link Sources}, which become the same Camel endpoints and
 * steps as a YAML pipeline's, or a {@link DataSource} of your own.
 */
public abstract class Source {

    Source() {
    }

    /** The Camel endpoint the pipeline's route consumes from. */
    abstract String uri(String pipeline);

    /**
     * Adds the steps that turn what the endpoint delivers into records (a {@code RecordOrigin} body each), hands each
     * record to {@code recordSteps}, and adds what must follow.
     */
    abstract void route(RouteDefinition route, SluiceApi api, Consumer<ProcessorDefinition<?>> recordSteps);

    /** True when the source ends, so {@link Pipeline#run()} can run it to the end. */
    abstract boolean bounded();

    /** True when its reading can be paused with nothing lost (a directory, a topic), so its error budget may pause it. */
    boolean pausable() {
        return false;
    }

    /** Reads the source to its end; called by {@link Pipeline#run()} once the route runs. */
    void runToEnd(Pipeline pipeline) throws Exception {
        throw new IllegalStateException("Pipeline " + pipeline.name() + " reads an unbounded source: use start() and stop()");
    }

    /** Sets the source up for {@code pipeline}, before its route is made. */
    void prepare(Pipeline pipeline) {
    }

    /** Starts what feeds the route from outside Camel, if anything. */
    void start(Pipeline pipeline) {
    }

    /** Stops what feeds the route, after handing on what it already took. */
    void stop(Pipeline pipeline) throws InterruptedException {
    }
}
