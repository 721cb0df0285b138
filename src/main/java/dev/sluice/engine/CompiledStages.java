package dev.sluice.engine;

import java.util.List;
import java.util.Map;

import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.record.Chunk;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.UnavailableException;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.RecordCondition;
import dev.sluice.stage.RecordStage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.spi.CamelLogger;
import org.jboss.logging.Logger;

/**
 * A pipeline's parser and stages routes compiled once into calls: the step after its source, run on every record of
 * the exchange's {@link Chunk} with no exchange, unit of work or event per record. A record comes out kept (for the
 * batch), dropped (filtered) or dead-lettered with the stage that failed it and why; a failure of something the
 * records need ({@link UnavailableException}) fails the exchange, and the chunk's records not batched yet are read
 * again.
 *
 * <p>
 * A source that hands on one record per exchange (camel-kafka, a replay) has its records run as they come and
 * gathered, per thread, into a chunk handed on with the last record its source had ready (the end of a poll) or at
 * {@link Chunk#MAX_RECORDS}; the exchanges before it stop here. So the aggregator still sees one exchange per chunk.
 */
public final class CompiledStages implements Processor {

    /** A step of a stages route, run on one record. */
    public sealed interface Step permits Apply, Filter, Choice, Stop, Log {
    }

    /** A stage: the record it answers goes on, null drops it. */
    public record Apply(RecordStage stage, String route) implements Step {
    }

    /** The steps run only on the records the condition holds for; every record then goes on after the filter. */
    public record Filter(Condition condition, List<Step> steps, String route) implements Step {
    }

    /** The steps of the first when whose condition holds, else of otherwise (none: the record goes on). */
    public record Choice(List<When> whens, List<Step> otherwise) implements Step {
    }

    public record When(Condition condition, List<Step> steps, String route) {
    }

    /** The record goes no further: dropped, counted as filtered. */
    public record Stop() implements Step {
    }

    /** A line in the log per record. */
    public record Log(Expression message, CamelLogger logger) implements Step {
    }

    /**
     * What a filter or a when tests. Sluice's conditions read the record only; Camel's simple language reads the
     * exchange, whose body is the record while it is asked.
     */
    public interface Condition {
        boolean test(Map<String, Object> record, Exchange exchange) throws Exception;

        static Condition of(RecordCondition condition) {
            return (record, exchange) -> condition.test(record);
        }

        static Condition simple(Predicate simple) {
            return (record, exchange) -> {
                exchange.getIn().setBody(record);
                return simple.matches(exchange);
            };
        }
    }

    /** A log step: its message in the simple language, logged under {@code logName} (default: its route). */
    public static Log log(CamelContext camel, String message, String level, String logName, String route) {
        Expression expression = camel.resolveLanguage("simple").createExpression(message);
        expression.init(camel);
        return new Log(expression, new CamelLogger(logName != null ? logName : route,
                level != null ? LoggingLevel.valueOf(level) : LoggingLevel.INFO));
    }

    /** A step failed the record: which stage, and why. */
    private static final class Failed extends Exception {
        final String stage;

        Failed(String stage, Exception cause) {
            super(cause);
            this.stage = stage;
        }
    }

    private static final Logger LOG = Logger.getLogger(CompiledStages.class);

    private final CamelContext camel;
    private final JsonRecordParser parser;
    private final List<Step> steps;
    private volatile DeadLetterQueue deadLetters;
    /** The chunk each consumer thread is gathering (a Kafka consumer thread reads its own partitions). */
    private final ThreadLocal<Chunk> gathering = new ThreadLocal<>();

    /** @param steps the stages route's steps, the routes it sends records to in place (a routes file has no cycle) */
    public CompiledStages(CamelContext camel, JsonRecordParser parser, List<Step> steps) {
        this.camel = camel;
        this.parser = parser;
        this.steps = List.copyOf(steps);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Object body = exchange.getIn().getBody();
        if (body instanceof Chunk chunk) {
            exchange.getExchangeExtension().addOnCompletion(chunk);
            try {
                for (RecordOrigin origin : chunk.read()) {
                    run(origin, chunk, exchange);
                }
            } finally {
                exchange.getIn().setBody(chunk);
            }
        } else if (body instanceof RecordOrigin one) {
            gather(one, exchange);
        } else {
            throw new IllegalStateException("a pipeline's stages got " + (body == null ? "no record"
                    : body.getClass().getName()) + " instead of records read by its source");
        }
    }

