package dev.sluice.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.sluice.metrics.Pipelines;
import dev.sluice.source.FileInputs;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * A bounded run, the seed's {@code metrics = await pipeline.run()}: waits until every file pipeline has consumed
 * all matching files from its input directory and nothing is in flight, then reports. A file whose processing
 * failed outright (it stays in the input directory, to be read again) ends the run as a failure.
 */
@ApplicationScoped
public class RunOnce {

    private static final Duration POLL = Duration.ofMillis(200);

    private final CamelContext camel;
    private final Pipelines pipelines;
    private final AtomicLong failedFiles = new AtomicLong();

    public RunOnce(CamelContext camel, Pipelines pipelines) {
        this.camel = camel;
        this.pipelines = pipelines;
        EventNotifierSupport fileFailures = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeFailedEvent failed
                        && failed.getExchange().getFromEndpoint() instanceof FileEndpoint) {
                    failedFiles.incrementAndGet();
                }
            }

            @Override
            public boolean isIgnoreExchangeAsyncProcessingStartedEvents() {
                return true;
            }
        };
        // only failures matter: any other exchange event Camel would make and hand over for every record
        fileFailures.setIgnoreExchangeCreatedEvent(true);
        fileFailures.setIgnoreExchangeCompletedEvent(true);
        fileFailures.setIgnoreExchangeSendingEvents(true);
        fileFailures.setIgnoreExchangeSentEvents(true);
        fileFailures.setIgnoreExchangeRedeliveryEvents(true);
        fileFailures.setIgnoreStepEvents(true);
        fileFailures.setIgnoreCamelContextEvents(true);
        fileFailures.setIgnoreRouteEvents(true);
        fileFailures.setIgnoreServiceEvents(true);
        camel.getManagementStrategy().addEventNotifier(fileFailures);
    }

    /** Blocks until drained; false if {@code timeout} (zero: none) passed first or a file failed. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int quietPolls = 0;
        while (quietPolls < 2) {
            if (System.nanoTime() > deadline || failedFiles.get() > 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
            quietPolls = isDrained() ? quietPolls + 1 : 0;
        }
        return true;
    }

    public long failedFiles() {
        return failedFiles.get();
    }

    private boolean isDrained() {
        // Camel starts on its own thread: before it has, nothing was consumed yet
        return camel.getStatus().isStarted() && camel.getInflightRepository().size() == 0
                && pipelines.routes().stream().noneMatch(FileInputs::pending);
    }
}
