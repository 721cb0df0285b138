package dev.sluice.runtime;

/**
 * One input a source hands to its pipeline as a whole: an attempt at a file (of a directory or an HTTP spool). It ends
 * once, with {@link #finish}, and how it ended is told to its pipeline's runtime. (Kafka records are settled one by one
 * against their partition's progress; a Java run against its {@code InputProgress}.)
 */
public interface UnitOfWork {

    /** How an input ended. */
    enum Outcome {
        /** Every record of it is written, dead-lettered or dropped: the source acknowledges it. */
        DONE,
        /** It changed while it was read (a writer still at it): read again once quiet; no failure. */
        CHANGED,
        /** It failed for a reason that may pass (the sink or dead-letter store down): read again; one failed attempt. */
        FAILED,
        /** It keeps failing and is set aside (moved to the error directory) with a dead letter saying why. */
        POISON;

        /** Whether this ending counts as a failed input. */
        public boolean failure() {
            return this == FAILED || this == POISON;
        }
    }

    /** Ends the input; the first call counts, later ones are ignored. */
    void finish(Outcome outcome, String reason);
}
