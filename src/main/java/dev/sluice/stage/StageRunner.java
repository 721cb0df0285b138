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
 * Runs a {@link PipelineStage} on one record, on its exchange or as the compiled stages call it: the answer is the
 * record that goes on, {@code null} drops the record (filtered), and anything the stage throws, an {@link Error}
 * included, fails the record with a {@link StageException} naming the stage, which sends it to the dead-letter
 * queue. Counts each outcome.
 */
public final class StageRunner {

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

    /**
     * Calls the stage on one record and waits for its answer: the record that goes on, or null when the stage dropped
     * it; a {@link StageException} when it failed the record, a {@link FatalError} when it ran out of memory.
     */
    public static Map<String, Object> apply(PipelineStage stage, Map<String, Object> record, RecordOrigin origin)
            throws StageException, FatalError {
        Outcome outcome = outcome(stage, origin, start(stage, record));
        if (outcome.failure() instanceof StageException failed) {
            throw failed;
        }
        if (outcome.failure() != null) {
            throw (FatalError) outcome.failure();
        }
        return outcome.record();
    }

    /** Calls the stage on the exchange's record: its answer to come, or its failure, whatever it threw. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<Map<String, Object>> start(PipelineStage stage, Exchange exchange) {
        try {
            return start(stage, exchange.getIn().getMandatoryBody(Map.class));
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Map<String, Object>> start(PipelineStage stage, Map<String, Object> record) {
        try {
            CompletionStage<Map<String, Object>> result = stage.applyAsync(record);
            return result == null ? CompletableFuture.failedFuture(new NullPointerException(
                    "applyAsync returned null instead of a CompletionStage")) : result.toCompletableFuture();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A record the stage failed is dead-lettered; one it ran out of memory on stops the pipeline, and is read again. */
    private static Exception failure(PipelineStage stage, RecordOrigin origin, Throwable error) {
        if (!FatalError.isFatal(error)) {
            return new StageException(stage.name(), error);
        }
        if (origin != null) {
            origin.stats().fatal("stage " + stage.name(), error);
        }
        return new FatalError("stage " + stage.name(), error);
    }

    /** What the stage answered: the record that goes on, null for a drop, or the failure. */
    private record Outcome(Map<String, Object> record, Exception failure) {
    }

    /** Waits for the stage's answer and counts it. */
    private static Outcome outcome(PipelineStage stage, RecordOrigin origin,
            CompletableFuture<Map<String, Object>> future) {
        Outcome outcome;
        String counted;
        try {
            Map<String, Object> out = future.join();
            outcome = new Outcome(out, null);
            counted = out == null ? "filtered" : "out";
        } catch (CompletionException e) {
            outcome = new Outcome(null, failure(stage, origin, e.getCause()));
            counted = "failed";
        } catch (CancellationException e) {
            outcome = new Outcome(null, new StageException(stage.name(), e));
            counted = "failed";
        }
        if (origin != null) {
            origin.stats().stage(stage.name(), counted);
        }
        return outcome;
    }

    /** Applies the stage's answer to the exchange: the new body, a stop (dropped), or a {@link StageException}. */
    static void complete(PipelineStage stage, Exchange exchange, CompletableFuture<Map<String, Object>> future) {
        Outcome outcome = outcome(stage, RecordOrigin.of(exchange), future);
        if (outcome.failure() != null) {
            exchange.setException(outcome.failure());
        } else if (outcome.record() == null) {
            exchange.setRouteStop(true);
        } else {
            exchange.getIn().setBody(outcome.record());
        }
    }
}
