package dev.sluice.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.sluice.config.SluiceConfig;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.metrics.SettleListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import org.jboss.logging.Logger;

/**
 * One pipeline, YAML or Java, from the moment it is added to the moment it is removed: everything the service keeps
 * about it lives here and goes with it. It owns
 * <ul>
 * <li>its figures ({@link PipelineStats}, the meters tagged with its name, removed with it);</li>
 * <li>its source ({@link PipelineSource}: what it reads, whether it can be paused, how to pause, resume, stop);</li>
 * <li>its error budget: the window of its settled records, and the pause it decides; a source that cannot be paused
 * (HTTP senders, Java code) is never paused, an HTTP sender over its own budget is refused instead;</li>
 * <li>a stop after an error it cannot go on after (out of memory), shown until it writes again;</li>
 * <li>the inputs it holds and why (a Kafka record whose dead letter is refused): its problem and readiness name them;</li>
 * <li>how its inputs ended ({@link UnitOfWork.Outcome}): failed inputs are counted, a changed one is not;</li>
 * <li>its parts, made by the layers that run it (the Kafka offset committer, the HTTP spool, the running Java
 * pipeline), looked up by type and dropped with it.</li>
 * </ul>
 * It knows nothing of Camel: a source adapter does the pausing.
 */
public final class PipelineRuntime implements SettleListener {

    private static final Logger LOG = Logger.getLogger(PipelineRuntime.class);
    /** Held inputs named in the problem; the rest are counted. */
    private static final int SHOWN_HOLDS = 5;

    private final String name;
    private final PipelineRuntimes runtimes;
    private final SluiceConfig.ErrorBudget budget;
    private final PipelineStats stats;
    private volatile PipelineSource source;
    private final Map<Class<?>, Object> parts = new ConcurrentHashMap<>();
    /** The inputs held back and why, by input (a partition): its problem and readiness name them. */
    private final Map<String, Hold> held = new ConcurrentSkipListMap<>();
    private final AtomicLong failedInputs = new AtomicLong();
    private final AtomicLong changedInputs = new AtomicLong();
    private volatile String lastFailedInput;
    private volatile BudgetWindow window;
    private final Map<String, BudgetWindow.OfSender> senders = new ConcurrentHashMap<>();
    /** Why the budget paused the pipeline, while it does. */
    private volatile String pausedBecause;
    /** Set while the budget keeps the source paused: read on every failed record, so no lock. */
    private volatile ScheduledFuture<?> resumeTimer;
    /** Why an error stopped the pipeline: cleared by a record written once its source runs again. */
    private volatile String stoppedBecause;
    private volatile boolean stopDone;
    /** How a Java pipeline that is no route any more ended ({@code Finished}, {@code Failed}, {@code Stopped}). */
    private volatile String ended;
    private volatile boolean closed;

    PipelineRuntime(String name, PipelineSource source, PipelineRuntimes runtimes) {
        this.name = name;
        this.source = source;
        this.runtimes = runtimes;
        this.budget = runtimes.budget();
        this.stats = new PipelineStats(name, runtimes.registry(), this);
        Gauge.builder("sluice.pipeline.paused", this, runtime -> runtime.paused() ? 1 : 0).tag("pipeline", name)
                .description("1 while the pipeline's error budget keeps its source paused, else 0")
                .register(runtimes.registry());
    }

    public String name() {
        return name;
    }

    public PipelineStats stats() {
        return stats;
    }

    public PipelineSource source() {
        return source;
    }

    /** The pipeline is defined again (a reload, a Java pipeline run again): its figures go on, its source is new. */
    synchronized void reopen(PipelineSource next) {
        endPause(); // the new source runs: a pause or a stop was the old one's
        this.source = next;
        this.ended = null;
        this.stoppedBecause = null;
    }

    /** A part of the pipeline made by a layer that runs it (its committer, spool, Java pipeline), found by its type. */
    public <T> void attach(Class<T> type, T part) {
        parts.put(type, part);
    }

    public <T> Optional<T> part(Class<T> type) {
        return Optional.ofNullable(type.cast(parts.get(type)));
    }

    public <T> void detach(Class<T> type, T part) {
        parts.remove(type, part);
    }

    /** The Java pipeline ended and is no route any more: it stays listed with its last figures until run again. */
    public void ended(String how) {
        this.ended = how;
    }

    /** How the pipeline ended, or null while it runs. */
    public String endedStatus() {
        return ended;
    }

