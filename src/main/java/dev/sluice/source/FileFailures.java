package dev.sluice.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts, per pipeline, the files whose processing failed as a whole (they stay in the input directory, to be read
 * again), and remembers why the last one failed: what tells a bounded run (run-once, a Java {@code run()}) that it
 * cannot end well.
 */
// a singleton, not application-scoped: used for every record, so no client proxy looks up the instance on each call
@Singleton
public class FileFailures extends EventNotifierSupport {

    private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    private final Map<String, String> lastReason = new ConcurrentHashMap<>();

    private final FileAttempts attempts;

    public FileFailures(FileAttempts attempts) {
        this.attempts = attempts;
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
        if (event instanceof CamelEvent.ExchangeFailedEvent failure
                && failure.getExchange().getFromEndpoint() instanceof FileEndpoint) {
            Exchange exchange = failure.getExchange();
            String route = exchange.getFromRouteId();
            failed.computeIfAbsent(route, r -> new AtomicLong()).incrementAndGet();
            FileAttempts.Attempt attempt = exchange.getProperty(JsonLinesSplitter.ATTEMPT, FileAttempts.Attempt.class);
            if (attempt != null && exchange.getException() != null) {
                attempts.end(attempt, exchange.getException(), false);
            }
            lastReason.put(route, exchange.getIn().getHeader(Exchange.FILE_NAME, String.class) + ": "
                    + exchange.getException());
        }
    }

    /** Files of the pipeline that failed since the service started. */
    public long count(String pipeline) {
        AtomicLong count = failed.get(pipeline);
        return count == null ? 0 : count.get();
    }

    /** Files of every pipeline that failed since the service started. */
    public long total() {
        return failed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Why the pipeline's last file failed, or null. */
    public String lastReason(String pipeline) {
        return lastReason.get(pipeline);
    }
}
