package dev.sluice.record;

/**
 * How a source learns that its records are safe: the one acknowledgement every source implements. A source
 * acknowledges its input (moves a file to the done directory, commits an offset, frees room in a stream) only once
 * every record it retained has been released, that is written to the sink, dead-lettered, or dropped by a stage.
 * The implementations: {@link InputProgress} (a file, one run of a Java source), {@link PartitionProgress} (a Kafka
 * partition), {@link StreamPermit} (a record handed to a running stream by Java code or HTTP).
 */
public interface Acknowledgement {

    /** A record was read from the source and is now in flight. */
    void retain();

    /** A record retained earlier is settled: nothing about it can be lost any more. */
    void release();

    /**
     * A record retained earlier will not be settled in this run (its sink is down and the pipeline is stopping):
     * the source must not acknowledge it, so it is read again after a restart where the source can do that.
     */
    void abandon(Exception cause);

    /**
     * False once the source let go of the input the record came from (a Kafka partition revoked, its consumer
     * closed): its next reader reads the record again, so it must not be settled here any more.
     */
    default boolean current() {
        return true;
    }
}
