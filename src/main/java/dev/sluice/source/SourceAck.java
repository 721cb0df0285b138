package dev.sluice.source;

/**
 * How a source learns that its records are safe. A source acknowledges its input (moves a file to the done
 * directory, commits an offset) only once every record it retained has been released, that is written to the
 * sink, dead-lettered, or dropped by a stage.
 */
public interface SourceAck {

    /** A record was read from the source and is now in flight. */
    void retain();

    /** A record retained earlier is settled: nothing about it can be lost any more. */
    void release();

    /**
     * A record retained earlier will not be settled in this run (its sink is down and the pipeline is stopping):
     * the source must not acknowledge it, so it is read again after a restart.
     */
    void abandon(Exception cause);
}
