package dev.sluice.source;

import dev.sluice.record.InputProgress;

/**
 * What a file pipeline's exchange carries as {@link #PROPERTY}, the one typed context of the input it is about: a
 * {@link FileAttempts.Attempt} at a file on disk, or a {@link Replay} of dead letters; either way the progress its
 * records settle into, which {@link AwaitSettled} waits for.
 */
public sealed interface FileInput permits FileAttempts.Attempt, Replay {

    String PROPERTY = "sluice.input";

    /** The acknowledgement the input's records are retained by and released to. */
    InputProgress progress();
}
