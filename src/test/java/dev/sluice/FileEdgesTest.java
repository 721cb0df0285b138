package dev.sluice;

import static dev.sluice.PipelineFiles.awaitDone;
import static dev.sluice.PipelineFiles.clean;
import static dev.sluice.PipelineFiles.deadLetters;
import static dev.sluice.PipelineFiles.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sluice.dependency.Database;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Input files as careless producers and hostile neighbours leave them: still being written, linked, looping. */
@QuarkusTest
class FileEdgesTest {

    static final Path IN = Path.of("target/test-data/etl/in");
    static final Path DONE = Path.of("target/test-data/etl/done");
    static final Path ERROR = Path.of("target/test-data/etl/error");
    static final Path DLQ = Path.of("target/test-data/dlq");
    static final Path ANOMALIES_IN = Path.of("target/test-data/anomalies/in");
    static final Path ANOMALIES_DONE = Path.of("target/test-data/anomalies/done");

    @Inject
    Database database;

    @Inject
    PipelineRuntimes runtimes;

    Rows rows;

    @BeforeEach
    void cleanSlate() {
        rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry");
        clean(DONE);
        clean(ERROR);
        clean(DLQ);
    }

    @AfterEach
    void restoreDeadLetters() {
        PipelineFiles.restoreDeadLetters();
    }

    static String record(String robot, int seq) {
        return "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":" + seq + ",\"status\":\"active\"}\n";
    }

