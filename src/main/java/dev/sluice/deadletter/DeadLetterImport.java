package dev.sluice.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.record.Json;
import org.jboss.logging.Logger;

/**
 * Moves the dead-letter files of earlier releases ({@code <sluice.dead-letter.dir>/<pipeline>[.<time>].jsonl}, and
 * the replay notes under {@code replays/}) into the database, once: each entry keeps its id and its seal (an entry
 * written before seals stays unverified), and each file imported is renamed {@code <name>.imported}. An entry met
 * twice (an import cut short by a crash, run again) is stored once.
 */
final class DeadLetterImport {

    private static final Logger LOG = Logger.getLogger(DeadLetterImport.class);

    private final Path dir;
    private final DeadLetterTable table;

    DeadLetterImport(Path dir, DeadLetterTable table) {
        this.dir = dir;
        this.table = table;
    }

    void run() {
        long letters = 0;
        for (Path file : files(dir)) {
            long[] line = {0};
            String fileName = file.getFileName().toString();
            String byName = fileName.substring(0, fileName.length() - ".jsonl".length()).replaceFirst(
                    "\\.\\d{8}-\\d{9}(-\\d+)?$", "");
            JsonLines.read(file, 0, (entry, position) -> {
                line[0]++;
                if (!(entry.get("id") instanceof String)) {
                    entry.put("id", "file:" + fileName + ":" + line[0]); // entries written before ids
                }
                String pipeline = entry.get("pipeline") instanceof String named ? named : byName;
                try {
                    table.insert(pipeline, DeadLetterTable.originKey("import", entry.get("id"), null), entry,
                            Json.MAPPER.writeValueAsString(entry));
                } catch (SQLException | JsonProcessingException e) {
                    throw new IllegalStateException("Cannot import the dead letters of " + file + ": " + e.getMessage(), e);
                }
                return true;
            });
            letters += line[0];
            done(file);
        }
        for (Path file : files(dir.resolve("replays"))) {
            String fileName = file.getFileName().toString();
            String pipeline = fileName.substring(0, fileName.length() - ".jsonl".length());
            JsonLines.read(file, 0, (note, position) -> {
                try {
                    table.replayed(pipeline, String.valueOf(note.get("id")), String.valueOf(note.get("outcome")),
                            note.get("reason") instanceof String reason ? reason : null);
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot import the replay notes of " + file + ": " + e.getMessage(), e);
                }
                return true;
            });
            done(file);
        }
        if (letters > 0) {
            LOG.infof("Imported %d dead letters from the files of %s into the database", letters, dir);
        }
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(file))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void done(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".imported"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot mark " + file + " imported: " + e.getMessage(), e);
        }
    }
}
