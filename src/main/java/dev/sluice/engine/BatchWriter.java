package dev.sluice.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes one aggregator's closed batches, one at a time and in order. Camel's default would queue up
 * to a thousand closed batches for its writer; here at most one waits, and whoever closes the next one (the reader,
 * or the timeout checker) waits until the writer takes it. A slow sink therefore slows the reader, and memory holds
 * at most the open batches (one per consumer thread of a Kafka pipeline), the waiting one and the one being written.
 */
final class BatchWriter extends ThreadPoolExecutor {

    BatchWriter(String routeId) {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1), task -> {
            Thread thread = new Thread(task, "Sluice batch writer " + routeId);
            thread.setDaemon(true);
            return thread;
        }, (task, executor) -> {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("The batch writer of " + routeId + " is stopped");
            }
            try {
                executor.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("Interrupted while waiting for the batch writer of " + routeId, e);
            }
        });
    }
}
