package dev.sluice.source;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.sluice.record.RecordOrigin;
import dev.sluice.runtime.PipelineRuntime;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.jboss.logging.Logger;

/**
 * Records handed to a running pipeline from outside Camel (Java code, HTTP): a queue, and one thread that hands them
 * to the pipeline's route in the order they came. The thread outlives any failure of a record: a record the route
 * fails is settled by the route (dead-lettered, or abandoned when even that failed), and the next one goes; while the
 * route takes nothing (paused by its error budget) the record waits and is offered again, and readiness says why.
 * {@link #stop} takes no more records, hands on those taken, and returns once the queue is empty.
 */
public final class RecordFeed {

    private static final Logger LOG = Logger.getLogger(RecordFeed.class);
    private static final long MAX_PAUSE_MILLIS = 1000;
    /** What the pipeline holds back while its route takes no records: readiness names it. */
    private static final String FEED = "feed";

    private final String pipeline;
    private final String uri;
    private final ProducerTemplate producer;
    private final PipelineRuntime runtime;
    private final LinkedBlockingQueue<RecordOrigin> waiting;
    /** Offers hold it shared, {@link #stop} exclusively: no record is queued after the feeder was told to end. */
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean running;
    private Thread feeder;

    /** @param capacity records queued at most; {@link #offer} waits while that many are */
    public RecordFeed(PipelineRuntime runtime, String uri, ProducerTemplate producer, int capacity) {
        this.pipeline = runtime.name();
        this.runtime = runtime;
        this.uri = uri;
        this.producer = producer;
        this.waiting = new LinkedBlockingQueue<>(capacity);
    }

    public synchronized void start() {
        running = true;
        feeder = new Thread(this::feed, "Sluice feed " + pipeline);
        feeder.start();
    }

    /**
     * Queues a record for the pipeline, waiting while the queue is full; throws {@link IllegalStateException} once
     * the feed is stopped.
     */
    public void offer(RecordOrigin record) throws InterruptedException {
        lock.readLock().lockInterruptibly();
        try {
            if (!running) {
                throw new IllegalStateException("Pipeline " + pipeline + " is not running");
            }
            waiting.put(record);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Takes no more records and waits until those taken are handed to the pipeline. */
    public void stop() throws InterruptedException {
        lock.writeLock().lock();
        try {
            running = false;
        } finally {
            lock.writeLock().unlock();
        }
        Thread thread;
        synchronized (this) {
            thread = feeder;
        }
        if (thread != null && thread != Thread.currentThread()) {
            thread.join();
        }
        runtime.release(this, FEED);
    }

    private boolean isRunning() {
        return running;
    }

    private void feed() {
        try {
            while (isRunning() || !waiting.isEmpty()) {
                RecordOrigin next = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (next != null) {
                    handOn(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandonWaiting(e);
        }
    }

    private void handOn(RecordOrigin record) throws InterruptedException {
        long pause = 50;
        while (true) {
            try {
                producer.sendBody(uri, record);
                runtime.release(this, FEED);
                return;
            } catch (CamelExecutionException e) {
                if (!(e.getCause() instanceof DirectConsumerNotAvailableException)) {
                    // the route ran and failed the record: it is settled or abandoned there; go on with the next
                    LOG.errorf("Pipeline %s failed record %s: %s", pipeline, record, e.getCause());
                    return;
                }
                if (!isRunning()) {
                    record.abandon(e);
                    abandonWaiting(e);
                    return;
                }
                runtime.hold(this, FEED, "the pipeline takes no records (paused or stopped)");
                Thread.sleep(pause);
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Pipeline %s could not take record %s", pipeline, record);
                record.abandon(e);
                return;
            }
        }
    }

    private void abandonWaiting(Exception cause) {
        for (RecordOrigin left = waiting.poll(); left != null; left = waiting.poll()) {
            left.abandon(cause);
        }
    }
}
