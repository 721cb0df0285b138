package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.sluice.metrics.PipelineStats;
import dev.sluice.record.Batch;
import dev.sluice.record.Chunk;
import dev.sluice.record.InputProgress;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The strategy over Camel's own aggregator: what becomes of a batch's records when its exchange fails. */
class BatchAggregationStrategyTest {

    @Test
    void aBatchWhoseExchangeFailsBeforeItsSinkLetsGoOfItsRecords() throws Exception {
        InputProgress progress = new InputProgress();
        List<RecordOrigin> origins = new ArrayList<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:records").aggregate(constant(true), new BatchAggregationStrategy()).completionSize(2)
                            // what a stopping route's error handler does to a batch that closed as it stopped
                            .process(exchange -> {
                                throw new java.util.concurrent.RejectedExecutionException("stopping");
                            });
                }
            });
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            PipelineStats stats = new PipelineStats("p", new SimpleMeterRegistry(), failed -> {
            });
            for (int line = 1; line <= 2; line++) {
                RecordOrigin origin = new RecordOrigin(stats, new Location.FileLine("f", line), new byte[0], progress,
                        false);
                origins.add(origin);
                Chunk chunk = new Chunk(List.of(origin));
                Map<String, Object> record = new LinkedHashMap<>(Map.of("n", line));
                chunk.keep(record, origin);
                producer.sendBody("direct:records", chunk);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (progress.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }

        assertThat(progress.failure()).hasMessage("stopping");
        assertThat(origins).extracting(RecordOrigin::outcome).containsOnly("abandoned");
    }

    @Test
    void aBatchItsSinkWroteKeepsItsRecordsSettledAsWritten() {
        InputProgress progress = new InputProgress();
        PipelineStats stats = new PipelineStats("p", new SimpleMeterRegistry(), failed -> {
        });
        RecordOrigin origin = new RecordOrigin(stats, new Location.FileLine("f", 1), new byte[0], progress, false);
        Batch batch = new Batch();
        batch.add(new LinkedHashMap<>(), origin);
        origin.written();
        org.apache.camel.Exchange failed = new org.apache.camel.support.DefaultExchange(new DefaultCamelContext());
        failed.setException(new IllegalStateException("after the write"));

        batch.onFailure(failed);

        assertThat(origin.outcome()).isEqualTo("written");
        assertThat(progress.failure()).isNull();
    }
}
