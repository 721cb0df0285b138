package dev.sluice.routes;

import java.nio.file.Path;

/** Something a routes file may not hold or does wrong, at its file, line and column (1-based). */
public record Problem(Path file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