    /** Its status as {@code /pipelines} shows it. */
    public String status() {
        return ended != null ? ended : source.status();
    }

    // --- inputs ---

    /** An input of the pipeline ended; failed ones are counted, with the reason of the last. */
    public void inputFinished(String input, UnitOfWork.Outcome outcome, String reason) {
        if (outcome == UnitOfWork.Outcome.CHANGED) {
            changedInputs.incrementAndGet();
        }
        if (outcome.failure()) {
            failedInputs.incrementAndGet();
            lastFailedInput = input + ": " + reason;
        }
    }

    /** Inputs that failed as a whole (files read again, or set aside) since the pipeline was added. */
    public long failedInputs() {
        return failedInputs.get();
    }

    /** Inputs read again because they changed while they were read (a writer still at them): no failures. */
    public long changedInputs() {
        return changedInputs.get();
    }

    /** Why the last failed input failed, or null. */
    public String lastFailedInput() {
        return lastFailedInput;
    }

    /** An input held back: why, by whom (only its holder releases it), and how to tell it is over without it. */
    private record Hold(String reason, Object holder, BooleanSupplier recovered) {
    }

    /**
     * {@code input} is held back by {@code holder} for {@code reason} until the holder releases it: the pipeline's
     * problem and readiness name it. A later hold of the same input by another holder takes it over.
     */
    public void hold(Object holder, String input, String reason) {
        hold(holder, input, reason, null);
    }

    /**
     * As {@link #hold(Object, String, String)}, for a hold that may have no next attempt to end it: it is over once
     * {@code recovered} answers true.
     */
    public void hold(Object holder, String input, String reason, BooleanSupplier recovered) {
        held.put(input, new Hold(reason, holder, recovered));
    }

    /** Ends {@code holder}'s hold of {@code input}; a hold another holder took over stays. */
    public void release(Object holder, String input) {
        held.computeIfPresent(input, (key, hold) -> hold.holder() == holder ? null : hold);
    }

    /** The inputs held back now, and why. */
    public Map<String, String> held() {
        held.forEach((input, hold) -> {
            if (hold.recovered() != null && hold.recovered().getAsBoolean()) {
                release(hold.holder(), input);
            }
        });
        Map<String, String> reasons = new TreeMap<>();
        held.forEach((input, hold) -> reasons.put(input, hold.reason()));
        return reasons;
    }

    /**
     * Why the pipeline is not running as it should: paused by its budget, stopped by an error, or inputs held back;
     * null when it is.
     */
    public String problem() {
        String own = stoppedBecause != null ? stoppedBecause : pausedBecause;
        Map<String, String> holds = held();
        if (holds.isEmpty()) {
            return own;
        }
        List<String> all = new ArrayList<>();
        if (own != null) {
            all.add(own);
        }
        holds.entrySet().stream().limit(SHOWN_HOLDS).forEach(hold -> all.add(hold.getKey() + ": " + hold.getValue()));
        if (holds.size() > SHOWN_HOLDS) {
            all.add("and " + (holds.size() - SHOWN_HOLDS) + " more inputs held");
        }
        return String.join("; ", all);
    }

    // --- error budget ---

    public boolean paused() {
        return resumeTimer != null;
    }

    @Override
    public void settled(boolean failed) {
        if (closed) {
            return;
        }
        if (stoppedBecause != null && stopDone && !failed && "Started".equals(source.status())) {
            // a record written after the stop: the pipeline was started again
            stoppedBecause = null;
        }
        if (!budget.enabled()) {
            return;
        }
        BudgetWindow own = window;
        if (own == null) {
            own = window = new BudgetWindow(windowSeconds());
        }
        own.add(System.nanoTime(), failed);
        if (failed && source.pausable() && !paused()) {
            long[] counts = own.counts(System.nanoTime());
            if (spent(counts)) {
                pause(String.format("paused: %d of the last %d records dead-lettered within %s (threshold %.0f%%)",
                        counts[1], counts[0], budget.window(), budget.threshold() * 100));
            }
        }
    }

    private void pause(String reason) {
        synchronized (this) {
            if (resumeTimer != null || closed) {
                return;
            }
            resumeTimer = runtimes.scheduler().schedule(() -> {
                if (endPause()) {
                    control("resumed", source::resume);
                }
            }, budget.pause().toMillis(), TimeUnit.MILLISECONDS);
            pausedBecause = reason;
        }
        LOG.errorf("Pipeline %s %s; it resumes in %s or on POST /pipelines/%s/resume", name, reason, budget.pause(),
                name);
        // on the control thread: this one is the pipeline's own, which the pause waits for; a resume asked for
        // before it ran finds it paused no more, and the source is not suspended at all
        runtimes.scheduler().execute(() -> {
            if (paused()) {
                control("paused", source::pause);
            }
        });
    }

