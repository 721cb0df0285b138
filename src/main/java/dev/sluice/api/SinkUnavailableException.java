package dev.sluice.api;

/**
 * Thrown by a {@link DataSink} whose target is away for a while (a service down, a timeout): the batch is written
 * again after a pause, for as long as the pipeline runs, and never dead-lettered for it.
 */
public class SinkUnavailableException extends Exception {

    public SinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SinkUnavailableException(String message) {
        super(message);
    }
}
