package dev.sluice.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.sluice.deadletter.DeadLetter;
import dev.sluice.deadletter.DeadLetterFilter;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.record.InputProgress;
import dev.sluice.record.RecordOrigin;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.source.FileInput;
import dev.sluice.source.Replay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.jboss.logging.Logger;

/**
 * The dead letters of a pipeline, listed, filtered and sent back through the pipeline: a replayed record goes
 * through the pipeline's own route (its parse step, stages and sink), as it was first read (same payload, same
 * origin, so the idempotent write absorbs a second replay), and is acknowledged to the replay, never to its source.
 * What became of each one (written, filtered, dead-lettered again and why) is noted beside the dead letters.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    /** How long a replay waits for its records to be written. */
    static final long SETTLE_SECONDS = 120;
    /** A replay sends its dead letters in chunks of at most this many records or bytes, so any number fits in memory. */
    static final int CHUNK_RECORDS = 500;
    static final long CHUNK_BYTES = 8L << 20;
    /** The outcomes a replay answers one by one; beyond, only their counts. */
    static final int MAX_RESULTS = 1000;

    /** One replayed dead letter: what became of it, and why if it failed again. */
    public record Outcome(String id, String outcome, String reason) {
    }

    private final CamelContext camel;
    private final DeadLetterStore store;
    private final PipelineRuntimes runtimes;
    private final MeterRegistry registry;

    public DeadLetters(CamelContext camel, DeadLetterStore store, PipelineRuntimes runtimes,
            MeterRegistry registry) {
        this.camel = camel;
        this.store = store;
        this.runtimes = runtimes;
        this.registry = registry;
    }

    /** A page of the dead letters of {@code pipeline} that match, newest first. */
    public DeadLetterStore.Page page(String pipeline, DeadLetterFilter filter, int offset, int limit) {
        return store.page(pipeline, topics(pipeline), filter, offset, limit);
    }

    /** The dead letter {@code id} of {@code pipeline}. */
    public Optional<DeadLetter> find(String pipeline, String id) {
        return store.find(pipeline, topics(pipeline), id);
    }

    /** What a replay did: counts by outcome, and the first {@link #MAX_RESULTS} outcomes one by one. */
    public record Replayed(long replayed, Map<String, Long> outcomes, List<Outcome> results) {
    }

    /**
     * Sends the dead letters that match back through the pipeline, a chunk at a time, and waits until each is
     * settled; the pipeline must be running (paused by its error budget is fine: its route still takes replays). A
     * dead letter Sluice did not seal is skipped unless {@code unverified}.
     */
    public Replayed replay(String pipeline, DeadLetterFilter filter, boolean unverified) {
        Route route = camel.getRoute(pipeline);
        if (route == null || camel.getRouteController().getRouteStatus(pipeline).isStopped()) {
            throw new IllegalStateException("Pipeline " + pipeline + " is not running: start it to replay its dead "
                    + "letters");
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Outcome> results = new ArrayList<>();
        List<DeadLetter> chunk = new ArrayList<>();
        long[] chunkBytes = {0};
        store.each(pipeline, topics(pipeline), filter, letter -> {
            chunk.add(letter);
            chunkBytes[0] += letter.payload() == null ? 0 : letter.payload().length;
            if (chunk.size() >= CHUNK_RECORDS || chunkBytes[0] >= CHUNK_BYTES) {
                replay(pipeline, route, chunk, unverified, counts, results);
                chunk.clear();
                chunkBytes[0] = 0;
            }
        });
        replay(pipeline, route, chunk, unverified, counts, results);
        long replayed = counts.entrySet().stream().filter(e -> !e.getKey().equals("skipped"))
                .mapToLong(Map.Entry::getValue).sum();
        LOG.infof("Pipeline %s replayed %d dead letters: %s", pipeline, replayed, counts);
        return new Replayed(replayed, ordered(counts), results);
    }

    private void replay(String pipeline, Route route, List<DeadLetter> letters, boolean unverified,
            Map<String, Long> counts, List<Outcome> results) {
        List<Outcome> outcomes = new ArrayList<>();
        List<RecordOrigin> records = new ArrayList<>();
        InputProgress progress = new InputProgress();
        for (DeadLetter letter : letters) {
            String refused = letter.notReplayable();
            if (refused == null && !unverified && !Boolean.TRUE.equals(letter.entry().get("verified"))) {
                refused = "not sealed by this deployment (it may not be Sluice's): replay it with \"unverified\": true";
            }
            if (refused != null) {
                outcomes.add(new Outcome(letter.id(), "skipped", refused));
                continue;
            }
            String sender = letter.entry().get("sender") instanceof String name ? name : null;
            records.add(new RecordOrigin(runtimes.get(pipeline).stats(), letter.location(), letter.payload(), progress,
                    null, sender).replayOf(letter.id()));
        }
        if (!records.isEmpty()) {
            records.get(records.size() - 1).lastReady(true); // written at once, not at the end of a window
            send(route, records, progress);
            await(pipeline, records);
        }
        for (RecordOrigin record : records) {
            Outcome outcome = new Outcome(record.replayOf(), record.outcome(), record.deadLetterReason());
            outcomes.add(outcome);
            store.replayed(pipeline, outcome.id(), outcome.outcome(), outcome.reason());
            Counter.builder("sluice.dead.letters.replayed").description("Dead letters replayed, by what became of them")
                    .tag("pipeline", pipeline).tag("outcome", outcome.outcome()).register(registry).increment();
        }
        for (Outcome outcome : outcomes) {
            counts.merge(outcome.outcome(), 1L, Long::sum);
            if (results.size() < MAX_RESULTS) {
                results.add(outcome);
            }
        }
    }

    /** Counts of outcomes by name, in a stable order. */
    private static Map<String, Long> ordered(Map<String, Long> counts) {
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String name : List.of("written", "updated", "duplicate", "stale", "filtered", "dead-lettered", "abandoned",
                "in flight", "skipped")) {
            if (counts.getOrDefault(name, 0L) > 0) {
                ordered.put(name, counts.get(name));
            }
        }
        return ordered;
    }

    /** A file pipeline's split takes the records at once; other routes take one record per exchange. */
    private static void send(Route route, List<RecordOrigin> records, InputProgress progress) {
        Consumer consumer = route.getConsumer();
        if (route.getEndpoint().getEndpointUri().startsWith("file:")) {
            Exchange exchange = consumer.createExchange(false);
            exchange.setProperty(FileInput.PROPERTY, new Replay(records, progress));
            process(consumer, exchange);
            return;
        }
        for (RecordOrigin record : records) {
            Exchange exchange = consumer.createExchange(false);
            exchange.getIn().setBody(record);
            process(consumer, exchange);
        }
    }

    /** Hands the exchange to the route without waiting for it: the replay waits, bounded, for its records to settle. */
    private static void process(Consumer consumer, Exchange exchange) {
        AsyncProcessorConverterHelper.convert(consumer.getProcessor()).process(exchange, doneSync -> {
            if (exchange.getException() != null) {
                LOG.warnf("A replay through %s failed: %s", consumer.getEndpoint(),
                        exchange.getException().getMessage());
            }
        });
    }

    /**
     * Waits until every replayed record settled, at most {@link #SETTLE_SECONDS}: a record still unsettled then (its
     * sink is down) has the outcome {@code in flight} and settles later, as any record does.
     */
    private static void await(String pipeline, List<RecordOrigin> records) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        try {
            while (records.stream().anyMatch(r -> r.outcome().equals("in flight")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("Interrupted while the replay of %s was written", pipeline);
        }
    }

    /** The topics a Kafka pipeline reads (their dead-letter topics hold its dead letters); none for other pipelines. */
    private List<String> topics(String pipeline) {
        Route route = camel.getRoute(pipeline);
        if (route == null) {
            return List.of();
        }
        return route.getEndpoint() instanceof KafkaEndpoint kafka && kafka.getConfiguration().getTopic() != null
                ? Arrays.asList(kafka.getConfiguration().getTopic().split(",")) : List.of();
    }
}
