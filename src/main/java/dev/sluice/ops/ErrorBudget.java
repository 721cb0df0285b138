package dev.sluice.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.config.SluiceConfig;
import dev.sluice.metrics.SettleListener;
import dev.sluice.dependency.DependencyHealth;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Suspendable;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Pauses a pipeline whose records go to the dead-letter queue too often: when, over {@code sluice.error-budget.window},
 * at least {@code min-records} records settled and the share dead-lettered reaches {@code threshold}, the pipeline's
 * source is suspended (nothing more is consumed; nothing in flight is lost), readiness says why, and the pipeline
 * resumes by itself after {@code pause} or on {@code POST /pipelines/{name}/resume}. A source that cannot be
 * suspended (records fed by Java code or HTTP) is only reported.
 */
@ApplicationScoped
public class ErrorBudget implements SettleListener {

    private static final Logger LOG = Logger.getLogger(ErrorBudget.class);

    private final SluiceConfig.ErrorBudget config;
    private final CamelContext camel;
    private final DependencyHealth health;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> paused = new ConcurrentHashMap<>();
    /** Pipelines stopped by a fatal error, with whether the stop is over (a record written after it clears it). */
    private final Map<String, AtomicBoolean> fatallyStopped = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice error budget");
        thread.setDaemon(true);
        return thread;
    });

    public ErrorBudget(SluiceConfig config, CamelContext camel, @Readiness DependencyHealth health) {
        this.config = config.errorBudget();
        this.camel = camel;
        this.health = health;
    }

    @Override
    public void settled(String pipeline, boolean failed) {
        AtomicBoolean stopped = fatallyStopped.get(pipeline);
        if (stopped != null && stopped.get() && !failed && started(pipeline)) {
            // a record written after the fatal stop: the pipeline was started again
            fatallyStopped.remove(pipeline);
            health.ok(healthName(pipeline));
        }
        if (!config.enabled()) {
            return;
        }
        Window window = windows.computeIfAbsent(pipeline, p -> new Window((int) Math.max(1, config.window().toSeconds())));
        window.add(System.nanoTime(), failed);
        if (failed && !paused.containsKey(pipeline)) {
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
        String reason = "stopped: " + error.getClass().getName() + " in " + where + "; start it again or restart the "
                + "service";
        AtomicBoolean stopped = new AtomicBoolean();
        fatallyStopped.put(pipeline, stopped);
        health.failing(healthName(pipeline), new IllegalStateException(reason));
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
        health.ok(healthName(pipeline));
        LOG.infof("Pipeline %s resumed", pipeline);
        return true;
    }

    private synchronized void pause(String pipeline, String reason) {
        if (paused.containsKey(pipeline)) {
            return;
        }
        paused.put(pipeline, scheduler.schedule(() -> resume(pipeline), config.pause().toMillis(), TimeUnit.MILLISECONDS));
        health.failing(healthName(pipeline), new IllegalStateException(reason));
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

    /** The name readiness gives a pipeline's problem. */
    static String healthName(String pipeline) {
        return "pipeline " + pipeline;
    }

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
    }

    /** Counts of settled and dead-lettered records over the last {@code seconds} seconds, one bucket a second. */
    static final class Window {
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
