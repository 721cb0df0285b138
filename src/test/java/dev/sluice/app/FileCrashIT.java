package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.sluice.Expected;
import dev.sluice.PipelineFiles;
import dev.sluice.kafka.PostgresRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service, file → PostgreSQL, killed with SIGKILL in the middle of a file: the file stays in the input
 * directory, and a run-once afterwards reads it again from the start. PostgreSQL then holds every valid active line
 * exactly once, and the file is in the done directory.
 */
class FileCrashIT {

    @TempDir
    Path work;

    @Test
    void killedMidFile_theFileRunsAgainAndEveryRecordIsWrittenOnce() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Path file = Files.createTempFile("crash", ".jsonl");
        SampleGenerator.Sample sample = SampleGenerator.write(file, 150_000, 0.3, 150, 7);
        Set<String> expected = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                .map(l -> Expected.rowKey(l.getBytes(StandardCharsets.ISO_8859_1))).filter(k -> k != null)
                .collect(Collectors.toSet());
        SluiceProcess sluice = new SluiceProcess(work).postgres()
                .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ETL_INPUT_DIR", in.toString());

        try (PostgresRows db = new PostgresRows()) {
            db.execute("DELETE FROM robot_telemetry");
            db.forgetDeadLetters("robot-telemetry-etl");
            try (SluiceProcess.Running service = sluice.start(18182)) {
                PipelineFiles.drop(in, "crash.jsonl", Files.readAllBytes(file));
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                        .until(() -> db.count("SELECT COUNT(*) FROM robot_telemetry") >= expected.size() * 2 / 5);
                service.kill();
            }
            long rowsAtKill = db.count("SELECT COUNT(*) FROM robot_telemetry");
            assertThat(rowsAtKill).isLessThan(expected.size());
            assertThat(in.resolve("crash.jsonl")).as("a file half written stays in the input directory").exists();

            SluiceProcess.Result rerun = sluice.run(Duration.ofMinutes(5), "run-once");

            System.out.printf("File crash test: %d lines, killed at %d of %d rows, run-once output:%n%s%n",
                    sample.lines(), rowsAtKill, expected.size(), rerun.stdout().lines()
                            .filter(l -> l.matches("^(pipeline|records_|errors|duration|throughput).*"))
                            .collect(Collectors.joining("\n")));
            assertThat(rerun.exitCode()).isZero();
            assertThat(rerun.stdout()).contains("records_processed  " + sample.active());
            assertThat(db.count("SELECT COUNT(*) FROM robot_telemetry")).isEqualTo(expected.size());
            assertThat(db.count("SELECT COUNT(DISTINCT (robot_id, seq)) FROM robot_telemetry")).isEqualTo(expected.size());
            assertThat(new HashSet<>(db.strings("SELECT robot_id || '/' || seq FROM robot_telemetry"))).isEqualTo(expected);
            assertThat(PipelineFiles.list(in)).isEmpty();
            assertThat(PipelineFiles.list(work.resolve("done"))).hasSize(1);
            List<Object> deadLines = db.deadLetters("robot-telemetry-etl").stream().map(e -> e.get("line")).toList();
            assertThat(deadLines).as("lines dead-lettered, once each though some were read again after the crash")
                    .hasSize((int) sample.malformed()).doesNotHaveDuplicates();
        }
    }
}
