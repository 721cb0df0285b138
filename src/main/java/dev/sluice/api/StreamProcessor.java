package dev.sluice.api;

import java.time.Duration;
import java.util.Map;

/**
 * Batches records handed in one by one and gives each batch to a handler: Camel's aggregator underneath, flushing at
 * the batch size, at the end of the window, and on {@link #close()}. {@link #ingest} blocks (or fails fast, by
 * choice) while {@code capacity} records are waiting for the handler, so a slow handler slows its callers instead
 * of filling memory. A handler that throws is handled by the sink failure policy of {@link DataSink}.
 *
 * <pre>
 * try (StreamProcessor processor = sluice.streamProcessor("readings").batchSize(100).window(Duration.ofSeconds(1))
 *         .onBatch(batch -&gt; repository.saveAll(batch)).build()) {
 *     readings.forEach(processor::ingest);
 * }
 * </pre>
 */
public final class StreamProcessor implements AutoCloseable {

    private final Pipeline pipeline;
    private final StreamSource stream;

    private StreamProcessor(Pipeline pipeline, StreamSource stream) {
        this.pipeline = pipeline;
        this.stream = stream;
    }

    /** Hands one record to the processor; waits, or throws {@link StreamFullException}, while it is full. */
    public void ingest(Map<String, Object> record) {
        try {
            stream.ingest(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for room in " + pipeline.name(), e);
        }
    }

    /**
     * The seed's five figures of this processor so far: records the handler took, filtered, errors (records
     * dead-lettered after the handler kept failing on them), seconds and records per second. After {@link #close()},
     * the final ones.
     */
    public RunMetrics metrics() {
        return pipeline.metrics();
    }

    /** Writes the open batch, waits for the handler, and stops. */
    @Override
    public void close() throws Exception {
        pipeline.stop();
    }

    /** Configures a {@link StreamProcessor}; {@link #build()} starts it. */
    public static final class Builder {
        private final SluiceApi api;
        private final String name;
        private Integer batchSize;
        private Duration window;
        private int capacity = 10_000;
        private StreamSource.WhenFull whenFull = StreamSource.WhenFull.BLOCK;
        private DataSink handler;

        Builder(SluiceApi api, String name) {
            this.api = api;
            this.name = name;
        }

        /** Records per batch (default {@code sluice.batch.size}). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Longest a batch waits after its first record (default {@code sluice.batch.window}). */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** How many records may wait for the handler before {@code ingest} blocks or fails (default 10,000). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** What {@code ingest} does when the processor is full: wait (default) or throw. */
        public Builder whenFull(StreamSource.WhenFull whenFull) {
            this.whenFull = whenFull;
            return this;
        }

        public Builder onBatch(DataSink handler) {
            this.handler = handler;
            return this;
        }

        public StreamProcessor build() throws Exception {
            StreamSource stream = Sources.stream(capacity, whenFull);
            Pipeline pipeline = api.pipeline(name).from(stream).to(handler);
            if (batchSize != null || window != null) {
                pipeline.batch(batchSize != null ? batchSize : api.config().batch().size(),
                        window != null ? window : api.config().batch().window());
            }
            pipeline.start();
            return new StreamProcessor(pipeline, stream);
        }
    }
}
