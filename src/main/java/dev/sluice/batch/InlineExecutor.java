package dev.sluice.batch;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a completed batch on the thread that completed it. Camel's aggregator would otherwise queue up to a thousand
 * completed batches for one writer thread; written inline, a slow sink slows the source instead, and memory
 * holds at most the open batch.
 */
final class InlineExecutor extends AbstractExecutorService {

    static final InlineExecutor INSTANCE = new InlineExecutor();

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
        // nothing to stop: no threads of its own
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
