package dev.sluice.api;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.sluice.record.InputProgress;
import dev.sluice.record.Json;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.config.SluiceConfig;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.source.FileInputs;
import dev.sluice.source.HttpSpool;
import dev.sluice.source.RecordFeed;
import org.apache.camel.Route;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.jboss.logging.Logger;

/** The sources a Java pipeline can read: the same connectors as the YAML pipelines, or your own. */
public final class Sources {

    private Sources() {
    }

    /**
     * {@code *.jsonl} files dropped into {@code dir}, read line by line as the YAML file pipelines read them; a file
     * moves to {@code dir/../done} once all its records are written or dead-lettered. Bounded for
     * {@link Pipeline#run()}: the run ends when the directory holds no file to read, and fails when a file does.
     */
    public static Source jsonLines(Path dir) {
        return new Files(dir);
    }

    /** A Kafka topic, read by the consumer group {@code groupId}; offsets committed as records settle. Unbounded. */
    public static Source kafka(String topic, String groupId) {
        return new Kafka(topic, groupId);
    }

    /** Records your code yields; bounded if its iterator ends. */
    public static Source of(DataSource source) {
        return new Java(source);
    }

    /**
     * Records handed in by {@link StreamSource#ingest} or by a {@link StreamProcessor}; at most {@code capacity} of
     * them are in the pipeline at once. In memory: a crash loses those not yet written.
     */
    public static StreamSource stream(int capacity, StreamSource.WhenFull whenFull) {
        return new StreamSource(capacity, whenFull);
    }

    /**
     * Records posted to {@code POST /pipelines/{name}/records}: each accepted request is on disk (the spool under
     * {@code sluice.http.spool-dir}) before it is answered 202, and read like a file; see docs/delivery-guarantees.md.
     */
    public static Source http() {
        return new Http();
    }

    static class Files extends Source {
        final Path dir;

        Files(Path dir) {
            this.dir = dir;
        }

        /** The directory only: the engine adds the file consumer options every file pipeline shares. */
        @Override
        String uri(String pipeline) {
            return "file:" + dir;
        }

        @Override
        void route(RouteDefinition route, SluiceApi api, Consumer<ProcessorDefinition<?>> recordSteps) {
            ProcessorDefinition<?> split = route.split().method("jsonLines", "split").streaming();
            recordSteps.accept(split);
            split.end().process(api.awaitSettled());
        }

        @Override
        boolean bounded() {
            return true;
        }

        @Override
        boolean pausable() {
            return true;
        }

        @Override
        void runToEnd(Pipeline pipeline) throws InterruptedException {
            String name = pipeline.name();
            Route route = pipeline.api().camel().getRoute(name);
            PipelineRuntime runtime = pipeline.runtime();
            long failedBefore = runtime.failedInputs();
            int quiet = 0;
            while (quiet < 2) {
                Thread.sleep(100);
                if (runtime.failedInputs() > failedBefore) {
                    throw new IllegalStateException("Pipeline " + name + " could not process a file, which stays in "
                            + dir + ": " + runtime.lastFailedInput());
                }
                boolean idle = !FileInputs.pending(route)
                        && pipeline.api().camel().getInflightRepository().size(name) == 0;
                quiet = idle ? quiet + 1 : 0;
            }
        }
    }

    /** The spool of an HTTP-fed pipeline, read as a directory whose files appear whole (renamed in) and are deleted once done. */
    static final class Http extends Source {
        private volatile HttpSpool spool;

        @Override
        String uri(String pipeline) {
            return spool.consumerUri();
        }

        @Override
        void route(RouteDefinition route, SluiceApi api, Consumer<ProcessorDefinition<?>> recordSteps) {
            ProcessorDefinition<?> split = route.split().method("jsonLines", "split").streaming();
            recordSteps.accept(split);
            split.end().process(api.awaitSettled());
        }

        @Override
        boolean bounded() {
            return false;
        }

        @Override
        void prepare(Pipeline pipeline) {
            SluiceConfig.Http config = pipeline.api().config().http();
            spool = new HttpSpool(Path.of(config.spoolDir(), pipeline.name()), config.maxSpoolBytes(),
                    config.maxSenderShare());
        }

