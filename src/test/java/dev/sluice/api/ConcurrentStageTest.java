package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.sluice.PipelineFiles;
import dev.sluice.stage.AsyncPipelineStage;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An asynchronous stage with a concurrency: that many records in the stage at once and never more, records leaving
 * in the order they entered even though their answers come back in another order, a failed record dead-lettered and
 * a dropped one counted, the run ending with every record settled.
 */
@QuarkusTest
class ConcurrentStageTest {

    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    SluiceApi sluice;

    /** Answers after 1 to 20 ms, out of order; fails every 50th record, drops every 30th. */
    static final class Lookup implements AsyncPipelineStage {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final Random delays = new Random(42);

        @Override
        public CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            int n = ((Number) record.get("n")).intValue();
            CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(1 + delays.nextInt(20), TimeUnit.MILLISECONDS).execute(() -> {
                inFlight.decrementAndGet();
                if (n % 50 == 0) {
                    answer.completeExceptionally(new AssertionError("no answer for " + n));
                } else if (n % 30 == 0) {
                    answer.complete(null);
                } else {
                    record.put("looked_up", n * 2);
                    answer.complete(record);
                }
            });
            return answer;
        }

        @Override
        public String name() {
            return "lookup";
        }
    }

    @Test
    void aFileLeavesItsDirectoryOnlyOnceEveryRecordHasLeftTheStage() throws Exception {
        Path input = Path.of("target/test-data/concurrent-stage/in");
        PipelineFiles.clean(input.getParent());
        Files.createDirectories(input);
        StringBuilder lines = new StringBuilder();
        IntStream.rangeClosed(1, 120).forEach(n -> lines.append("{\"n\":").append(n).append("}\n"));
        Files.writeString(input.resolve("numbers.jsonl"), lines);
        Lookup lookup = new Lookup();
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();

        RunMetrics metrics = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> sluice.pipeline("concurrent-file")
                .from(Sources.jsonLines(input))
                .addStage(lookup, 16)
                .batch(50, Duration.ofMillis(100))
                .to(written::addAll)
                .run());

        assertThat(written).extracting(r -> ((Number) r.get("n")).intValue()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 120).filter(n -> n % 50 != 0 && n % 30 != 0).boxed().toList());
        assertThat(metrics.recordsProcessed()).isEqualTo(114);
        assertThat(lookup.mostInFlight.get()).isEqualTo(16);
        assertThat(input.resolve("numbers.jsonl")).doesNotExist();
        assertThat(PipelineFiles.list(input.resolveSibling("done"))).singleElement()
                .satisfies(done -> assertThat(done.getFileName().toString()).startsWith("numbers-"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void recordsLeaveInOrderWithAtMostConcurrencyInTheStage(int concurrency) throws Exception {
        String name = "concurrent-stage-" + concurrency;
        PipelineFiles.forgetDeadLetters(name);
        Lookup lookup = new Lookup();
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();
        List<Map<String, Object>> records = new ArrayList<>();
        IntStream.rangeClosed(1, 200).forEach(n -> records.add(new HashMap<>(Map.of("n", n))));

        RunMetrics metrics = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> sluice.pipeline(name)
                .from(records::iterator)
                .addStage(lookup, concurrency)
                .transform(record -> {
                    record.put("after", true);
                    return record;
                })
                .batch(16, Duration.ofMillis(100))
                .to(written::addAll)
                .run());

        List<Integer> kept = IntStream.rangeClosed(1, 200).filter(n -> n % 50 != 0 && n % 30 != 0).boxed().toList();
        assertThat(written).extracting(r -> ((Number) r.get("n")).intValue()).containsExactlyElementsOf(kept);
        assertThat(written).allSatisfy(r -> {
            assertThat(((Number) r.get("looked_up")).intValue()).isEqualTo(((Number) r.get("n")).intValue() * 2);
            assertThat(r.get("after")).isEqualTo(true);
        });
        assertThat(lookup.mostInFlight.get()).isEqualTo(concurrency);
        assertThat(metrics.recordsProcessed()).isEqualTo(kept.size());
        assertThat(metrics.recordsFiltered()).isEqualTo(5);
        assertThat(metrics.errors()).isEqualTo(4);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(name + ".jsonl")))
                .extracting(d -> d.get("stage"), d -> d.get("error"),
                        d -> d.get("payload"))
                .containsExactly(tuple("lookup", AssertionError.class.getName(), "{\"n\":50}"),
                        tuple("lookup", AssertionError.class.getName(), "{\"n\":100}"),
                        tuple("lookup", AssertionError.class.getName(), "{\"n\":150}"),
                        tuple("lookup", AssertionError.class.getName(), "{\"n\":200}"));
    }
}
