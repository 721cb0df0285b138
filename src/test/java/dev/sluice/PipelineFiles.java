package dev.sluice;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;

/** Files in and out of a file pipeline, as a user would handle them. */
public final class PipelineFiles {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PipelineFiles() {
    }

    /** Puts {@code content} into {@code dir} as {@code name}, atomically, the way the README tells users to. */
    public static void drop(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] fixture(String path) {
        try (InputStream in = PipelineFiles.class.getClassLoader().getResourceAsStream("fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code name} has left {@code in} and a file of its base name is in {@code done}. */
    public static void awaitDone(Path in, String name, Path done) {
        String base = name.substring(0, name.lastIndexOf('.'));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(
                () -> !Files.exists(in.resolve(name)) && list(done).stream()
                        .anyMatch(p -> p.getFileName().toString().startsWith(base + "-")));
    }

    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties a directory, creating it if needed. */
    public static void clean(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The entries of a dead-letter file, in order, without their seal ({@code mac}), which each must carry; none if
     * the file does not exist.
     */
    public static List<Map<String, Object>> deadLetters(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                Map<String, Object> entry = TestJson.MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {
                });
                if (!(entry.remove("mac") instanceof String mac && mac.matches("[0-9a-f]{64}"))) {
                    throw new IllegalStateException("A dead letter without its seal: " + line);
                }
                entries.add(entry);
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
