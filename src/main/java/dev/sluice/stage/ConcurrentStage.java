package dev.sluice.stage;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import dev.sluice.record.RecordOrigin;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.UnitOfWorkHelper;

/**
 * Runs an {@link AsyncPipelineStage} on up to {@code concurrency} records at once, without holding a thread. A
 * record entering the stage frees its route at once: a copy of its exchange, which takes over the exchange's
 * completions (the record's settling), goes on to {@code next}, the rest of the pipeline as a route of its own.
 * Records leave in the order they entered, so the order per key and per partition is kept; a record that entered
 * after a slower one waits for it. When {@code concurrency} records are in the stage, the next one waits (its route's
 * callback is held) until the first leaves: the source slows down, nothing piles up.
 *
 * <p>A record the stage fails leaves with the failure on its {@link RecordOrigin}: the next route starts with
 * {@link #rethrowFailure}, so the record is dead-lettered like any failed record.
 */
public final class ConcurrentStage extends AsyncProcessorSupport {

    private final AsyncPipelineStage stage;
    private final int concurrency;
    private final Consumer<Exchange> next;
    /** Records in the stage, in the order they entered. */
    private final ArrayDeque<Entry> window = new ArrayDeque<>();
    /** Records waiting to enter, with their routes' callbacks. */
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    private boolean draining;
    /**
     * Answers are handled here, not on the thread that gave them (an HTTP client's event loop, say): what follows a
     * record (the rest of the pipeline, the next record's read) must not run on someone else's thread.
     */
    private final ExecutorService drainer;

    public ConcurrentStage(AsyncPipelineStage stage, int concurrency, Consumer<Exchange> next) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("Stage " + stage.name() + ": concurrency must be at least 1, not "
                    + concurrency);
        }
        this.stage = stage;
        this.concurrency = concurrency;
        this.next = next;
        this.drainer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "Sluice stage " + stage.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Ends the thread that hands records on; call once the stage is empty ({@link #awaitEmpty}). */
    public void close() {
        drainer.shutdown();
    }

    public String name() {
        return stage.name();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Entry entry = new Entry(ExchangeHelper.createCorrelatedCopy(exchange, true), callback);
        synchronized (this) {
            if (window.size() >= concurrency) {
                waiting.add(entry);
                return false;
            }
            window.add(entry);
        }
        start(entry);
        callback.done(true);
        return true;
    }

    /** The first step of the route after the stage: fails the record the stage failed. */
    public static void rethrowFailure(Exchange exchange) throws Exception {
        RecordOrigin origin = RecordOrigin.of(exchange);
        Exception failure = origin == null ? null : origin.takeStageFailure();
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits until every record in the stage has left it, at most {@code timeout}; true if none is left. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!window.isEmpty() || !waiting.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    private void start(Entry entry) {
        CompletableFuture<Map<String, Object>> answer = StageRunner.start(stage, entry.exchange);
        answer.whenCompleteAsync((record, error) -> {
            StageRunner.complete(stage, entry.exchange, answer);
            Exception failure = entry.exchange.getException();
            if (failure != null) {
                entry.exchange.setException(null);
                RecordOrigin.of(entry.exchange).stageFailed(failure);
            }
            synchronized (this) {
                entry.answered = true;
                if (draining) {
                    return;
                }
                draining = true;
            }
            drain();
        }, drainer);
    }

    /** Sends the answered records at the head of the window on, in order; one thread at a time drains. */
    private void drain() {
        while (true) {
            Entry head;
            synchronized (this) {
                head = window.peek();
                if (head == null || !head.answered) {
                    draining = false;
                    notifyAll();
                    return;
                }
            }
            if (head.exchange.isRouteStop()) {
                // dropped by the stage: a stopped exchange is not routed, so its end (which settles it) is here
                UnitOfWorkHelper.doneSynchronizations(head.exchange,
                        head.exchange.getExchangeExtension().handoverCompletions());
            } else {
                try {
                    next.accept(head.exchange);
                } catch (RuntimeException e) {
                    // the rest of the pipeline is gone (stopped): the record fails, so it is read again
                    head.exchange.setException(e);
                    UnitOfWorkHelper.doneSynchronizations(head.exchange,
                            head.exchange.getExchangeExtension().handoverCompletions());
                }
            }
            Entry admitted;
            synchronized (this) {
                window.poll();
                admitted = waiting.poll();
                if (admitted != null) {
                    window.add(admitted);
                }
            }
            if (admitted != null) {
                start(admitted);
                admitted.callback.done(false);
            }
        }
    }

    private static final class Entry {
        final Exchange exchange;
        final AsyncCallback callback;
        boolean answered;

        Entry(Exchange exchange, AsyncCallback callback) {
            this.exchange = exchange;
            this.callback = callback;
        }
    }
}
