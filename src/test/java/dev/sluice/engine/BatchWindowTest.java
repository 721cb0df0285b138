package dev.sluice.engine;

import dev.sluice.record.Batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code batch} aggregation strategy in a route, as {@link PipelineDefinitions} completes it: a batch closes at
 * its size at once (well within its one-second window), and at the end of its window even while records keep arriving (Camel's own completion timeout
 * would wait for a pause in the flow).
 */
@QuarkusTest
class BatchWindowTest {

    static final List<Integer> BATCHES = new CopyOnWriteArrayList<>();

    @ApplicationScoped
    static class WindowRoute extends RouteBuilder {

        @Override
        public void configure() {
            from("direct:batch-window-test").routeId("batch-window-test")
                    .process(e -> new RecordOrigin(dev.sluice.Unwatched.stats("batch-window-test"), new Location.FileLine("test", 1),
                            e.getIn().getBody(String.class).getBytes(StandardCharsets.UTF_8), TestAcks.NONE, false).attachTo(e))
                    .setBody(e -> new HashMap<String, Object>())
                    .aggregate(constant("window")).aggregationStrategy(BatchAggregationStrategy.NAME)
                    .completionSize(100).completionTimeout("1000")
                    .process(e -> BATCHES.add(e.getIn().getBody(Batch.class).size()));
        }
    }

    @Inject
    ProducerTemplate producer;

    @BeforeEach
    void reset() {
        BATCHES.clear();
    }

    @Test
    void aFullBatchClosesAtOnce() {
        for (int i = 0; i < 100; i++) {
            producer.sendBody("direct:batch-window-test", "r" + i);
        }
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(BATCHES).containsExactly(100));
    }

    @Test
    void aBatchClosesAtTheEndOfItsWindowWhileRecordsKeepComing() throws InterruptedException {
        for (int i = 0; i < 12; i++) {
            producer.sendBody("direct:batch-window-test", "r" + i);
            Thread.sleep(200);
        }
        assertThat(BATCHES).as("batches closed while records arrived every 200 ms for 2.4 s").hasSizeGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(BATCHES.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12));
    }
}
