package dev.sluice.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.sluice.config.SluiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

/**
 * A pipeline's runtime on its own, without Camel: its error budget pauses only a source that can be paused, a removed
 * pipeline leaves no meter, window or count behind, a pipeline defined again keeps its figures, and only failed
 * inputs are counted as failures.
 */
class PipelineRuntimeTest {

    static final SluiceConfig CONFIG = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
            .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092")
            .withDefaultValue("sluice.error-budget.min-records", "10")
            .withDefaultValue("sluice.error-budget.threshold", "0.5").build()
            .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);

    final MeterRegistry registry = new SimpleMeterRegistry();
    final PipelineRuntimes runtimes = new PipelineRuntimes(CONFIG, registry);

    /** Opens a pipeline, taking over one of that name (as a reload keeps its own pipelines). */
    private PipelineRuntime open(String name, PipelineSource source) {
        return runtimes.open(name, source, existing -> true);
    }

    private static void deadLetter(PipelineRuntime runtime, int records) {
        for (int i = 0; i < records; i++) {
            runtime.stats().recordFailed();
        }
    }

    @Test
    void aSourceThatCanBePausedIsPausedWhenItsBudgetIsSpent() {
        FakeSource files = new FakeSource(true);
        PipelineRuntime runtime = open("files", files);

        deadLetter(runtime, 9);
        assertThat(runtime.paused()).as("fewer than min-records settled").isFalse();
        deadLetter(runtime, 1);

        assertThat(runtime.paused()).isTrue();
        assertThat(runtime.problem()).isEqualTo("paused: 10 of the last 10 records dead-lettered within PT1M "
                + "(threshold 50%)");
        await().atMost(Duration.ofSeconds(5)).until(() -> files.asked.contains("pause"));
        assertThat(registry.get("sluice.pipeline.paused").tag("pipeline", "files").gauge().value()).isEqualTo(1.0);

        assertThat(runtime.resume()).isTrue();
        assertThat(files.asked).containsExactly("pause", "resume");
        assertThat(runtime.problem()).isNull();
        assertThat(runtime.resume()).as("not paused any more").isFalse();
    }

    @Test
    void recordsHandedInByJavaCodeOrHttpNeverPauseTheirPipeline() {
        FakeSource java = new FakeSource(false);
        PipelineRuntime runtime = open("java", java);

        deadLetter(runtime, 50);

        assertThat(runtime.paused()).isFalse();
        assertThat(runtime.problem()).isNull();
        assertThat(java.asked).isEmpty();
        assertThat(runtime.stats().errors()).isEqualTo(50);
        // an HTTP sender over its budget is refused instead, alone
        for (int i = 0; i < 10; i++) {
            runtime.senderSettled("careless", true, "parse: not JSON");
        }
        assertThat(runtime.senderRefusal("careless").reasons()).containsExactly("parse: not JSON");
        assertThat(runtime.senderRefusal("careful")).isNull();
    }

    @Test
    void aRemovedPipelineLeavesNoMeterWindowOrCountBehind() {
        PipelineRuntime runtime = open("gone", new FakeSource(true));
        runtime.stats().recordRead();
        runtime.stats().stage("parse", "out");
        runtime.stats().batchWritten(1, "size");
        runtime.stats().consumerLag(5);
        runtime.stats().sinkFailure("t");
        deadLetter(runtime, 3);
        runtime.hold(this, "partition t-0 offset 1", "its dead letter is refused");
        runtime.inputFinished("a.jsonl", UnitOfWork.Outcome.FAILED, "the database is down");
        PipelineRuntime other = open("stays", new FakeSource(true));
        other.stats().recordRead();
        assertThat(registry.getMeters()).anyMatch(meter -> "gone".equals(meter.getId().getTag("pipeline")));

        runtimes.close("gone");

        assertThat(registry.getMeters()).noneMatch(meter -> "gone".equals(meter.getId().getTag("pipeline")));
        assertThat(registry.getMeters()).anyMatch(meter -> "stays".equals(meter.getId().getTag("pipeline")));
        assertThat(runtimes.find("gone")).isEmpty();
        assertThat(runtime.held()).isEmpty();
        deadLetter(runtime, 20); // a record of the old pipeline settling late changes nothing
        assertThat(runtime.paused()).isFalse();

        PipelineRuntime again = open("gone", new FakeSource(true));
        assertThat(again).isNotSameAs(runtime);
        assertThat(again.stats().recordsRead()).isZero();
        assertThat(again.stats().errors()).isZero();
        assertThat(again.failedInputs()).isZero();
        assertThat(again.problem()).isNull();
        assertThat(registry.get("sluice.records.read").tag("pipeline", "gone").counter().count()).isZero();
    }

    @Test
    void aNameTakenIsRefusedUnlessItsOwnerMayTakeItOver() {
        PipelineRuntime running = open("taken", new FakeSource(true));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtimes.open("taken", new FakeSource(false),
                existing -> existing.endedStatus() != null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("A pipeline named taken exists already (running)");
        assertThat(runtimes.get("taken")).isSameAs(running);
        assertThat(running.source().pausable()).as("its source untouched").isTrue();
    }

    @Test
    void aPipelineDefinedAgainKeepsItsFiguresWithItsNewSource() {
        PipelineRuntime runtime = open("kept", new FakeSource(true));
        runtime.stats().recordRead();
        deadLetter(runtime, 10);
        assertThat(runtime.paused()).isTrue();
        runtime.ended("Finished");
        FakeSource next = new FakeSource(true);

        PipelineRuntime again = open("kept", next);

        assertThat(again).isSameAs(runtime);
        assertThat(again.source()).isSameAs(next);
        assertThat(again.endedStatus()).isNull();
        assertThat(again.stats().recordsRead()).isEqualTo(1);
        assertThat(again.paused()).as("the pause was the old source's").isFalse();
        assertThat(again.problem()).isNull();
    }

    @Test
    void onlyFailedInputsCountAsFailures() {
        PipelineRuntime runtime = open("inputs", new FakeSource(true));

        runtime.inputFinished("a.jsonl", UnitOfWork.Outcome.CHANGED, "it changed while it was read");
        runtime.inputFinished("a.jsonl", UnitOfWork.Outcome.DONE, null);
        assertThat(runtime.failedInputs()).isZero();
        assertThat(runtime.lastFailedInput()).isNull();

        runtime.inputFinished("b.jsonl", UnitOfWork.Outcome.FAILED, "the database is down");
        runtime.inputFinished("c.jsonl", UnitOfWork.Outcome.POISON, "failed 4 times");
        assertThat(runtime.failedInputs()).isEqualTo(2);
        assertThat(runtime.lastFailedInput()).isEqualTo("c.jsonl: failed 4 times");
    }

    @Test
    void aFatalErrorStopsThePipelineUntilItWritesAgainOnceStarted() {
        FakeSource source = new FakeSource(true);
        PipelineRuntime runtime = open("fatal", source);

        runtime.stats().fatal("stage enrich", new OutOfMemoryError("Java heap space"));

        assertThat(runtime.problem()).isEqualTo("stopped: java.lang.OutOfMemoryError in stage enrich; start it again "
                + "or restart the service");
        await().atMost(Duration.ofSeconds(5)).until(() -> source.asked.contains("stop"));
        assertThat(runtime.problem()).as("still stopped: nothing written").startsWith("stopped: ");
        source.resume(); // started again by an operator
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            runtime.stats().recordWritten(System.nanoTime());
            return runtime.problem() == null;
        });
    }
}
