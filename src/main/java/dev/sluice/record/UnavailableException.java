package dev.sluice.record;

/**
 * Something a record needs (the sink database, a reference table) is still failing while the pipeline stops.
 * Never dead-lettered: the record's source is not acknowledged, so the record is read again after a restart.
 */
public class UnavailableException extends Exception {

    public UnavailableException(String dependency, Throwable cause) {
        super(dependency + " still unavailable when the pipeline stopped; its records will be read again", cause);
    }

    protected UnavailableException(Throwable cause, String message) {
        super(message, cause);
    }
}
