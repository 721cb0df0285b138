package dev.sluice.source;

import dev.sluice.record.InputProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The last step of a file pipeline: it completes the file's exchange, and so lets Camel move the file to the
 * done directory, only once every record split from the file is written, dead-lettered or dropped. It waits
 * without holding a thread, so the next file is read meanwhile and its records fill the same batches.
 */
@ApplicationScoped
@Named("awaitSettled")
public class AwaitSettled extends AsyncProcessorSupport {

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

    private static void complete(Exchange exchange, InputProgress progress, AsyncCallback callback, boolean sync) {
        if (progress.failure() != null) {
            exchange.setException(progress.failure());
        }
        callback.done(sync);
    }
}
