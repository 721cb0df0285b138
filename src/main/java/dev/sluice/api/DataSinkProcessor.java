package dev.sluice.api;

import java.util.List;
import java.util.Map;

import dev.sluice.batch.Batch;
import dev.sluice.retry.Backoff;
import dev.sluice.retry.UnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.jboss.logging.Logger;

/**
 * Writes a batch with a {@link DataSink}: tries it up to {@link DataSink#attempts()} times with growing pauses,
 * readiness DOWN meanwhile, then dead-letters its records with the last failure (and readiness is UP again). A failure is never swallowed: it is
 * logged at every attempt, counted in {@code errors} and kept in the dead-letter queue.
 */
final class DataSinkProcessor implements Processor {

    private static final Logger LOG = Logger.getLogger(DataSinkProcessor.class);

    private final DataSink sink;
    private final SluiceApi api;
    private final String name;

    DataSinkProcessor(DataSink sink, SluiceApi api) {
        this.sink = sink;
        this.api = api;
        this.name = "sink " + sink.name();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Batch batch = exchange.getIn().getMandatoryBody(Batch.class);
        List<Map<String, Object>> records = batch.entries().stream().map(Batch.Entry::record).toList();
        Backoff backoff = new Backoff(api.config().retry());
        Exception failure = null;
        for (int attempt = 1; attempt <= sink.attempts(); attempt++) {
            try {
                sink.write(records);
                api.health().ok(name);
                batch.entries().forEach(entry -> entry.origin().written());
                batch.recordWritten(exchange);
                return;
            } catch (Exception e) {
                failure = e;
                api.health().failing(name, e);
                LOG.warnf("Attempt %d of %d to write %d records with %s failed: %s", attempt, sink.attempts(),
                        records.size(), sink.name(), e);
                if (attempt < sink.attempts()) {
                    try {
                        backoff.pause(exchange.getContext(), name, e);
                    } catch (UnavailableException stopping) {
                        batch.entries().forEach(entry -> entry.origin().abandon(stopping));
                        throw stopping;
                    }
                }
            }
        }
        LOG.errorf("%s failed %d times: dead-lettering its batch of %d records", sink.name(), sink.attempts(),
                records.size());
        for (Batch.Entry entry : batch.entries()) {
            api.deadLetters().send(entry.origin(), name, failure);
        }
        // the batch is dealt with: readiness is for failures the pipeline still waits on
        api.health().ok(name);
    }
}
