package dev.sluice.source;

import java.util.List;

import dev.sluice.record.InputProgress;
import dev.sluice.record.RecordOrigin;

/**
 * Dead letters sent back through a file pipeline's route: set as its {@link FileInput}, the split takes these records
 * instead of reading a file, and the route waits until {@code progress} says they settled.
 */
public record Replay(List<RecordOrigin> records, InputProgress progress) implements FileInput {
}
