package dev.sluice.stage;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A custom stage that answers later without holding a thread (a remote lookup): implement {@link #applyAsync}, which
 * completes with the record, changed or not, or {@code null} to drop it. Used like any {@link PipelineStage}.
 */
@FunctionalInterface
public interface AsyncPipelineStage extends PipelineStage {

    @Override
    CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record);

    /** Waits for {@link #applyAsync}: for callers outside a pipeline. */
    @Override
    default Map<String, Object> apply(Map<String, Object> record) throws Exception {
        try {
            return applyAsync(record).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
