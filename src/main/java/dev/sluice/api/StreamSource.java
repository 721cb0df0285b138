package dev.sluice.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.StreamPermit;
import dev.sluice.source.RecordFeed;

/**
 * Records handed to a running pipeline by your code ({@link #ingest}) or over HTTP. A record counts against the
 * capacity from the moment it is handed in until it is written or dead-lettered; when the capacity is used up,
 * {@code ingest} waits ({@link WhenFull#BLOCK}) or throws {@link StreamFullException} ({@link WhenFull#FAIL}), so a
 * sink that falls behind never makes memory grow. The stream's {@link RecordFeed} hands the records to the pipeline
 * in the order they came.
 */
public final class StreamSource extends FedSource {

    /** What {@link #ingest} does when the stream is full. */
    public enum WhenFull {
        /** Wait until the pipeline has written records. */
        BLOCK,
        /** Throw {@link StreamFullException} at once. */
        FAIL
    }

    private final int capacity;
    private final WhenFull whenFull;
    private final Semaphore room;
    private final StreamPermit permit;
    private final AtomicLong handedIn = new AtomicLong();
    private volatile Pipeline pipeline;
    private volatile RecordFeed feed;

    StreamSource(int capacity, WhenFull whenFull) {
        this.capacity = capacity;
        this.whenFull = whenFull;
        this.room = new Semaphore(capacity);
        this.permit = new StreamPermit(room);
    }

    /** Hands one record to the pipeline. */
    public void ingest(Map<String, Object> record) throws InterruptedException {
        try {
            ingest(Json.writeBytes(record));
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException("Record cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Hands one record, as JSON bytes, to the pipeline; it is parsed and checked there like a line of a file. */
    public void ingest(byte[] json) throws InterruptedException {
        RecordFeed running = running();
        if (whenFull == WhenFull.BLOCK) {
            room.acquire();
        } else if (!room.tryAcquire()) {
            throw new StreamFullException(pipeline.name(), capacity);
        }
        offer(running, json);
    }

    /** Hands in all the records or none: throws {@link StreamFullException} if they do not all fit now. */
    public void ingestAll(List<byte[]> records) {
        RecordFeed running = running();
        if (!room.tryAcquire(records.size())) {
            throw new StreamFullException(pipeline.name(), capacity);
        }
        for (int i = 0; i < records.size(); i++) {
            try {
                offer(running, records.get(i));
            } catch (IllegalStateException | InterruptedException stopped) {
                room.release(records.size() - i - 1); // the record that failed gave its room back itself
                if (stopped instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("Pipeline " + pipeline.name() + " is stopping", stopped);
            }
        }
    }

    /** Records handed in and not yet written or dead-lettered. */
    public int held() {
        return capacity - room.availablePermits();
    }

    private RecordFeed running() {
        RecordFeed current = feed;
        if (current == null) {
            throw new IllegalStateException("Pipeline " + (pipeline == null ? "?" : pipeline.name()) + " is not running");
        }
        return current;
    }

    private void offer(RecordFeed running, byte[] json) throws InterruptedException {
        RecordOrigin record = new RecordOrigin(pipeline.stats(), new Location.Item("stream", handedIn.incrementAndGet()),
                json, permit, false);
        try {
            running.offer(record);
        } catch (IllegalStateException | InterruptedException stopped) {
            record.abandon(stopped);
            throw stopped;
        }
    }

    @Override
    boolean bounded() {
        return false;
    }

    @Override
    void start(Pipeline pipeline) {
        this.pipeline = pipeline;
        // the permits bound what is in the stream: the queue itself need not
        RecordFeed started = pipeline.api().feed(pipeline.name(), uri(pipeline.name()), Integer.MAX_VALUE);
        started.start();
        feed = started;
    }

    /** Stops taking records, and hands on those already taken before returning. */
    @Override
    void stop(Pipeline pipeline) throws InterruptedException {
        RecordFeed running = feed;
        if (running != null) {
            running.stop();
        }
    }
}
