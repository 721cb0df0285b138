package dev.sluice.engine;

import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.record.Batch;
import dev.sluice.record.UnavailableException;
import dev.sluice.source.AwaitSettled;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.StageException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The error handling of every route: a record whose parse or stage fails goes to the dead-letter queue and the
 * pipeline goes on. Only record exchanges are handled here: a failure of a whole file or batch, or of a dependency
 * while the pipeline stops, is left to propagate, so its source is not acknowledged and nothing is dropped in
 * silence.
 */
@ApplicationScoped
public class RecordErrorHandling extends RouteConfigurationBuilder {

    private final DeadLetterQueue deadLetters;

    public RecordErrorHandling(DeadLetterQueue deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void configuration() {
        // Something the record needs is down and the pipeline is stopping: let the failure propagate, so the
        // record's source is not acknowledged and the record is read again.
        routeConfiguration()
                .onException(UnavailableException.class)
                .handled(false)
                .end()
                // a file that changed while it was read stays to be read again: no error, AwaitSettled says why
                .onException(AwaitSettled.FileChangedException.class)
                .handled(false)
                .logExhausted(false)
                .end()
                .onException(Exception.class)
                .onWhen(RecordErrorHandling::isRecord)
                .handled(true)
                .process(this::deadLetter);
    }

    private static boolean isRecord(Exchange exchange) {
        return RecordOrigin.of(exchange) != null && !(exchange.getIn().getBody() instanceof Batch);
    }

    private void deadLetter(Exchange exchange) {
        Exception error = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
        // a predicate can only throw unchecked: a stage's failure arrives wrapped
        if (error instanceof RuntimeCamelException wrapped && wrapped.getCause() instanceof StageException stage) {
            error = stage;
        }
        deadLetters.send(RecordOrigin.of(exchange), stage(error, exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID,
                String.class)), error);
    }

    /** The stage a dead letter names: the parse, the stage that threw, or the route where the record failed. */
    static String stage(Exception error, String route) {
        if (error instanceof InvalidRecordException) {
            return "parse";
        }
        if (error instanceof StageException stage) {
            return stage.stage();
        }
        return "route " + route;
    }
}
