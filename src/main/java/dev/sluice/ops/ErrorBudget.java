package dev.sluice.ops;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.config.SluiceConfig;
import dev.sluice.metrics.SettleListener;
import dev.sluice.source.HttpSpools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Suspendable;
import org.jboss.logging.Logger;

/**
 * Keeps one pipeline's trouble its own. A pipeline whose records go to the dead-letter queue too often (over
 * {@code sluice.error-budget.window}, at least {@code min-records} settled and the share dead-lettered reaches
 * {@code threshold}) has its source suspended, if it can be (a file pipeline, a Kafka pipeline's partitions): nothing
 * more is consumed, nothing in flight is lost; it resumes by itself after {@code pause} or on
 * {@code POST /pipelines/{name}/resume}. An HTTP-fed pipeline is never paused: the budget holds per sender instead, and
 * a sender over it has its posts answered 422 with the reasons its records failed, while other senders go on. A pipeline
 * stopped by an error it cannot go on after (out of memory) is shown as stopped. Either shows in {@code /pipelines}
 * ({@code problem}), on the page and in {@code sluice_pipeline_paused}; readiness is the service's, not a pipeline's.
 */
// made at start: its first use is on a pipeline's thread, in the middle of whatever that thread is creating
@Startup
@ApplicationScoped
public class ErrorBudget implements SettleListener {

    private static final Logger LOG = Logger.getLogger(ErrorBudget.class);

