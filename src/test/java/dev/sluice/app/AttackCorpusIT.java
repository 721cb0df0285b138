package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.sluice.routes.AttackCorpusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file of the attack corpus (src/test/resources/attacks) against the packaged service, alone in its routes
 * directory, with canary secrets in the environment and in a mounted users file: {@code validate} and start-up both
 * refuse it, naming every problem its {@code # expect:} lines name at its file, line and column, and it leaves no
 * trace: no marker file, no connection to the listener the files name (127.0.0.1:59999), no canary in the output or
 * in any file the run wrote. The files about the database run on PostgreSQL too.
 */
class AttackCorpusIT {

    /** Where the attack files try to write. */
    static final Path MARKER = Path.of("/tmp/sluice-attack-marker");
    static final String DB_CANARY = "canary-db-5f1e9a";
    static final String SASL_CANARY = "canary-sasl-7c2d40";
    static final String USERS_CANARY = "pbkdf2-sha256:600000:Y2FuYXJ5Y2FuYXJ5Y2FuYQ==:dXNlcnMtY2FuYXJ5LXVzZXJzLWNhbmFyeS11c2VycyE=";

    static ServerSocket listener;
    static final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void listen() throws IOException {
        listener = new ServerSocket(59999, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket ignored = listener.accept()) {
                    connections.incrementAndGet();
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    // keep listening
                }
            }
        }, "attack listener");
        accepting.setDaemon(true);
        accepting.start();
    }

    @AfterAll
    static void close() throws IOException {
        listener.close();
    }

    static Stream<Path> corpus() throws IOException {
        return AttackCorpusTest.corpus();
    }

    static Stream<Path> databaseCorpus() throws IOException {
        return AttackCorpusTest.corpus().filter(p -> List.of("sql.yaml", "templates.yaml", "placeholders.yaml")
                .contains(p.getFileName().toString()));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void refusedByValidateAndAtStartOnH2LeavingNoTrace(Path attack, @TempDir Path work) throws Exception {
        refusedLeavingNoTrace(attack, work, false);
    }

    @ParameterizedTest
    @MethodSource("databaseCorpus")
    void refusedAtStartOnPostgresLeavingNoTrace(Path attack, @TempDir Path work) throws Exception {
        refusedLeavingNoTrace(attack, work, true);
    }

    private void refusedLeavingNoTrace(Path attack, Path work, boolean postgres) throws Exception {
        Files.deleteIfExists(MARKER);
        int connectionsBefore = connections.get();
        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.copy(attack, routes.resolve(attack.getFileName()));
        AttackCorpusTest.makeEscape(work);
        Path users = work.resolve("users.properties");
        Files.writeString(users, "quarkus.security.users.embedded.users.canary=" + USERS_CANARY + "\n"
                + "quarkus.security.users.embedded.roles.canary=read,operate,ingest\n");
        SluiceProcess sluice = new SluiceProcess(work).env("SLUICE_ROUTES_DIR", routes.toString())
                .env("SLUICE_SECURITY_FILE_ROOTS", "data,target").env("QUARKUS_CONFIG_LOCATIONS", users.toString())
                .env("SLUICE_KAFKA_SASL_JAAS_CONFIG", SASL_CANARY);
        if (postgres) {
            sluice.postgres();
        } else {
            sluice.env("SLUICE_DB_PASSWORD", DB_CANARY);
        }
        List<AttackCorpusTest.Expected> expected = AttackCorpusTest.Expected.of(attack);
        String file = routes.toRealPath().resolve(attack.getFileName()).toString();

        SluiceProcess.Result validate = sluice.run(Duration.ofMinutes(1), "validate");
        SluiceProcess.Result start = sluice.run(Duration.ofMinutes(2));

        assertThat(validate.exitCode()).as(validate.stdout()).isEqualTo(1);
        assertThat(validate.stdout()).contains(expected.size() + " problem(s) in");
        assertThat(start.exitCode()).as(start.stdout()).isEqualTo(2);
        assertThat(start.stdout() + start.stderr()).contains("The routes files have " + expected.size()
                + " problem(s), Sluice does not start");
        for (AttackCorpusTest.Expected each : expected) {
            String problem = file + ":" + each.line() + ":" + each.column() + ": " + each.fragment();
            assertThat(validate.stdout()).as("validate").contains(problem);
            assertThat(start.stdout() + start.stderr()).as("start-up").contains(problem);
        }
        assertThat(MARKER).as("a file an attack would write").doesNotExist();
        assertThat(connections.get()).as("connections to the listener the attacks name").isEqualTo(connectionsBefore);
        for (String output : List.of(validate.stdout(), validate.stderr(), start.stdout(), start.stderr())) {
            assertThat(output).doesNotContain(DB_CANARY, SASL_CANARY, USERS_CANARY);
        }
        try (Stream<Path> written = Files.walk(work)) {
            for (Path path : written.filter(Files::isRegularFile).filter(p -> !p.equals(users)).toList()) {
                String content = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
                assertThat(content).as(path.toString()).doesNotContain(SASL_CANARY, USERS_CANARY);
            }
        }
    }
}
