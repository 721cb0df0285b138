package dev.sluice.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import dev.sluice.source.FileInputs;
import dev.sluice.source.InputProgress;
import dev.sluice.source.Location;
import dev.sluice.source.RecordOrigin;
import dev.sluice.stage.Json;
import org.apache.camel.Route;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

/** The sources a Java pipeline can read: the same connectors as the YAML pipelines, or your own. */
public final class Sources {

    private Sources() {
    }

    /**
     * {@code *.jsonl} files dropped into {@code dir}, read line by line; a file moves to {@code dir/../done} once all
     * its records are written or dead-lettered. Bounded for {@link Pipeline#run()}: the run ends when the directory
     * holds no file to read.
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
     * Records handed in by {@link StreamSource#ingest}, by a {@link StreamProcessor} or over HTTP
     * ({@code POST /pipelines/{name}/records}); at most {@code capacity} of them are in the pipeline at once.
     */
    public static StreamSource stream(int capacity, StreamSource.WhenFull whenFull) {
        return new StreamSource(capacity, whenFull);
    }

    static final class Files extends Source {
        private final Path dir;

        Files(Path dir) {
            this.dir = dir;
        }

        @Override
        String uri(String pipeline) {
            return "file:" + dir + "?include=RAW(.*\\.jsonl)&readLock=changed&readLockMinAge=1000"
                    + "&readLockCheckInterval=250&sortBy=RAW(file:modified;file:name)"
                    + "&move=RAW(../done/${file:name.noext}-${date:now:yyyyMMdd-HHmmssSSS}.jsonl)";
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
        void runToEnd(Pipeline pipeline) throws InterruptedException {
            Route route = pipeline.api().camel().getRoute(pipeline.name());
            int quiet = 0;
            while (quiet < 2) {
                Thread.sleep(100);
                boolean idle = !FileInputs.pending(route)
                        && pipeline.api().camel().getInflightRepository().size(pipeline.name()) == 0;
                quiet = idle ? quiet + 1 : 0;
            }
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
    }

    static final class Java extends FedSource {
        private final DataSource source;
        private volatile Thread feeder;

        Java(DataSource source) {
            this.source = source;
        }

        @Override
        boolean bounded() {
            return true;
        }

        @Override
        void runToEnd(Pipeline pipeline) throws Exception {
            InputProgress progress = new InputProgress();
            feed(pipeline, progress);
            CompletableFuture<Void> settled = new CompletableFuture<>();
            if (progress.whenSettled(() -> settled.complete(null))) {
                settled.complete(null);
            }
            settled.join();
        }

        /** For an unbounded source: feeds on a thread of its own until {@link #stop}. */
        @Override
        void start(Pipeline pipeline) {
            feeder = new Thread(() -> {
                try {
                    feed(pipeline, new InputProgress());
                } catch (Exception e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        throw new CompletionException(e);
                    }
                }
            }, "Sluice source " + pipeline.name());
            feeder.start();
        }

        @Override
        void stop(Pipeline pipeline) throws InterruptedException {
            Thread running = feeder;
            if (running != null) {
                running.interrupt();
                running.join(Duration.ofSeconds(10).toMillis());
            }
        }

        private void feed(Pipeline pipeline, InputProgress progress) throws Exception {
            String uri = uri(pipeline.name());
            Iterator<Map<String, Object>> records = source.records();
            long index = 0;
            while (!Thread.currentThread().isInterrupted() && records.hasNext()) {
                byte[] payload = Json.MAPPER.writeValueAsBytes(records.next());
                RecordOrigin origin = new RecordOrigin(pipeline.stats(), new Location.Item(source.name(), ++index),
                        payload, progress, false);
                pipeline.api().producer().sendBody(uri, origin);
            }
        }
    }
}
