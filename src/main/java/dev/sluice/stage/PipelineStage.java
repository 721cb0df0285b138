package dev.sluice.stage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

/**
 * A custom stage written in Java: it gets one record and returns it changed, or {@code null} to drop it. Implement
 * {@link #apply}; a stage that answers later (a remote lookup) implements {@link AsyncPipelineStage} instead. Make it
 * a named CDI bean and reference it from a YAML pipeline with {@code - process: {ref: <name>}}, or add it to a Java
 * pipeline with {@code addStage}.
 *
 * <pre>
 * &#64;ApplicationScoped &#64;Named("anomalyDetector")
 * public class AnomalyDetector implements PipelineStage {
 *     public Map&lt;String, Object&gt; apply(Map&lt;String, Object&gt; record) { ... }
 * }
 * </pre>
 *
 * A stage that throws (an exception or an error such as an AssertionError) sends the record to the dead-letter queue
 * under the stage's {@link #name()}; the pipeline goes on with the next record. A dropped record counts as filtered.
 */
@FunctionalInterface
public interface PipelineStage extends AsyncProcessor {

    /** Returns the record, changed or not, or {@code null} to drop it. */
    Map<String, Object> apply(Map<String, Object> record) throws Exception;

    /** What the pipeline calls: {@link #apply}'s answer, or failure, as a completed stage. */
    default CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record) {
        try {
            return CompletableFuture.completedFuture(apply(record));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The name dead-letter entries and the stage metrics give for this stage. */
    default String name() {
        return dev.sluice.record.Names.readable(getClass(), "stage");
    }

    @Override
    default boolean process(Exchange exchange, AsyncCallback callback) {
        return StageRunner.run(this, exchange, callback);
    }

    @Override
    default void process(Exchange exchange) throws Exception {
        processAsync(exchange).get();
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    @Override
    default CompletableFuture<Exchange> processAsync(Exchange exchange) {
        CompletableFuture<Exchange> done = new CompletableFuture<>();
        process(exchange, sync -> done.complete(exchange));
        return done;
    }
}
