package dev.sluice.kafka;

import java.util.Map;

import dev.sluice.stage.PipelineStage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/** Stages only the test pipeline in src/test/resources/test-routes uses. */
public final class TestStages {

    private TestStages() {
    }

    /** Throws for robot r-boom, as a buggy custom stage would. */
    @ApplicationScoped
    @Named("explodingStage")
    public static class ExplodingStage implements PipelineStage {
        @Override
        public Map<String, Object> apply(Map<String, Object> record) {
            if ("r-boom".equals(record.get("robot_id"))) {
                throw new IllegalStateException("boom: cannot handle " + record.get("robot_id"));
            }
            return record;
        }

        @Override
        public String name() {
            return "explodingStage";
        }
    }
}
