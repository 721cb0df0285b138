package dev.sluice.record;

/**
 * An {@link Error} that code written by a user (a stage, a source, a sink) threw, carried as the failure of that
 * call: the record at fault is dead-lettered with it and the pipeline goes on. A dead letter names the error itself.
 */
public final class CallbackError extends Exception {

    public CallbackError(Throwable error) {
        super(error.toString(), error);
    }
}
