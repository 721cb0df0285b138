package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.sluice.Management;
import dev.sluice.PipelineFiles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stage contract: whatever a stage, a filter or a sink callback throws, an {@link Error} included, dead-letters
 * only the record at fault with the error as its reason, and the run goes on to its end without stalling.
 */
@QuarkusTest
class StageContractTest {

    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    SluiceApi sluice;

    static Stream<Supplier<Throwable>> errors() {
        return Stream.of(() -> new AssertionError("n was 3"), StackOverflowError::new,
                () -> new NoClassDefFoundError("com/example/Missing"));
    }

    private static List<Map<String, Object>> records(int n) {
        List<Map<String, Object>> records = new ArrayList<>();
        IntStream.rangeClosed(1, n).forEach(i -> records.add(new HashMap<>(Map.of("n", i))));
        return records;
    }

    private static List<Object> numbers(List<Map<String, Object>> written) {
        return written.stream().map(r -> r.get("n")).sorted((a, b) -> Long.compare(((Number) a).longValue(),
                ((Number) b).longValue())).map(n -> (Object) ((Number) n).longValue()).toList();
    }

    @ParameterizedTest
    @MethodSource("errors")
    void anErrorInAStageOrAFilterDeadLettersOnlyItsRecord(Supplier<Throwable> error) throws Exception {
        String name = "contract-stage-" + error.get().getClass().getSimpleName();
        PipelineFiles.forgetDeadLetters(name);
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();

        RunMetrics metrics = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> sluice.pipeline(name)
                .from(() -> records(10).iterator())
                .transform(record -> {
                    if (((Number) record.get("n")).intValue() == 3) {
                        throw sneaky(error.get());
                    }
                    return record;
                })
                .filter(record -> {
                    if (((Number) record.get("n")).intValue() == 5) {
                        throw sneaky(error.get());
                    }
                    return true;
                })
                .batch(4, Duration.ofMillis(200))
                .to(batch -> written.addAll(batch))
                .run());

        assertThat(metrics.recordsProcessed()).isEqualTo(8);
        assertThat(metrics.errors()).isEqualTo(2);
        assertThat(numbers(written)).containsExactly(1L, 2L, 4L, 6L, 7L, 8L, 9L, 10L);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(name + ".jsonl")))
                .extracting(d -> d.get("stage"), d -> d.get("error"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("transform#1", error.get().getClass().getName()),
                        org.assertj.core.groups.Tuple.tuple("filter#2", error.get().getClass().getName()));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void anErrorInASinkDeadLettersTheRecordsAtFaultAndTheRunEnds(Supplier<Throwable> error) throws Exception {
        String name = "contract-sink-" + error.get().getClass().getSimpleName();
        PipelineFiles.forgetDeadLetters(name);
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();

        RunMetrics metrics = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> sluice.pipeline(name)
                .from(() -> records(10).iterator())
                .batch(5, Duration.ofMillis(200))
                .to(batch -> {
                    if (batch.stream().anyMatch(r -> ((Number) r.get("n")).intValue() == 7)) {
                        throw sneaky(error.get());
                    }
                    written.addAll(batch);
                })
                .run());

        assertThat(metrics.recordsProcessed()).isEqualTo(9);
        assertThat(metrics.errors()).isEqualTo(1);
        assertThat(numbers(written)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(name + ".jsonl"))).singleElement()
                .satisfies(d -> assertThat(d.get("error")).isEqualTo(error.get().getClass().getName()));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void anErrorInASourceEndsTheRunWithItAfterTheRecordsReadBefore(Supplier<Throwable> error) throws Exception {
        String name = "contract-source-" + error.get().getClass().getSimpleName();
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();
        DataSource failsAtFour = () -> new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Map<String, Object> next() {
                if (++n == 4) {
                    throw sneaky(error.get());
                }
                return new HashMap<>(Map.of("n", n));
            }
        };

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> sluice.pipeline(name)
                .from(DataSource.named("gauges", failsAtFour))
                .batch(10, Duration.ofMillis(100))
                .to(batch -> written.addAll(batch))
                .run())
                .hasMessageStartingWith("Source gauges of pipeline " + name + " failed after 3 records: "
                        + error.get().getClass().getName())
                .hasCauseInstanceOf(error.get().getClass()));
        assertThat(numbers(written)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anOutOfMemoryErrorStopsThePipelineWhichSaysWhyAndNothingIsDeadLettered() throws Exception {
        String name = "contract-out-of-memory";
        PipelineFiles.forgetDeadLetters(name);
        List<Map<String, Object>> written = new CopyOnWriteArrayList<>();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> sluice.pipeline(name)
                .from(() -> records(10).iterator())
                .transform(record -> {
                    if (((Number) record.get("n")).intValue() == 5) {
                        throw new OutOfMemoryError("Java heap space (thrown by the test)");
                    }
                    return record;
                })
                .batch(4, Duration.ofMillis(200))
                .to(batch -> written.addAll(batch))
                .run()).hasMessageContaining("could not settle every record"));

        // the record it hit is not the record's fault: read again after a restart, never dead-lettered
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(name + ".jsonl"))).isEmpty();
        assertThat(numbers(written)).doesNotContain(5L);
        // the pipeline's trouble, not the service's: shown with the pipeline, readiness stays UP
        io.restassured.RestAssured.when().get("/pipelines/{name}", name).then().statusCode(200)
                .body("problem", is("stopped: java.lang.OutOfMemoryError in stage transform#1; start it again or "
                        + "restart the service"));
        Management.given().get("/q/health/ready").then().statusCode(200);

        // started again, it runs and its problem is over
        RunMetrics again = sluice.pipeline(name).from(() -> records(3).iterator()).batch(4, Duration.ofMillis(200))
                .to(batch -> written.addAll(batch)).run();
        assertThat(again.recordsProcessed()).isEqualTo(3);
        io.restassured.RestAssured.when().get("/pipelines/{name}", name).then()
                .body("problem", org.hamcrest.Matchers.nullValue());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
