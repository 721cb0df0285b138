package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.sluice.PipelineFiles;
import dev.sluice.PostgresProfile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What docs/first-pipeline.md promises: a pipeline for data Sluice has never seen, written in YAML and SQL only,
 * runs on the packaged jar with no rebuild. A fresh pipeline file goes into the routes directory (beside the shipped
 * ones), its table's migration into the migrations directory, its reference CSV beside them; run-once then writes
 * exact rows, with exact decimal arithmetic, an enrich from the CSV and one by query, an upsert, a filter, dead
 * letters and a statement after each batch (Camel JDBC), on H2 and on PostgreSQL.
 */
class YourOwnPipelineIT {

    private static final Path FIXTURE = Path.of("src/test/resources/fresh-pipeline").toAbsolutePath();

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aFreshYamlAndSqlPairRunsOnThePackagedJar(String database) throws Exception {
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> shipped = Files.list(SluiceProcess.ROUTES)) {
            for (Path file : shipped.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.copy(FIXTURE.resolve("routes/parcels.yaml"), routes.resolve("parcels.yaml"));
        Path migrations = Files.createDirectories(work.resolve("migrations"));
        Files.copy(FIXTURE.resolve("migrations/V1__parcels.sql"), migrations.resolve("V1__parcels.sql"));
        Files.createDirectories(work.resolve("data/reference"));
        Files.copy(FIXTURE.resolve("reference/zones.csv"), work.resolve("data/reference/zones.csv"));
        Path in = Files.createDirectories(work.resolve("data/parcels/in"));
        Files.copy(FIXTURE.resolve("parcels.jsonl"), in.resolve("parcels.jsonl"));
        SluiceProcess sluice = new SluiceProcess(work).env("SLUICE_ROUTES_DIR", routes.toString())
                .env("SLUICE_DB_MIGRATIONS_DIR", migrations.toString())
                // batches of two, closed by size only: the four records that reach them make exactly two
                .env("SLUICE_PIPELINES_PARCELS_BATCH_SIZE", "2").env("SLUICE_PIPELINES_PARCELS_BATCH_WINDOW", "60s");
        String url;
        if (database.equals("postgresql")) {
            sluice.postgres();
            url = PostgresProfile.URL;
            execute(url, "DROP TABLE IF EXISTS parcels", "DROP TABLE IF EXISTS carriers",
                    "DROP TABLE IF EXISTS flyway_schema_history");
            try (Connection connection = connect(url)) {
                PipelineFiles.forgetDeadLetters(connection, "parcels");
            }
        } else {
            url = "jdbc:h2:file:" + work.resolve("data/sluice") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE";
        }

        SluiceProcess.Result result = sluice.run(Duration.ofMinutes(3), "run-once");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("""
                pipeline           parcels
                records_processed  4
                records_filtered   1
                errors             2
                duration_seconds   \\d+\\.\\d{3}
                throughput         \\d+\\.\\d records/s
                  rows_written     3
                  rows_updated     1
                  duplicates       0 \\(replays already written\\)
                  stale            0 \\(older than their row\\)
                  conflicts        0
                  fields_dropped   1 \\(internal 1\\)""");
        // 2.5 × 1.10 = 2.75; 0.5 × 7.125 = 3.5625 → 3.56 (half-even); 10 × 2.35 = 23.50: exact, no binary fractions
        assertThat(rows(url, "SELECT parcel_id, zone, weight_kg, status, price, days, carrier FROM parcels ORDER BY parcel_id"))
                .containsExactly("p-1|A|2.500|sent|2.75|1|bike", "p-2|C|0.500|delivered|3.56|6|air",
                        "p-3|B|10.000|sent|23.50|3|van");
        List<Map<String, Object>> deadLetters;
        try (Connection connection = connect(url)) {
            deadLetters = PipelineFiles.deadLetters(connection, "parcels");
        }
        assertThat(deadLetters).extracting(d -> d.get("line"), d -> d.get("stage")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(5, "pricing"), org.assertj.core.groups.Tuple.tuple(6, "parse"));
        assertThat((String) deadLetters.get(0).get("reason")).startsWith("jq '.price = decimal_round(")
                .endsWith("' failed: null is not a number");
        assertThat((String) deadLetters.get(1).get("reason")).isEqualTo("missing required field 'weight_kg'");
        assertThat(PipelineFiles.list(in)).isEmpty();

        // the same file again: the rows end as they were, untouched: p-2's older revision is stale
        Path done = work.resolve("data/parcels/done");
        try (Stream<Path> moved = Files.list(done)) {
            Files.copy(moved.findFirst().orElseThrow(), in.resolve("again.jsonl"));
        }
        SluiceProcess.Result again = sluice.run(Duration.ofMinutes(3), "run-once");
        assertThat(again.exitCode()).as(again.stdout() + again.stderr()).isZero();
        assertThat(again.stdout()).contains("  rows_written     0\n  rows_updated     0\n"
                + "  duplicates       3 (replays already written)\n  stale            1 (older than their row)\n");
        // a file of p-2's first revision alone: older than the row, it changes nothing
        Files.writeString(in.resolve("older.jsonl"),
                "{\"parcel_id\":\"p-2\",\"zone\":\"C\",\"weight_kg\":0.333,\"status\":\"sent\",\"revision\":1}\n");
        SluiceProcess.Result older = sluice.run(Duration.ofMinutes(3), "run-once");
        assertThat(older.stdout()).contains("  rows_written     0\n  rows_updated     0\n"
                + "  duplicates       0 (replays already written)\n  stale            1 (older than their row)\n");
        assertThat(rows(url, "SELECT parcel_id, price FROM parcels ORDER BY parcel_id"))
                .containsExactly("p-1|2.75", "p-2|3.56", "p-3|23.50");

        SluiceProcess.Result sql = sluice.run(Duration.ofMinutes(1), "sql",
                "SELECT parcel_id, price FROM parcels WHERE zone = 'C'");
        assertThat(sql.exitCode()).as(sql.stderr()).isZero();
        assertThat(sql.stdout()).isEqualTo("""
                parcel_id | price
                ----------+------
                p-2       | 3.56
                (1 row)
                """);

        // its fixture test: passes, and names the field its input loses to unmapped: drop
        Path tests = Files.createDirectories(routes.resolve("tests"));
        Files.writeString(tests.resolve("parcels.yaml"), """
                pipeline: parcels
                input:
                  - '{"parcel_id":"p-7","zone":"A","weight_kg":2.5,"status":"sent","internal":"x","revision":1}'
                expect:
                  tables:
                    parcels:
                      - {parcel_id: p-7, price: 2.75, revision: 1}
                  filtered: 0
                  deadLetters: []
                """);
        SluiceProcess.Result fixture = sluice.run(Duration.ofMinutes(3), "test", routes.toString());
        assertThat(fixture.exitCode()).as(fixture.stdout() + fixture.stderr()).isZero();
        assertThat(fixture.stdout()).contains("PASS parcels.yaml\n  fields dropped (no column takes them): internal 1\n"
                + "1 passed, 0 failed");
    }

    private static void execute(String url, String... statements) throws Exception {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static Connection connect(String url) throws Exception {
        return url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url)
                : DriverManager.getConnection(url, "sluice", "sluice");
    }

    private static List<String> rows(String url, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect(url);
                Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    cells.add(String.valueOf(result.getObject(i)));
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }
}
