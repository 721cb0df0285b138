package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;

import dev.sluice.PipelineFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application in its bounded modes, as the README and a Kubernetes Job run it: the demo on the
 * embedded defaults, a run-once over a file far larger than the heap, and a run-once that cannot finish.
 */
class RunOnceIT {

    @TempDir
    Path work;

    @Test
    void demo_generatesASampleRunsThePipelineAndPrintsTheSeedsMetrics() throws Exception {
        SluiceProcess.Result result = new SluiceProcess(work).run(Duration.ofMinutes(3), "demo");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout())
                .contains("Wrote 10000 sample records to data/in/demo-telemetry.jsonl (7015 active, 2975 inactive, 10 malformed)")
                .containsPattern("""
                        pipeline           robot-telemetry-etl
                        records_processed  7015
                        records_filtered   2975
                        errors             10
                        duration_seconds   \\d+\\.\\d{3}
                        throughput         \\d+\\.\\d records/s""");
        assertThat(PipelineFiles.deadLetters(work.resolve("data/dlq/robot-telemetry-etl.jsonl"))).hasSize(10);
        assertThat(PipelineFiles.list(work.resolve("data/in"))).isEmpty();
        assertThat(PipelineFiles.list(work.resolve("data/done"))).hasSize(1);
        assertThat(count("jdbc:h2:file:" + work.resolve("data/sluice") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "NON_KEYWORDS=VALUE")).isEqualTo(7015);
    }

    @Test
    void runOnce_streamsAFileLargerThanTheHeapThroughAChildJvm() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        SampleGenerator.Sample sample = SampleGenerator.write(in.resolve("large.jsonl"), 500_000, 0.3, 500, 3);
        assertThat(Files.size(sample.file())).as("file bigger than the whole heap").isGreaterThan(64L << 20);
        String db = "jdbc:h2:file:" + work.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;NON_KEYWORDS=VALUE";

        SluiceProcess.Result result = new SluiceProcess(work).heap("64m")
                .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ETL_INPUT_DIR", in.toString())
                .env("SLUICE_DB_URL", db)
                .run(Duration.ofMinutes(5), "run-once");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("records_processed  " + sample.active(),
                "records_filtered   " + sample.inactive(), "errors             " + sample.malformed());
        assertThat(result.stdout() + result.stderr()).doesNotContain("OutOfMemoryError");
        assertThat(count(db)).isEqualTo(sample.active());
        assertThat(PipelineFiles.deadLetters(work.resolve("data/dlq/robot-telemetry-etl.jsonl")))
                .hasSize((int) sample.malformed());
        assertThat(PipelineFiles.list(in)).isEmpty();
    }

    @Test
    void runOnce_exitsNonZeroAndKeepsTheFileWhenTheDatabaseNeverAnswers() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        SampleGenerator.write(in.resolve("stuck.jsonl"), 100, 0.0, 0, 1);

        SluiceProcess.Result result = new SluiceProcess(work)
                .env("SLUICE_PIPELINES_ROBOT_TELEMETRY_ETL_INPUT_DIR", in.toString())
                .env("SLUICE_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere")
                .env("SLUICE_RUN_ONCE_TIMEOUT", "PT8S")
                .run(Duration.ofMinutes(2), "run-once");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("Input not drained within sluice.run-once.timeout=PT8S");
        assertThat(in.resolve("stuck.jsonl")).exists();
        assertThat(work.resolve("data/dlq/robot-telemetry-etl.jsonl")).doesNotExist();
    }

    private static long count(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM robot_telemetry")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
