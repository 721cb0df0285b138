package dev.sluice.routes;

import java.nio.file.Path;

import org.snakeyaml.engine.v2.nodes.Node;

/** Where a value of a routes file is: its file, line and column (1-based). */
record Spot(Path file, int line, int column) {

    static Spot of(Path file, Node node) {
        return node.getStartMark().map(mark -> new Spot(file, mark.getLine() + 1, mark.getColumn() + 1))
                .orElse(new Spot(file, 1, 1));
    }

    Problem problem(String message) {
        return new Problem(file, line, column, message);
    }
}
