package dev.sluice.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sluice.stage.PipelineStage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.AsyncCallback;

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

    /** Remembers the header names every record shows the stages, then passes the record on as it is. */
    @ApplicationScoped
    @Named("headerSpy")
    public static class HeaderSpy implements PipelineStage {
        public static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, Object> apply(Map<String, Object> record) {
            return record;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            SEEN.addAll(exchange.getIn().getHeaders().keySet());
            return PipelineStage.super.process(exchange, callback);
        }
    }
}
