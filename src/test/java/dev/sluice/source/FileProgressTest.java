package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class FileProgressTest {

    @Test
    void completesOnlyAfterTheWholeFileIsReadAndEveryRecordReleased() {
        FileProgress progress = new FileProgress();
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
        FileProgress progress = new FileProgress();
        progress.retain();
        progress.release();
        assertThat(progress.whenSettled(() -> {
            throw new AssertionError("must not be called");
        })).isTrue();
    }

    @Test
    void remembersWhyARecordWasAbandoned() {
        FileProgress progress = new FileProgress();
        AtomicInteger completions = new AtomicInteger();
        progress.retain();
        progress.whenSettled(completions::incrementAndGet);
        IllegalStateException cause = new IllegalStateException("database down");
        progress.abandon(cause);
        assertThat(completions).hasValue(1);
        assertThat(progress.failure()).isSameAs(cause);
    }
}
