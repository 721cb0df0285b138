package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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
    void demoOrders_runsTheShippedOrdersPipelineWithExactEurosTiersAndUpserts() throws Exception {
        SluiceProcess.Result result = new SluiceProcess(work).run(Duration.ofMinutes(3), "demo", "orders", "2000");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        SampleGenerator.Orders expected = SampleGenerator.writeOrders(work.resolve("expected.jsonl"), 2000, SluiceMain.SEED);
        assertThat(result.stdout()).contains(String.format("Wrote 2000 sample orders to data/orders/in/demo-orders.jsonl "
                + "(%d paid orders, %d corrections of them, %d not paid, %d malformed)", expected.paidOrders(),
                expected.corrections(), expected.notPaid(), expected.malformed()))
                .contains("pipeline           orders\nrecords_processed  " + (expected.paidOrders() + expected.corrections())
                        + "\nrecords_filtered   " + expected.notPaid() + "\nerrors             " + expected.malformed())
                .contains("  rows_written     " + expected.paidOrders() + "\n  rows_updated     " + expected.corrections()
                        + "\n  duplicates       0");
        // each row is the last paid record of its order, its euros computed exactly from the shipped rates
        Map<String, String> lastPaid = new HashMap<>();
        Map<String, BigDecimal> rates = Map.of("EUR", BigDecimal.ONE, "USD", new BigDecimal("0.92"), "GBP",
                new BigDecimal("1.17"), "JPY", new BigDecimal("0.0061"), "CHF", new BigDecimal("1.05"));
        for (String line : Files.readAllLines(work.resolve("expected.jsonl"))) {
            var order = dev.sluice.TestJson.MAPPER.readTree(line);
            if ("paid".equals(order.path("status").asText()) && order.has("customer_id")) {
                BigDecimal euros = new BigDecimal(order.get("amount").asText())
                        .multiply(rates.get(order.get("currency").asText())).setScale(2, RoundingMode.HALF_EVEN);
                lastPaid.put(order.get("order_id").asText(), order.get("amount").asText() + "|" + euros.toPlainString());
            }
        }
        Map<String, String> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/sluice")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE");
                ResultSet rs = connection.createStatement().executeQuery("SELECT order_id, amount, amount_eur, tier, "
                        + "customer_id FROM orders")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getBigDecimal(2).stripTrailingZeros().toPlainString() + "|"
                        + rs.getBigDecimal(3).toPlainString());
                int customer = Integer.parseInt(rs.getString(5).substring(2));
                assertThat(rs.getString(4)).as(rs.getString(5)).isEqualTo(customer > 40 ? "standard"
                        : new String[] { "gold", "silver", "bronze" }[customer % 3]);
            }
        }
        Map<String, String> expectedRows = new HashMap<>();
        lastPaid.forEach((id, v) -> expectedRows.put(id, new BigDecimal(v.split("\\|")[0]).stripTrailingZeros()
                .toPlainString() + "|" + v.split("\\|")[1]));
        assertThat(rows).isEqualTo(expectedRows);
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
        try (Connection connection = DriverManager.getConnection(db)) {
            assertThat(PipelineFiles.deadLetters(connection, "robot-telemetry-etl")).hasSize((int) sample.malformed());
        }
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
        assertThat(PipelineFiles.deadLetters(work.resolve("data/dlq/robot-telemetry-etl.jsonl"))).isEmpty();
    }

    /** A fault of the configuration ends the start with exit code 2 and the reason, never a retry. */
    @Test
    void runOnce_exitsTwoWithTheReasonOnAConfigurationFault() throws Exception {
        SluiceProcess.Result noMigrations = new SluiceProcess(work)
                .env("SLUICE_DB_MIGRATIONS_DIR", work.resolve("no-such-dir").toString())
                .run(Duration.ofMinutes(2), "run-once");
        assertThat(noMigrations.exitCode()).as(noMigrations.stderr()).isEqualTo(2);
        assertThat(noMigrations.stderr()).contains("Sluice does not start, its configuration has a fault: "
                + "sluice.db.migrations-dir " + work.resolve("no-such-dir").toAbsolutePath() + " is not a directory");

        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.copy(Path.of("src/test/resources/broken/bad-jq.yaml"), routes.resolve("bad-jq.yaml"));
        SluiceProcess.Result badJq = new SluiceProcess(work).env("SLUICE_ROUTES_DIR", routes.toString())
                .run(Duration.ofMinutes(2), "run-once");
        assertThat(badJq.exitCode()).as(badJq.stderr()).isEqualTo(2);
        assertThat(badJq.stderr()).contains("Sluice does not start, its configuration has a fault: The routes files "
                + "have 1 problem(s)").contains("bad-jq.yaml:8:");
    }

    private static long count(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM robot_telemetry")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
