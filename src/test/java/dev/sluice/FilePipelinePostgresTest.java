package dev.sluice;

import static dev.sluice.PipelineFiles.TIMEOUT;
import static dev.sluice.PipelineFiles.awaitDone;
import static dev.sluice.PipelineFiles.deadLetters;
import static dev.sluice.Metrics.delta;
import static dev.sluice.Metrics.pipeline;
import static dev.sluice.PipelineFiles.drop;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.sluice.app.SampleGenerator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every file pipeline test again, on a real PostgreSQL 15 with the reference table in the database, plus what
 * only a server can show: the database going away and coming back in the middle of a run.
 */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class FilePipelinePostgresTest extends FilePipelineTest {

    @BeforeEach
    void referenceTableHoldsTheRegions() throws IOException {
        StringBuilder insert = new StringBuilder("INSERT INTO robot_regions (robot_id, region) VALUES ");
        var lines = new String(PipelineFiles.class.getClassLoader()
                .getResourceAsStream("reference/robot-regions.csv").readAllBytes()).lines().skip(1).toList();
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            insert.append(i == 0 ? "" : ", ").append("('").append(cells[0]).append("', '").append(cells[1]).append("')");
        }
        rows.execute(insert.append(" ON CONFLICT DO NOTHING").toString());
    }

    @Test
    void databaseRestart_retriesUntilItIsBackAndLosesNothing() throws Exception {
        Path file = Files.createTempFile("sample", ".jsonl");
        SampleGenerator.Sample sample = SampleGenerator.write(file, 2000, 0.3, 0, 5);
        Map<String, Object> before = pipeline(ETL);

        Servers.stop();
        try {
            drop(ETL_IN, "outage.jsonl", Files.readAllBytes(file));
            await().atMost(TIMEOUT).untilAsserted(() -> Management.given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'sluice-dependencies' }.status", org.hamcrest.Matchers.is("DOWN")));
            Management.given().get("/q/health/live").then().statusCode(200);
            // a few more failed attempts while the database is away, counted
            double failures = Metrics.meter("sluice_sink_failures_total", "pipeline=\"" + ETL + "\"");
            await().atMost(TIMEOUT).until(() -> Metrics.meter("sluice_sink_failures_total",
                    "pipeline=\"" + ETL + "\"") >= failures + 3);
            assertThat(ETL_IN.resolve("outage.jsonl")).exists();
        } finally {
            Servers.start();
        }

        awaitDone(ETL_IN, "outage.jsonl", ETL_DONE);
        assertThat(rows.count("robot_telemetry")).isEqualTo(sample.active());
        assertThat(deadLetters(DLQ.resolve(ETL + ".jsonl"))).isEmpty();
        Map<String, Object> after = pipeline(ETL);
        assertThat(delta(before, after, "records_processed")).isEqualTo(sample.active());
        assertThat(delta(before, after, "errors")).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("sluice-dependencies")));
    }
}
