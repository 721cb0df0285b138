package dev.sluice.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.source.Location;
import dev.sluice.source.RecordOrigin;
import dev.sluice.source.SourceAck;
import dev.sluice.stage.Json;

/**
 * Records handed to a running pipeline by your code ({@link #ingest}) or over HTTP. A record counts against the
 * capacity from the moment it is handed in until it is written or dead-lettered; when the capacity is used up,
 * {@code ingest} waits ({@link WhenFull#BLOCK}) or throws {@link StreamFullException} ({@link WhenFull#FAIL}), so a
 * sink that falls behind never makes memory grow. One thread of the stream hands the records to the pipeline in the
 * order they came.
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
    private final LinkedBlockingQueue<RecordOrigin> waiting = new LinkedBlockingQueue<>();
    private final AtomicLong handedIn = new AtomicLong();
    private volatile Pipeline pipeline;
    private volatile boolean running;
    private Thread feeder;

    StreamSource(int capacity, WhenFull whenFull) {
        this.capacity = capacity;
        this.whenFull = whenFull;
        this.room = new Semaphore(capacity);
    }

    /** Hands one record to the pipeline. */
    public void ingest(Map<String, Object> record) throws InterruptedException {
        try {
            ingest(Json.MAPPER.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Record cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Hands one record, as JSON bytes, to the pipeline; it is parsed and checked there like a line of a file. */
    public void ingest(byte[] json) throws InterruptedException {
        checkRunning();
        if (whenFull == WhenFull.BLOCK) {
            room.acquire();
        } else if (!room.tryAcquire()) {
            throw new StreamFullException(pipeline.name(), capacity);
        }
        enqueue(json);
    }

    /** Hands in all the records or none: throws {@link StreamFullException} if they do not all fit now. */
    public void ingestAll(List<byte[]> records) {
        checkRunning();
        if (!room.tryAcquire(records.size())) {
            throw new StreamFullException(pipeline.name(), capacity);
        }
        records.forEach(this::enqueue);
    }

    /** True while the pipeline runs and takes records. */
    public boolean isRunning() {
        return running;
    }

    private void checkRunning() {
        if (!running) {
            throw new IllegalStateException("Pipeline " + (pipeline == null ? "?" : pipeline.name()) + " is not running");
        }
    }

    private void enqueue(byte[] json) {
        SourceAck permit = new SourceAck() {
            @Override
            public void retain() {
                // the room was taken when the record was handed in
            }

            @Override
            public void release() {
                room.release();
            }

            @Override
            public void abandon(Exception cause) {
                room.release();
            }
        };
        waiting.add(new RecordOrigin(pipeline.stats(), new Location.Item("stream", handedIn.incrementAndGet()), json,
                permit, false));
    }

    @Override
    boolean bounded() {
        return false;
    }

    @Override
    void start(Pipeline pipeline) {
        this.pipeline = pipeline;
        running = true;
        String uri = uri(pipeline.name());
        feeder = new Thread(() -> {
            try {
                while (running || !waiting.isEmpty()) {
                    RecordOrigin next = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        pipeline.api().producer().sendBody(uri, next);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "Sluice stream " + pipeline.name());
        feeder.start();
    }

    /** Stops taking records, and hands on those already taken before returning. */
    @Override
    void stop(Pipeline pipeline) throws InterruptedException {
        running = false;
        if (feeder != null) {
            feeder.join();
        }
    }
}