    @Test
    void aFileStillBeingWrittenLosesNoTail() throws Exception {
        Path file = IN.resolve("slow.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 1; i <= 100; i++) {
                out.write(record("slow", i).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            Thread.sleep(1500); // the writer pauses, as a slow copy does
            for (int i = 101; i <= 200; i++) {
                out.write(record("slow", i).getBytes(StandardCharsets.UTF_8));
            }
        }

        awaitDone(IN, "slow.jsonl", DONE);

        assertThat(rows.count("robot_telemetry WHERE robot_id = 'slow'")).isEqualTo(200);
        assertThat(PipelineFiles.list(DONE)).singleElement();
    }

    @Test
    void aFileThatKeepsChangingWhileReadIsReadAgainOnceQuietAndNeverCountedAsFailed() throws Exception {
        PipelineRuntime pipeline = runtimes.get("robot-telemetry-etl");
        long changedBefore = pipeline.changedInputs();
        long failedBefore = pipeline.failedInputs();
        Path file = IN.resolve("growing.jsonl");
        int seq = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            // bursts a little over a second apart, until the file changed under more reads than it has attempts (3)
            for (int burst = 0; burst < 30 && pipeline.changedInputs() - changedBefore < 4; burst++) {
                for (int i = 0; i < 50; i++) {
                    out.write(record("growing", ++seq).getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                Thread.sleep(1300);
            }
        }
        assertThat(pipeline.changedInputs() - changedBefore).as("reads the writer overtook").isGreaterThanOrEqualTo(4);

        awaitDone(IN, "growing.jsonl", DONE);

        assertThat(rows.count("robot_telemetry WHERE robot_id = 'growing'")).isEqualTo(seq);
        assertThat(pipeline.failedInputs()).as("a changed file is no failed file").isEqualTo(failedBefore);
        assertThat(PipelineFiles.list(ERROR)).isEmpty();
        assertThat(IN.resolve(".sluice/growing.jsonl.attempts")).doesNotExist();
        assertThat(deadLetters(DLQ.resolve("robot-telemetry-etl.jsonl"))).isEmpty();
    }

    @Test
    void aSymbolicLinkInTheInputDirectoryIsNeverRead() throws Exception {
        Path secret = Files.writeString(Path.of("target/test-data/secret.jsonl"), record("leak", 1));
        Path link = IN.resolve("leak.jsonl");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, secret.toAbsolutePath());
        try {
            drop(IN, "witness.jsonl", record("witness", 1).getBytes(StandardCharsets.UTF_8));
            awaitDone(IN, "witness.jsonl", DONE);

            assertThat(rows.query("SELECT robot_id FROM robot_telemetry")).containsExactly(Map.of("robot_id", "witness"));
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(deadLetters(DLQ.resolve("robot-telemetry-etl.jsonl"))).isEmpty();
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void anEmptyFileIsDoneAndHoldsUpNoOther() {
        drop(IN, "empty.jsonl", new byte[0]);
        drop(IN, "after-empty.jsonl", record("after-empty", 1).getBytes(StandardCharsets.UTF_8));

        awaitDone(IN, "empty.jsonl", DONE);
        awaitDone(IN, "after-empty.jsonl", DONE);

        assertThat(rows.query("SELECT robot_id FROM robot_telemetry")).containsExactly(Map.of("robot_id", "after-empty"));
        assertThat(PipelineFiles.list(IN)).noneMatch(p -> p.getFileName().toString().startsWith("empty"));
        assertThat(deadLetters(DLQ.resolve("robot-telemetry-etl.jsonl"))).isEmpty();
    }

    @Test
    void namesWithDotsKeepTheirWholeNameInDone() {
        drop(IN, "a.b.jsonl", record("dots", 1).getBytes(StandardCharsets.UTF_8));
        drop(IN, "a.c.jsonl", record("dots", 2).getBytes(StandardCharsets.UTF_8));
        awaitDone(IN, "a.b.jsonl", DONE);
        awaitDone(IN, "a.c.jsonl", DONE);

        assertThat(PipelineFiles.list(DONE)).hasSize(2)
                .anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("a.b-").endsWith(".jsonl"))
                .anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("a.c-").endsWith(".jsonl"));
    }

    @Test
    void aFileThatKeptCrashingTheServiceIsMovedAsideWithADeadLetter() throws Exception {
        // three earlier attempts, each ended by a crash (as an out-of-memory kill would), counted beside the file
        Path marker = IN.resolve(".sluice/crasher.jsonl.attempts");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "3\nthe service stopped while reading it\n");

        drop(IN, "crasher.jsonl", record("crasher", 1).getBytes(StandardCharsets.UTF_8));

        // the file moves aside first, then its dead letter is written
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> Files.exists(ERROR.resolve("crasher.jsonl"))
                        && !deadLetters(DLQ.resolve("robot-telemetry-etl.jsonl")).isEmpty());
        assertThat(IN.resolve("crasher.jsonl")).doesNotExist();
        assertThat(marker).doesNotExist();
        assertThat(rows.count("robot_telemetry")).isZero();
        assertThat(deadLetters(DLQ.resolve("robot-telemetry-etl.jsonl"))).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("stage", "file").containsEntry("source", IN.resolve("crasher.jsonl").toString())
                .containsEntry("reason", "failed 3 times (last: the service stopped while reading it); moved to "
                        + ERROR.resolve("crasher.jsonl"))
                .doesNotContainKey("payload"));
    }

    @Test
    void aFileThatKeepsFailingIsTriedThreeTimesThenMovedAside() throws Exception {
        PipelineFiles.clean(DLQ);
        PipelineFiles.breakDeadLetters(); // so the bad line can never be dead-lettered: the file fails

        drop(IN, "failing.jsonl", (record("failing", 1) + "not json\n").getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ERROR.resolve("failing.jsonl")));
        assertThat(IN.resolve("failing.jsonl")).doesNotExist();
        // the good line of the attempts is written once
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.count("robot_telemetry WHERE robot_id = 'failing'") == 1);
    }

    @Test
    void theAnomalyPipelineIsUnaffected() {
        drop(ANOMALIES_IN, "ok.jsonl", record("ok", 1).getBytes(StandardCharsets.UTF_8));
        awaitDone(ANOMALIES_IN, "ok.jsonl", ANOMALIES_DONE);
        assertThat(List.of(ANOMALIES_IN.resolve("ok.jsonl"))).allSatisfy(p -> assertThat(p).doesNotExist());
    }
}