    /** Resumes a paused pipeline now and forgets its recent errors; false if it was not paused. */
    public boolean resume() {
        if (!endPause()) {
            return false;
        }
        // on the control thread, after any pause still queued there, never under this runtime's lock: resuming a
        // route waits for Camel, which may wait for records that settle through this runtime
        try {
            runtimes.scheduler().submit(() -> control("resumed", source::resume)).get();
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "Pipeline %s could not be resumed", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("Pipeline %s resumed", name);
        return true;
    }

    /** Ends the pause, its window and its problem; false if there was none. */
    private synchronized boolean endPause() {
        ScheduledFuture<?> timer = resumeTimer;
        if (timer == null) {
            return false;
        }
        timer.cancel(false);
        resumeTimer = null;
        window = null;
        pausedBecause = null;
        return true;
    }

    @Override
    public void fatal(String where, Throwable error) {
        LOG.errorf(error, "Pipeline %s met %s in %s", name, error.getClass().getName(), where);
        stop("stopped: " + error.getClass().getName() + " in " + where
                + (error instanceof OutOfMemoryError || error.getMessage() == null ? "" : " (" + error.getMessage() + ")")
                + "; " + (error instanceof OutOfMemoryError ? "" : "fix it, then ") + "start it again or restart the "
                + "service");
    }

    private void stop(String reason) {
        if (closed) {
            return; // a late error of a removed pipeline: a new one of its name may run
        }
        PipelineSource stopped = source;
        stopDone = false;
        stoppedBecause = reason;
        LOG.errorf("Pipeline %s %s", name, reason);
        // from another thread: this one is the pipeline's own, which the stop waits for
        runtimes.scheduler().execute(() -> {
            try {
                control("stopped", stopped::stop);
            } finally {
                stopDone = true;
            }
        });
    }

    private void control(String done, Action action) {
        try {
            action.run();
        } catch (Exception e) {
            LOG.errorf(e, "Pipeline %s could not be %s", name, done);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** Whether a window's {settled, dead-lettered} spent the budget: enough records, and enough of them failed. */
    private boolean spent(long[] counts) {
        return counts[0] >= budget.minRecords() && counts[1] >= budget.threshold() * counts[0];
    }

    private int windowSeconds() {
        return (int) Math.max(1, budget.window().toSeconds());
    }

    @Override
    public void senderSettled(String sender, boolean failed, String reason) {
        if (!budget.enabled() || closed) {
            return;
        }
        senders.computeIfAbsent(sender, key -> new BudgetWindow.OfSender(windowSeconds()))
                .add(System.nanoTime(), failed, reason);
    }

    /**
     * Why a sender's posts to this HTTP-fed pipeline are refused now: over the window, at least {@code min-records}
     * of its records settled and the share dead-lettered reached the threshold; null when they are not. The refusal
     * ends by itself as those records age out of the window.
     */
    public SenderRefusal senderRefusal(String sender) {
        BudgetWindow.OfSender own = senders.get(sender);
        if (!budget.enabled() || own == null) {
            return null;
        }
        long[] counts = own.counts(System.nanoTime());
        if (!spent(counts)) {
            return null;
        }
        return new SenderRefusal(String.format("%d of your last %d records to %s were dead-lettered within %s "
                + "(threshold %.0f%%): fix them before you send more; posts are taken again as they age out of that "
                + "time", counts[1], counts[0], name, budget.window(), budget.threshold() * 100),
                own.reasons(), budget.window().toSeconds());
    }

    /** A sender's refusal: why, the reasons its last records failed, and when to try again (seconds). */
    public record SenderRefusal(String error, List<String> reasons, long retryAfterSeconds) {
    }

    // --- removal ---

    /** The pipeline is removed: its parts dropped, its meters, windows, counts and held inputs gone. */
    synchronized void close() {
        closed = true;
        endPause();
        parts.clear();
        held.clear();
        senders.clear();
        window = null;
        for (Meter meter : List.copyOf(runtimes.registry().getMeters())) {
            if (name.equals(meter.getId().getTag("pipeline"))) {
                runtimes.registry().remove(meter);
            }
        }
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "pipeline " + name;
    }
}