    /** Runs a record that came alone, and hands on the chunk it joined once full or its source has no more ready. */
    private void gather(RecordOrigin origin, Exchange exchange) throws Exception {
        Chunk chunk = gathering.get();
        if (chunk == null) {
            chunk = new Chunk();
            gathering.set(chunk);
        }
        chunk.add(origin);
        try {
            run(origin, chunk, exchange);
        } catch (Exception e) {
            gathering.remove();
            exchange.getExchangeExtension().addOnCompletion(chunk); // its failure lets go of the records gathered
            throw e;
        }
        if (origin.lastReady() || chunk.read().size() >= Chunk.MAX_RECORDS) {
            gathering.remove();
            chunk.dropNotCurrent();
            exchange.getExchangeExtension().addOnCompletion(chunk);
            exchange.getIn().setBody(chunk);
        } else {
            exchange.setRouteStop(true); // its record waits in the chunk for the rest of the poll
        }
    }

    private void run(RecordOrigin origin, Chunk chunk, Exchange exchange) throws Exception {
        Map<String, Object> record;
        try {
            record = run(steps, parser.read(origin), origin, exchange);
        } catch (Failed failed) {
            deadLetter(origin, failed.stage, failed.getCause());
            return;
        } catch (UnavailableException needed) {
            throw needed;
        } catch (Exception invalid) {
            deadLetter(origin, RecordErrorHandling.stage(invalid, null), invalid);
            return;
        }
        if (record == null) {
            origin.dropped();
        } else {
            chunk.keep(record, origin);
        }
    }

    /** A record whose dead letter cannot be stored is read again, the rest of the chunk goes on. */
    private void deadLetter(RecordOrigin origin, String stage, Throwable error) {
        try {
            deadLetters().send(origin, stage, error);
        } catch (RuntimeException refused) {
            LOG.errorf("Cannot dead-letter %s of pipeline %s: %s; it is read again", origin, origin.pipeline(),
                    refused.getMessage());
            refused.addSuppressed(error);
            origin.abandon(refused);
        }
    }

    /** The record after the steps, or null once one dropped it. */
    private static Map<String, Object> run(List<Step> steps, Map<String, Object> record, RecordOrigin origin,
            Exchange exchange) throws Exception {
        for (Step step : steps) {
            if (record == null) {
                return null;
            }
            Map<String, Object> in = record;
            if (step instanceof Apply apply) {
                record = attempt(apply.route(), () -> apply.stage().apply(in, origin));
            } else if (step instanceof Filter filter) {
                if (attempt(filter.route(), () -> filter.condition().test(in, exchange))) {
                    record = run(filter.steps(), record, origin, exchange);
                }
            } else if (step instanceof Choice choice) {
                record = choose(choice, record, origin, exchange);
            } else if (step instanceof Log log) {
                exchange.getIn().setBody(record);
                log.logger().log(log.message().evaluate(exchange, String.class));
            } else {
                return null;
            }
        }
        return record;
    }

    private static Map<String, Object> choose(Choice choice, Map<String, Object> record, RecordOrigin origin,
            Exchange exchange) throws Exception {
        for (When when : choice.whens()) {
            if (attempt(when.route(), () -> when.condition().test(record, exchange))) {
                return run(when.steps(), record, origin, exchange);
            }
        }
        return run(choice.otherwise(), record, origin, exchange);
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    /** A step's failure of the record, named as the dead-letter queue names it; a missing dependency goes up as is. */
    private static <T> T attempt(String route, Call<T> call) throws Exception {
        try {
            return call.call();
        } catch (UnavailableException needed) {
            throw needed;
        } catch (Exception e) {
            throw new Failed(RecordErrorHandling.stage(e, route), e);
        }
    }

    private DeadLetterQueue deadLetters() {
        DeadLetterQueue queue = deadLetters;
        if (queue == null) {
            queue = camel.getRegistry().findSingleByType(DeadLetterQueue.class);
            deadLetters = queue;
        }
        return queue;
    }
}