        @Override
        void start(Pipeline pipeline) {
            pipeline.runtime().attach(HttpSpool.class, spool);
        }

        @Override
        void stop(Pipeline pipeline) {
            pipeline.runtime().detach(HttpSpool.class, spool);
        }
    }

    static final class Kafka extends Source {
        private final String topic;
        private final String groupId;

        Kafka(String topic, String groupId) {
            this.topic = topic;
            this.groupId = groupId;
        }

        @Override
        String uri(String pipeline) {
            return "kafka:" + topic + "?groupId=" + groupId;
        }

        @Override
        void route(RouteDefinition route, SluiceApi api, Consumer<ProcessorDefinition<?>> recordSteps) {
            recordSteps.accept(route.process(api.kafkaRecords()));
        }

        @Override
        boolean bounded() {
            return false;
        }

        @Override
        boolean pausable() {
            return true;
        }
    }

    /** A {@link DataSource}: its records go to the pipeline through a {@link RecordFeed}, like those of a stream. */
    static final class Java extends FedSource {
        private static final Logger LOG = Logger.getLogger(Java.class);
        /** Records read ahead of the pipeline: enough to keep it busy, few enough to hold in memory. */
        private static final int FEED_CAPACITY = 1000;

        private final DataSource source;
        private volatile Thread reader;

        Java(DataSource source) {
            this.source = source;
        }

        @Override
        boolean bounded() {
            return true;
        }

        /** Feeds every record, waits until all are settled; fails if the source did, or a record could not settle. */
        @Override
        void runToEnd(Pipeline pipeline) throws Exception {
            InputProgress progress = new InputProgress();
            RecordFeed feed = pipeline.api().feed(pipeline.name(), uri(pipeline.name()), FEED_CAPACITY);
            feed.start();
            try {
                read(pipeline, feed, progress);
            } finally {
                feed.stop();
                CompletableFuture<Void> settled = new CompletableFuture<>();
                if (progress.whenSettled(() -> settled.complete(null))) {
                    settled.complete(null);
                }
                settled.join();
            }
            if (progress.failure() != null) {
                throw new IllegalStateException("Pipeline " + pipeline.name() + " could not settle every record of "
                        + source.name() + ": " + progress.failure(), progress.failure());
            }
        }

        /** For an unbounded source: reads on a thread of its own until {@link #stop}. */
        @Override
        void start(Pipeline pipeline) {
            RecordFeed feed = pipeline.api().feed(pipeline.name(), uri(pipeline.name()), FEED_CAPACITY);
            feed.start();
            reader = new Thread(() -> {
                try {
                    read(pipeline, feed, new InputProgress());
                } catch (Exception e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        LOG.errorf(e, "Source %s of pipeline %s failed; it reads no more", source.name(), pipeline.name());
                    }
                } finally {
                    try {
                        feed.stop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "Sluice source " + pipeline.name());
            reader.start();
        }

        @Override
        void stop(Pipeline pipeline) throws InterruptedException {
            Thread running = reader;
            if (running != null) {
                running.interrupt();
                running.join();
            }
        }

        /**
         * Feeds the source's records; whatever the source's own code throws, an {@link Error} included, ends the read
         * with a failure naming the source (there is no record to dead-letter), after the records fed before it.
         */
        private void read(Pipeline pipeline, RecordFeed feed, InputProgress progress) throws Exception {
            long index = 0;
            try {
                Iterator<Map<String, Object>> records = source.records();
                while (!Thread.currentThread().isInterrupted() && records.hasNext()) {
                    byte[] payload = Json.writeBytes(records.next());
                    feed.offer(new RecordOrigin(pipeline.stats(), new Location.Item(source.name(), ++index), payload,
                            progress, false));
                }
            } catch (InterruptedException | OutOfMemoryError e) {
                throw e;
            } catch (Exception | Error e) {
                throw new IllegalStateException("Source " + source.name() + " of pipeline " + pipeline.name()
                        + " failed after " + index + " records: " + e, e);
            }
        }
    }
}
