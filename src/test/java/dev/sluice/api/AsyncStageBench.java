package dev.sluice.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.sluice.stage.AsyncPipelineStage;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The benchmark of asynchronous stages (not part of the test suite: run by {@code bench/async-stages}): a lookup
 * that answers 20 ms later, at concurrency 1, 8 and 64, through a Java pipeline from its own source to a sink that
 * only counts; 3 runs each, the median. Writes docs/benchmarks-async.md, which bench/run copies into
 * docs/benchmarks.md. Nothing is asserted about time; each run checks that every record was written.
 */
@QuarkusTest
class AsyncStageBench {

    static final Path REPORT = Path.of("docs/benchmarks-async.md");
    static final Duration LATENCY = Duration.ofMillis(20);
    static final int RUNS = 3;

    @Inject
    SluiceApi sluice;

    /** Answers each record {@link #LATENCY} later, from a timer: no thread waits. */
    static final class Lookup implements AsyncPipelineStage {
        final Executor later = CompletableFuture.delayedExecutor(LATENCY.toMillis(), TimeUnit.MILLISECONDS);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();

        @Override
        public CompletionStage<Map<String, Object>> applyAsync(Map<String, Object> record) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                inFlight.decrementAndGet();
                record.put("region", "eu-" + ((Number) record.get("n")).intValue() % 7);
                return record;
            }, later);
        }

        @Override
        public String name() {
            return "lookup";
        }
    }

    @Test
    void lookupsAtConcurrency1_8_64() throws Exception {
        StringBuilder table = new StringBuilder("""
                ## Asynchronous stages

                A Java pipeline whose one stage is a lookup answering 20 ms later (`AsyncPipelineStage`, answered from a
                timer, no thread waiting), from its own `DataSource` to a sink that only counts, batches of 500; the
                median of %d runs on this machine. `bench/async-stages` (about 2 minutes) writes this section to
                docs/benchmarks-async.md; `bench/run` copies it here.

                | stage | records | records/s (median) | most records in the stage at once | × concurrency 1 |
                |---|---|---|---|---|
                """.formatted(RUNS));
        double one = 0;
        for (int concurrency : new int[] {1, 8, 64}) {
            int records = Math.min(500 * concurrency, 20_000);
            List<Double> rates = new ArrayList<>();
            int most = 0;
            for (int run = 1; run <= RUNS; run++) {
                Lookup lookup = new Lookup();
                AtomicLong written = new AtomicLong();
                RunMetrics metrics = sluice.pipeline("async-bench-" + concurrency + "-" + run)
                        .from(() -> numbers(records))
                        .addStage(lookup, concurrency)
                        .batch(500, Duration.ofMillis(200))
                        .to(batch -> written.addAndGet(batch.size()))
                        .run();
                if (written.get() != records || metrics.recordsProcessed() != records) {
                    throw new IllegalStateException("concurrency " + concurrency + ": " + written.get() + " of "
                            + records + " records written");
                }
                rates.add(records / metrics.durationSeconds());
                most = Math.max(most, lookup.mostInFlight.get());
            }
            double median = rates.stream().sorted().toList().get(RUNS / 2);
            if (concurrency == 1) {
                one = median;
            }
            table.append(String.format(Locale.ROOT, "| 20 ms lookup, concurrency %d | %,d | %,.0f | %d | %.1f× |%n",
                    concurrency, records, median, most, median / one));
        }
        table.append("""

                At concurrency 1 a record waits for the one before it: 20 ms each, about 50 records/s. The rate grows
                with the concurrency until something else is the limit; records still leave the stage in the order
                they entered.
                """);
        Files.writeString(REPORT, table);
        System.out.println(table);
    }

    private static Iterator<Map<String, Object>> numbers(int count) {
        return IntStream.rangeClosed(1, count).<Map<String, Object>>mapToObj(n -> new HashMap<>(Map.of("n", n)))
                .iterator();
    }
}
