package dev.sluice.source;

import dev.sluice.record.InputProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The last step of a file pipeline: it completes the file's exchange, and so lets Camel move the file to the
 * done directory, only once every record split from the file is written, dead-lettered or dropped, and only if the
 * file did not change while it was read (else it fails, stays, and is read again whole). It waits
 * without holding a thread, so the next file is read meanwhile and its records fill the same batches.
 */
@ApplicationScoped
@Named("awaitSettled")
public class AwaitSettled extends AsyncProcessorSupport {

    private final FileAttempts attempts;

    public AwaitSettled(FileAttempts attempts) {
        this.attempts = attempts;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        InputProgress progress = exchange.getProperty(InputProgress.PROPERTY, InputProgress.class);
        if (progress == null) {
            exchange.setException(new IllegalStateException(
                    "awaitSettled must follow a split with method jsonLines.split in route " + exchange.getFromRouteId()));
            callback.done(true);
            return true;
        }
        if (progress.whenSettled(() -> complete(exchange, progress, callback, false))) {
            complete(exchange, progress, callback, true);
            return true;
        }
        return false;
    }

    private void complete(Exchange exchange, InputProgress progress, AsyncCallback callback, boolean sync) {
        Exception failure = progress.failure();
        FileAttempts.Attempt attempt = exchange.getProperty(JsonLinesSplitter.ATTEMPT, FileAttempts.Attempt.class);
        boolean changed = failure == null && attempt != null && attempts.changed(attempt);
        if (changed) {
            failure = new IllegalStateException("File " + attempt.file() + " changed while it was read: it stays and is "
                    + "read again once it stops changing (write files elsewhere and rename them in)");
        }
        if (attempt != null) {
            attempts.end(attempt, failure, changed);
        }
        if (failure != null) {
            exchange.setException(failure);
        }
        callback.done(sync);
    }
}
