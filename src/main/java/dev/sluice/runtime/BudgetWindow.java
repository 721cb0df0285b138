package dev.sluice.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Counts of settled and dead-lettered records over the last {@code seconds} seconds, one bucket a second. */
class BudgetWindow {
    private final long[] settled;
    private final long[] failed;
    private final long[] second;

    BudgetWindow(int seconds) {
        settled = new long[seconds];
        failed = new long[seconds];
        second = new long[seconds];
    }

    synchronized void add(long nanos, boolean isFailure) {
        long now = TimeUnit.NANOSECONDS.toSeconds(nanos);
        int slot = (int) Math.floorMod(now, (long) settled.length);
        if (second[slot] != now) {
            second[slot] = now;
            settled[slot] = 0;
            failed[slot] = 0;
        }
        settled[slot]++;
        if (isFailure) {
            failed[slot]++;
        }
    }

    /** {settled, dead-lettered} within the window ending at {@code nanos}. */
    synchronized long[] counts(long nanos) {
        long now = TimeUnit.NANOSECONDS.toSeconds(nanos);
        long total = 0;
        long failures = 0;
        for (int i = 0; i < settled.length; i++) {
            if (now - second[i] < settled.length) {
                total += settled[i];
                failures += failed[i];
            }
        }
        return new long[] { total, failures };
    }

    /** A {@link BudgetWindow} of one HTTP sender that also keeps the last few distinct reasons of its failures. */
    static final class OfSender extends BudgetWindow {
        private static final int REASONS = 5;
        private final Deque<String> reasons = new ArrayDeque<>();

        OfSender(int seconds) {
            super(seconds);
        }

        synchronized void add(long nanos, boolean failed, String reason) {
            add(nanos, failed);
            if (failed && reason != null && !reasons.contains(reason)) {
                reasons.addFirst(reason);
                if (reasons.size() > REASONS) {
                    reasons.removeLast();
                }
            }
        }

        synchronized List<String> reasons() {
            return List.copyOf(reasons);
        }
    }
}
