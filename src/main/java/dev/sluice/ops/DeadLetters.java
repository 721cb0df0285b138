package dev.sluice.ops;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.sluice.deadletter.DeadLetter;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.record.InputProgress;
import dev.sluice.record.RecordOrigin;
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

    /** What to list or replay; null fields match everything. */
    public record Filter(String stage, String reason, Instant since, Instant until, Set<String> ids) {
        boolean matches(DeadLetter letter) {
            if (ids != null && !ids.contains(letter.id())) {
                return false;
            }
            if (stage != null && !stage.equals(letter.stage())) {
                return false;
            }
            if (reason != null && !letter.reason().toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT))) {
                return false;
            }
            if (since == null && until == null) {
                return true;
            }
            Instant time;
            try {
                time = Instant.parse(letter.time());
            } catch (DateTimeParseException e) {
                return false; // no time to compare: only listed without a time filter
            }
            return (since == null || !time.isBefore(since)) && (until == null || time.isBefore(until));
        }
    }

    /** One replayed dead letter: what became of it, and why if it failed again. */
    public record Outcome(String id, String outcome, String reason) {
    }

    private final CamelContext camel;
    private final DeadLetterStore store;
    private final PipelineMetrics metrics;
    private final MeterRegistry registry;

    public DeadLetters(CamelContext camel, DeadLetterStore store, PipelineMetrics metrics, MeterRegistry registry) {
        this.camel = camel;
        this.store = store;
        this.metrics = metrics;
        this.registry = registry;
    }

    /** The dead letters of {@code pipeline} that match, newest first. */
    public List<DeadLetter> list(String pipeline, Filter filter) {
        return store.list(pipeline, topics(pipeline)).stream().filter(filter::matches).toList();
    }

    /**
     * Sends the dead letters that match back through the pipeline and waits until each is settled; the pipeline must
     * be running (paused by its error budget is fine: its route still takes replays).
     */
    public List<Outcome> replay(String pipeline, Filter filter) {
        Route route = camel.getRoute(pipeline);
        if (route == null || camel.getRouteController().getRouteStatus(pipeline).isStopped()) {
            throw new IllegalStateException("Pipeline " + pipeline + " is not running: start it to replay its dead "
                    + "letters");
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<RecordOrigin> records = new ArrayList<>();
        InputProgress progress = new InputProgress();
        for (DeadLetter letter : list(pipeline, filter)) {
            String refused = letter.notReplayable();
            if (refused != null) {
                outcomes.add(new Outcome(letter.id(), "skipped", refused));
                continue;
            }
            records.add(new RecordOrigin(metrics.pipeline(pipeline), letter.location(), letter.payload(), progress,
                    null, null).replayOf(letter.id()));
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
        LOG.infof("Pipeline %s replayed %d dead letters: %s", pipeline, records.size(), summary(outcomes));
        return outcomes;
    }

    /** Counts of outcomes by name, in a stable order. */
    public static Map<String, Long> summary(List<Outcome> outcomes) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String name : List.of("written", "filtered", "dead-lettered", "abandoned", "in flight", "skipped")) {
            long n = outcomes.stream().filter(o -> o.outcome().equals(name)).count();
            if (n > 0) {
                counts.put(name, n);
            }
        }
        return counts;
    }

    /** A file pipeline's split takes the records at once; other routes take one record per exchange. */
    private static void send(Route route, List<RecordOrigin> records, InputProgress progress) {
        Consumer consumer = route.getConsumer();
        if (route.getEndpoint().getEndpointUri().startsWith("file:")) {
            Exchange exchange = consumer.createExchange(false);
            exchange.setProperty(Replay.PROPERTY, new Replay(records, progress));
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
