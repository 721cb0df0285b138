package dev.sluice.stage;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.sluice.record.FatalError;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.StageException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * Runs a {@link PipelineStage} on one record's exchange: the answer becomes the body, {@code null} stops the record
 * (filtered), and anything the stage throws, an {@link Error} included, fails the record with a
 * {@link StageException} naming the stage, which sends it to the dead-letter queue. Counts each outcome.
 */
final class StageRunner {

    private StageRunner() {
    }

    static boolean run(PipelineStage stage, Exchange exchange, AsyncCallback callback) {
        CompletableFuture<Map<String, Object>> future = start(stage, exchange);
        if (future.isDone()) {
            complete(stage, exchange, future);
            callback.done(true);
            return true;
        }
        CompletableFuture<Map<String, Object>> pending = future;
        pending.whenComplete((out, error) -> {
            complete(stage, exchange, pending);
            callback.done(false);
        });
        return false;
    }

    /** Calls the stage on the exchange's record: its answer to come, or its failure, whatever it threw. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<Map<String, Object>> start(PipelineStage stage, Exchange exchange) {
        try {
            CompletionStage<Map<String, Object>> result = stage.applyAsync(exchange.getIn().getMandatoryBody(Map.class));
            return result == null ? CompletableFuture.failedFuture(new NullPointerException(
                    "applyAsync returned null instead of a CompletionStage")) : result.toCompletableFuture();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A record the stage failed is dead-lettered; one it ran out of memory on stops the pipeline, and is read again. */
    private static Exception failure(PipelineStage stage, Exchange exchange, Throwable error) {
        if (!FatalError.isFatal(error)) {
            return new StageException(stage.name(), error);
        }
        RecordOrigin origin = RecordOrigin.of(exchange);
        if (origin != null) {
            origin.stats().fatal("stage " + stage.name(), error);
        }
        return new FatalError("stage " + stage.name(), error);
    }

    /** Applies the stage's answer to the exchange: the new body, a stop (dropped), or a {@link StageException}. */
    static void complete(PipelineStage stage, Exchange exchange, CompletableFuture<Map<String, Object>> future) {
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
            exchange.setException(failure(stage, exchange, e.getCause()));
            outcome = "failed";
        } catch (CancellationException e) {
            exchange.setException(new StageException(stage.name(), e));
            outcome = "failed";
        }
        RecordOrigin origin = RecordOrigin.of(exchange);
        if (origin != null) {
            origin.stats().stage(stage.name(), outcome);
        }
    }
}
