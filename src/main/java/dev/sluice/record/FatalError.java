package dev.sluice.record;

/**
 * An error the pipeline cannot go on after (an {@link OutOfMemoryError}): the pipeline stops, and the record it hit
 * is not dead-lettered (it is not the record's fault) but read again after a restart, like a record whose dependency
 * is unavailable.
 */
public class FatalError extends UnavailableException {

    public FatalError(String where, Throwable error) {
        super(error, error.getClass().getName() + " in " + where + (error instanceof OutOfMemoryError ? ""
                : " (" + error.getMessage() + ")") + ": the pipeline stops; its records will be read again");
    }

    /** Whether the pipeline can go on after {@code error}. */
    public static boolean isFatal(Throwable error) {
        return error instanceof OutOfMemoryError;
    }
}