    private final SluiceConfig.ErrorBudget config;
    private final CamelContext camel;
    private final HttpSpools spools;
    private final MeterRegistry registry;
    /** Why each pipeline is not running as it should (paused, stopped), by pipeline. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** The recent records of each HTTP sender, by pipeline and sender, with the reasons of its last failures. */
    private final Map<String, SenderWindow> senders = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> paused = new ConcurrentHashMap<>();
    /** Pipelines stopped by a fatal error, with whether the stop is over (a record written after it clears it). */
    private final Map<String, AtomicBoolean> fatallyStopped = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice error budget");
        thread.setDaemon(true);
        return thread;
    });

    public ErrorBudget(SluiceConfig config, CamelContext camel, HttpSpools spools, MeterRegistry registry) {
        this.config = config.errorBudget();
        this.camel = camel;
        this.spools = spools;
        this.registry = registry;
    }

    /** Why {@code pipeline} is not running as it should (paused by its budget, stopped by an error), or null. */
    public String problem(String pipeline) {
        return problems.get(pipeline);
    }

    @Override
    public void settled(String pipeline, boolean failed) {
        AtomicBoolean stopped = fatallyStopped.get(pipeline);
        if (stopped != null && stopped.get() && !failed && started(pipeline)) {
            // a record written after the fatal stop: the pipeline was started again
            fatallyStopped.remove(pipeline);
            problems.remove(pipeline);
        }
        if (!config.enabled()) {
            return;
        }
        Window window = windows.computeIfAbsent(pipeline, p -> {
            Gauge.builder("sluice.pipeline.paused", paused, map -> map.containsKey(p) ? 1 : 0).tag("pipeline", p)
                    .description("1 while the pipeline's error budget keeps its source paused, else 0")
                    .register(registry);
            return new Window(seconds());
        });
        window.add(System.nanoTime(), failed);
        if (failed && !paused.containsKey(pipeline) && pausable(pipeline)) {
            long[] counts = window.counts(System.nanoTime());
            if (counts[0] >= config.minRecords() && counts[1] >= config.threshold() * counts[0]) {
                pause(pipeline, String.format("paused: %d of the last %d records dead-lettered within %s (threshold %.0f%%)",
                        counts[1], counts[0], config.window(), config.threshold() * 100));
            }
        }
    }

    /**
     * Stops a pipeline that met an error it cannot go on after (out of memory): readiness says why until the pipeline,
     * started again, writes a record; the records it had in flight are read again then.
     */
    @Override
    public void fatal(String pipeline, String where, Throwable error) {
        String reason = "stopped: " + error.getClass().getName() + " in " + where
                + (error instanceof OutOfMemoryError || error.getMessage() == null ? "" : " (" + error.getMessage() + ")")
                + "; " + (error instanceof OutOfMemoryError ? "" : "fix it, then ") + "start it again or restart the "
                + "service";
        AtomicBoolean stopped = new AtomicBoolean();
        fatallyStopped.put(pipeline, stopped);
        problems.put(pipeline, reason);
        LOG.errorf(error, "Pipeline %s %s", pipeline, reason);
        // stop from another thread: this one is the pipeline's own, which the stop waits for
        scheduler.execute(() -> {
            try {
                if (camel.getRoute(pipeline) != null) {
                    camel.getRouteController().stopRoute(pipeline);
                }
            } catch (Exception e) {
                LOG.errorf(e, "Pipeline %s could not be stopped", pipeline);
            } finally {
                stopped.set(true);
            }
        });
    }

    private boolean started(String pipeline) {
        return camel.getRoute(pipeline) != null && camel.getRouteController().getRouteStatus(pipeline).isStarted();
    }

    /** Resumes a paused pipeline now and forgets its recent errors; false if it was not paused. */
    public boolean resume(String pipeline) {
        ScheduledFuture<?> timer = paused.remove(pipeline);
        if (timer == null) {
            return false;
        }
        timer.cancel(false);
        windows.remove(pipeline);
        control(pipeline, "resumed", () -> camel.getRouteController().resumeRoute(pipeline));
        problems.remove(pipeline, problems.get(pipeline) != null && problems.get(pipeline).startsWith("paused")
                ? problems.get(pipeline) : null);
        LOG.infof("Pipeline %s resumed", pipeline);
        return true;
    }

    private synchronized void pause(String pipeline, String reason) {
        if (paused.containsKey(pipeline)) {
            return;
        }
        paused.put(pipeline, scheduler.schedule(() -> resume(pipeline), config.pause().toMillis(), TimeUnit.MILLISECONDS));
        problems.put(pipeline, reason);
        LOG.errorf("Pipeline %s %s; it resumes in %s or on POST /pipelines/%s/resume", pipeline, reason, config.pause(),
                pipeline);
        // suspend from another thread: this one is the pipeline's own, which the suspension waits for
        scheduler.execute(() -> control(pipeline, "paused", () -> camel.getRouteController().suspendRoute(pipeline)));
    }

    /** Suspends or resumes a pipeline whose source can be suspended; logs if that fails. */
    private void control(String pipeline, String done, RouteAction action) {
        Route route = camel.getRoute(pipeline);
        try {
            if (route != null && route.getConsumer() instanceof Suspendable) {
                action.run();
            }
        } catch (Exception e) {
            LOG.errorf(e, "Pipeline %s could not be %s", pipeline, done);
        }
    }

    @FunctionalInterface
    private interface RouteAction {
        void run() throws Exception;
    }

    /** Whether the pipeline's source can be paused: a file or Kafka source, not HTTP senders or Java code. */
    private boolean pausable(String pipeline) {
        Route route = camel.getRoute(pipeline);
        return route != null && route.getConsumer() instanceof Suspendable && spools.spool(pipeline).isEmpty();
    }

    private int seconds() {
        return (int) Math.max(1, config.window().toSeconds());
    }

    @Override
    public void senderSettled(String pipeline, String sender, boolean failed, String reason) {
        if (!config.enabled()) {
            return;
        }
        senders.computeIfAbsent(pipeline + "\n" + sender, key -> new SenderWindow(seconds()))
                .add(System.nanoTime(), failed, reason);
    }

    /**
     * Why a sender's posts to an HTTP-fed pipeline are refused now: over the window, at least {@code min-records} of
     * its records settled and the share dead-lettered reached the threshold; null when they are not. The refusal
     * ends by itself as those records age out of the window.
     */
    public SenderRefusal senderRefusal(String pipeline, String sender) {
        SenderWindow window = senders.get(pipeline + "\n" + sender);
        if (!config.enabled() || window == null) {
            return null;
        }
        long[] counts = window.counts(System.nanoTime());
        if (counts[0] < config.minRecords() || counts[1] < config.threshold() * counts[0]) {
            return null;
        }
        return new SenderRefusal(String.format("%d of your last %d records to %s were dead-lettered within %s "
                + "(threshold %.0f%%): fix them before you send more; posts are taken again as they age out of that "
                + "time", counts[1], counts[0], pipeline, config.window(), config.threshold() * 100),
                window.reasons(), config.window().toSeconds());
    }

    /** A sender's refusal: why, the reasons its last records failed, and when to try again (seconds). */
    public record SenderRefusal(String error, List<String> reasons, long retryAfterSeconds) {
    }

    /** A {@link Window} that also keeps the last few distinct reasons of its failures. */
    static final class SenderWindow extends Window {
        private static final int REASONS = 5;
        private final Deque<String> reasons = new ArrayDeque<>();

        SenderWindow(int seconds) {
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

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
    }

    /** Counts of settled and dead-lettered records over the last {@code seconds} seconds, one bucket a second. */
    static class Window {
        private final long[] settled;
        private final long[] failed;
        private final long[] second;

        Window(int seconds) {
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
    }
}
