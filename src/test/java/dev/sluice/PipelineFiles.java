package dev.sluice;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        if (dir.getFileName().toString().equals("dlq")) {
            forgetAllDeadLetters();
        }
    }

    /**
     * The running service's dead-letter store refuses every dead letter (the pipelines' role may no longer insert
     * into it), until {@link #restoreDeadLetters()}.
     */
    public static void breakDeadLetters() {
        ownerStatement("REVOKE INSERT ON sluice_dead_letters FROM sluice_pipelines");
    }

    public static void restoreDeadLetters() {
        ownerStatement("GRANT INSERT ON sluice_dead_letters TO sluice_pipelines");
    }

    private static void ownerStatement(String sql) {
        try (Connection connection = connection(Path.of("unused/dlq/x.jsonl"));
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dead-letter directory cleaned: the running service's dead letters (in its database) too. */
    private static void forgetAllDeadLetters() {
        if (io.quarkus.arc.Arc.container() == null || !io.quarkus.arc.Arc.container().isRunning()) {
            return;
        }
        try (Connection connection = connection(Path.of("unused/dlq/x.jsonl"));
                ResultSet tables = connection.getMetaData().getTables(null, null, "sluice_dead_letters", null)) {
            if (tables.next()) {
                try (var statement = connection.createStatement()) {
                    statement.execute("DELETE FROM sluice_dead_letters");
                    statement.execute("DELETE FROM sluice_dead_letter_replays");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The dead letters of the pipeline {@code <dir>/<pipeline>.jsonl} names (where earlier releases kept them), in the
     * order they were stored, without their seal ({@code mac}), which each must carry. In a Quarkus test, from the
     * running service's database; else (a packaged service that has exited) from the H2 file beside {@code <dir>}
     * ({@code <work>/data/dlq} → {@code <work>/data/sluice}).
     */
    public static List<Map<String, Object>> deadLetters(Path file) {
        String pipeline = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
        try (Connection connection = connection(file)) {
            return connection == null ? List.of() : deadLetters(connection, pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dead letters of {@code pipeline} in a database, in the order they were stored, without their seal. */
    public static List<Map<String, Object>> deadLetters(Connection connection, String pipeline) throws SQLException {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT entry FROM sluice_dead_letters WHERE pipeline = ? ORDER BY seq")) {
            select.setString(1, pipeline);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    String line = result.getString(1);
                    Map<String, Object> entry = TestJson.MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {
                    });
                    if (!(entry.remove("mac") instanceof String mac && mac.matches("[0-9a-f]{64}"))) {
                        throw new IllegalStateException("A dead letter without its seal: " + line);
                    }
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Removes the dead letters of {@code pipeline} from a database shared by tests (if Sluice made the table yet). */
    public static void forgetDeadLetters(Connection connection, String pipeline) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "sluice_dead_letters", null)) {
            if (!tables.next()) {
                return;
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sluice_dead_letters WHERE pipeline = ?")) {
            delete.setString(1, pipeline);
            delete.executeUpdate();
        }
    }

    /** For each test's own start: none of the pipeline's dead letters in the running service's database. */
    public static void forgetDeadLetters(String pipeline) {
        try (Connection connection = connection(Path.of("unused/dlq/x.jsonl"))) {
            forgetDeadLetters(connection, pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connection(Path file) throws SQLException {
        if (io.quarkus.arc.Arc.container() != null && io.quarkus.arc.Arc.container().isRunning()) {
            return io.quarkus.arc.Arc.container().instance(dev.sluice.dependency.Database.class).get()
                    .ownerConnection();
        }
        Path data = file.toAbsolutePath().getParent().getParent();
        if (!Files.exists(data.resolve("sluice.mv.db"))) {
            return null;
        }
        return DriverManager.getConnection("jdbc:h2:file:" + data.resolve("sluice")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;IFEXISTS=TRUE");
    }
}
