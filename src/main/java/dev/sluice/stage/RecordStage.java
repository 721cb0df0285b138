package dev.sluice.stage;

import java.util.Map;

import dev.sluice.record.RecordOrigin;

/**
 * A step of a routes file's stages as the compiled stages call it: on one record, with no exchange. Sluice's own
 * stage beans implement it; any other {@link PipelineStage} is called through {@link StageRunner#apply}.
 */
@FunctionalInterface
public interface RecordStage {

    /** The record, changed or not (the same map or another), or {@code null} to drop it. */
    Map<String, Object> apply(Map<String, Object> record, RecordOrigin origin) throws Exception;
}
