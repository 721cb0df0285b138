package dev.sluice.source;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.sluice.runtime.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.jboss.logging.Logger;

/**
 * The last step of a file pipeline: it completes the file's exchange, and so lets Camel move the file to the
 * done directory, only once every record split from the file is written, dead-lettered or dropped, and only if the
 * file did not change while it was read, nor within {@link #QUIET_MILLIS} after (else it fails, stays, and is read
 * again whole). It waits
 * without holding a thread, so the next file is read meanwhile and its records fill the same batches.
 */
@ApplicationScoped
@Named("awaitSettled")
public class AwaitSettled extends AsyncProcessorSupport {

    /** As the file consumer's {@code readLockMinAge}: how long a file must not change to count as written whole. */
    static final long QUIET_MILLIS = FileConsumerOptions.READ_LOCK_MIN_AGE_MILLIS;
    private static final Logger LOG = Logger.getLogger(AwaitSettled.class);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "Sluice file settle");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!(exchange.getProperty(FileInput.PROPERTY) instanceof FileInput input)) {
            exchange.setException(new IllegalStateException(
                    "awaitSettled must follow a split with method jsonLines.split in route " + exchange.getFromRouteId()));
            callback.done(true);
            return true;
        }
        long readToEnd = System.nanoTime();
        if (input.progress().whenSettled(() -> afterQuiet(exchange, input, callback, readToEnd, false))) {
            return afterQuiet(exchange, input, callback, readToEnd, true);
        }
        return false;
    }

    /**
     * Completes once the file has stayed as it was for {@link #QUIET_MILLIS} after it was read to its end: its
     * records may be written at once (flush on idle), but a writer that only paused must not see its file moved to
     * done without the rest. A replay of dead letters completes at once. True if it completed now.
     */
    private boolean afterQuiet(Exchange exchange, FileInput input, AsyncCallback callback, long readToEnd,
            boolean sync) {
        long wait = input instanceof FileAttempts.Attempt
                ? QUIET_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readToEnd)
                : 0;
        if (wait > 0) {
            LATER.schedule(() -> complete(exchange, input, callback, false), wait, TimeUnit.MILLISECONDS);
            return false;
        }
        complete(exchange, input, callback, sync);
        return true;
    }

    private void complete(Exchange exchange, FileInput input, AsyncCallback callback, boolean sync) {
        Exception failure = input.progress().failure();
        if (input instanceof FileAttempts.Attempt attempt) {
            if (failure == null && attempt.changed()) {
                // not a failure: the file stays, and is read again whole once it stops changing
                failure = new FileChangedException("File " + attempt.file() + " changed while it was read: it stays and "
                        + "is read again once it stops changing (write files elsewhere and rename them in)");
                attempt.finish(UnitOfWork.Outcome.CHANGED, failure.getMessage());
                LOG.info(failure.getMessage());
            } else {
                attempt.finish(failure == null ? UnitOfWork.Outcome.DONE : UnitOfWork.Outcome.FAILED,
                        failure == null ? null : String.valueOf(failure.getMessage()));
            }
        }
        if (failure != null) {
            exchange.setException(failure);
        }
        callback.done(sync);
    }

    /**
     * The file changed while it was read: the failure that keeps it in place, to be read again; no failed attempt, and
     * logged as what it is, not as an error.
     */
    public static final class FileChangedException extends Exception {
        FileChangedException(String message) {
            super(message, null, false, false);
        }
    }
}
