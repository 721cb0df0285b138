package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sluice.Metrics;
import dev.sluice.PipelineFiles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The figures a Java user looks for: a finished pipeline stays in /pipelines with its last figures, a
 * StreamProcessor gives the seed's five, and lambdas have readable names in dead letters.
 */
@QuarkusTest
class JavaFiguresTest {

    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    SluiceApi sluice;

    private static List<Map<String, Object>> records(int n) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            records.add(new HashMap<>(Map.of("n", i)));
        }
        return records;
    }

    @Test
    void aFinishedPipelineStaysInPipelinesWithItsLastFigures() throws Exception {
        sluice.pipeline("figures-finished").from(() -> records(6).iterator())
                .filter(record -> ((Number) record.get("n")).intValue() % 3 != 0)
                .batch(10, Duration.ofMillis(100)).to(batch -> {
                }).run();

        Map<String, Object> report = Metrics.pipeline("figures-finished");

        assertThat(report).containsEntry("status", "Finished").containsEntry("records_processed", 4)
                .containsEntry("records_filtered", 2).containsEntry("errors", 0);
    }

    @Test
    void lambdasAreNamedSourceSinkAndTheirStageAndNamedOnesByTheirName() throws Exception {
        PipelineFiles.forgetDeadLetters("figures-names");
        sluice.pipeline("figures-names").from(() -> records(3).iterator())
                .transform(record -> {
                    if (((Number) record.get("n")).intValue() == 2) {
                        throw new IllegalArgumentException("two");
                    }
                    return record;
                })
                .batch(10, Duration.ofMillis(100))
                .to(DataSink.named("station-db", batch -> {
                    if (batch.stream().anyMatch(r -> ((Number) r.get("n")).intValue() == 3)) {
                        throw new IllegalStateException("three");
                    }
                })).run();

        assertThat(PipelineFiles.deadLetters(DLQ.resolve("figures-names.jsonl")))
                .extracting(d -> d.get("source"), d -> d.get("stage"), d -> d.get("reason"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("source", "transform#1", "two"),
                        org.assertj.core.groups.Tuple.tuple("source", "sink station-db", "three"));
    }

    @Test
    void aStreamProcessorGivesTheSeedsFiveFigures() throws Exception {
        List<Map<String, Object>> handled = new CopyOnWriteArrayList<>();
        StreamProcessor processor = sluice.streamProcessor("figures-stream").batchSize(5)
                .window(Duration.ofMillis(100)).onBatch(batch -> {
                    if (batch.stream().anyMatch(r -> ((Number) r.get("n")).intValue() == 7)) {
                        throw new IllegalStateException("seven");
                    }
                    handled.addAll(batch);
                }).build();
        records(12).forEach(processor::ingest);
        processor.close();

        RunMetrics metrics = processor.metrics();

        assertThat(metrics.recordsProcessed()).isEqualTo(11);
        assertThat(metrics.errors()).isEqualTo(1);
        assertThat(metrics.recordsFiltered()).isZero();
        assertThat(metrics.durationSeconds()).isPositive();
        assertThat(metrics.throughput()).isPositive();
        assertThat(handled).hasSize(11);
    }
}
