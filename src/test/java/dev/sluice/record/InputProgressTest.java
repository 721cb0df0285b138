package dev.sluice.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class InputProgressTest {

    @Test
    void completesOnlyAfterTheWholeFileIsReadAndEveryRecordReleased() {
        InputProgress progress = new InputProgress();
        AtomicInteger completions = new AtomicInteger();
        progress.retain();
        progress.retain();
        progress.release();
        assertThat(progress.whenSettled(completions::incrementAndGet)).isFalse();
        assertThat(completions).hasValue(0);
        progress.release();
        assertThat(completions).hasValue(1);
        assertThat(progress.failure()).isNull();
    }

    @Test
    void isSettledAtOnceWhenNothingIsInFlight() {
        InputProgress progress = new InputProgress();
        progress.retain();
        progress.release();
        assertThat(progress.whenSettled(() -> {
            throw new AssertionError("must not be called");
        })).isTrue();
    }

    @Test
    void remembersWhyARecordWasAbandoned() {
        InputProgress progress = new InputProgress();
        AtomicInteger completions = new AtomicInteger();
        progress.retain();
        progress.whenSettled(completions::incrementAndGet);
        IllegalStateException cause = new IllegalStateException("database down");
        progress.abandon(cause);
        assertThat(completions).hasValue(1);
        assertThat(progress.failure()).isSameAs(cause);
    }
}
