package dev.sluice.source;

import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.runtime.UnitOfWork;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Hears a file's exchange fail as a whole (the file stays in the input directory, to be read again) and ends its
 * attempt as failed, unless the attempt ended already (a file that changed while it was read, which is no failure): so
 * the pipeline's runtime counts each failed file once, and a bounded run (run-once, a Java {@code run()}) knows it
 * cannot end well.
 */
// a singleton, not application-scoped: registered with Camel before CDI's client proxies are of use
@Singleton
public class FileFailures extends EventNotifierSupport {

    private final PipelineRuntimes runtimes;

    public FileFailures(PipelineRuntimes runtimes) {
        this.runtimes = runtimes;
        // only failures matter: any other exchange event Camel would make and hand over for every record
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
    }

    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().getManagementStrategy().addEventNotifier(this);
    }

    @Override
    public boolean isIgnoreExchangeAsyncProcessingStartedEvents() {
        return true;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeFailedEvent failure
                && failure.getExchange().getFromEndpoint() instanceof FileEndpoint)) {
            return;
        }
        Exchange exchange = failure.getExchange();
        Exception error = exchange.getException();
        String reason = error == null ? "the route failed" : String.valueOf(error.getMessage());
        Object input = exchange.getProperty(FileInput.PROPERTY);
        if (input instanceof FileAttempts.Attempt attempt) {
            attempt.finish(UnitOfWork.Outcome.FAILED, reason);
        } else if (input == null && !(error instanceof FileAttempts.QuarantinedException)) {
            // failed before its attempt began (the file could not be opened); a quarantined file was counted then, and
            // a replay of dead letters is no file
            runtimes.find(exchange.getFromRouteId()).ifPresent(runtime -> runtime.inputFinished(
                    exchange.getIn().getHeader(Exchange.FILE_PATH, String.class), UnitOfWork.Outcome.FAILED, reason));
        }
    }
}
