package dev.sluice.sink;

/** The pipeline stopped while its sink was still failing: the batch stays unwritten and unacknowledged. */
public class SinkUnavailableException extends Exception {

    public SinkUnavailableException(String sink, Throwable cause) {
        super("Sink " + sink + " still failing when the pipeline stopped; its records will be read again", cause);
    }
}
