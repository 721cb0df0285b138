package dev.sluice.stage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.sluice.source.RecordOrigin;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

/**
 * A custom stage written in Java: it gets one record and returns it changed, or {@code null} to drop it. Implement
 * {@link #apply} for a stage that answers at once, or {@link #applyAsync} for one that answers later (a remote
 * lookup) without holding a thread. Make it a named CDI bean and reference it from a YAML pipeline with
 * {@code - process: {ref: <name>}}, or add it to a Java pipeline with {@code addStage}.
 *
 * <pre>
 * &#64;ApplicationScoped &#64;Named("anomalyDetector")
 * public class AnomalyDetector implements PipelineStage {
 *     public Map&lt;String, Object&gt; apply(Map&lt;String, Object&gt; record) { ... }
 * }
 * </pre>
 *
 * A stage that throws (or whose stage completes exceptionally) sends the record to the dead-letter queue under the
 * stage's {@link #name()}; the pipeline goes on with the next record. A dropped record counts as filtered.
 */
public interface PipelineStage extends AsyncProcessor {

    /** Returns the record, changed or not, or {@code null} to drop it. Implement this or {@link #applyAsync}. */
    default Map<String, Object> apply(Map<String, Object> record) throws Exception {
        try {
            return applyAsync(record).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Completes with the record, changed or not, or {@code null} to drop it. Implement this or {@link #apply}. */
    default CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record) {
        try {
            return CompletableFuture.completedFuture(apply(record));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The name dead-letter entries give for this stage. */
    default String name() {
        return getClass().getSimpleName();
    }

    @Override
    @SuppressWarnings("unchecked")
    default boolean process(Exchange exchange, AsyncCallback callback) {
        CompletionStage<Map<String, Object>> result;
        try {
            result = applyAsync(exchange.getIn().getMandatoryBody(Map.class));
        } catch (Exception e) {
            complete(exchange, CompletableFuture.failedFuture(e));
            callback.done(true);
            return true;
        }
        CompletableFuture<Map<String, Object>> future = result.toCompletableFuture();
        if (future.isDone()) {
            complete(exchange, future);
            callback.done(true);
            return true;
        }
        future.whenComplete((out, error) -> {
            complete(exchange, future);
            callback.done(false);
        });
        return false;
    }

    private void complete(Exchange exchange, CompletableFuture<Map<String, Object>> future) {
        String outcome;
        try {
            Map<String, Object> out = future.join();
            if (out == null) {
                exchange.setRouteStop(true);
                outcome = "filtered";
            } else {
                exchange.getIn().setBody(out);
                outcome = "out";
            }
        } catch (CompletionException e) {
            exchange.setException(new StageException(name(), e.getCause()));
            outcome = "failed";
        }
        RecordOrigin origin = RecordOrigin.of(exchange);
        if (origin != null) {
            origin.stats().stage(name(), outcome);
        }
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
