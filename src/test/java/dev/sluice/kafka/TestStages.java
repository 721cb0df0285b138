package dev.sluice.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sluice.stage.PipelineStage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

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

    /** Remembers the header names every record shows the steps after kafkaRecords. */
    @ApplicationScoped
    @Named("headerSpy")
    public static class HeaderSpy implements Processor {
        public static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Override
        public void process(Exchange exchange) {
            SEEN.addAll(exchange.getIn().getHeaders().keySet());
        }
    }
}
