package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sluice.PipelineFiles;
import dev.sluice.Servers;
import dev.sluice.kafka.PostgresRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service at its edges, as a careless producer meets it (routes files that attack it: AttackCorpusIT): a
 * stale lock, records far larger than usual on a small heap, and records posted while the database is down, then
 * a kill or a stop.
 */
class EdgesIT {

    @TempDir
    Path work;

    @Test
    void aLockFileLeftByACrashDoesNotBlockItsFile() throws Exception {
        Path in = Files.createDirectories(work.resolve("data/in"));
        Files.writeString(in.resolve("left.jsonl"),
                "{\"robot_id\":\"r-1\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}\n");
        Files.writeString(in.resolve("left.jsonl.camelLock"), "");

        SluiceProcess.Result result = new SluiceProcess(work).run(Duration.ofMinutes(2), "run-once");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("records_processed  1");
        assertThat(PipelineFiles.list(in)).isEmpty();
    }

    @Test
    void aDatabaseThatIsNeverReadyStopsTheStartAfterItsTimeoutWithTheReason() throws Exception {
        SluiceProcess.Result result = new SluiceProcess(work).env("SLUICE_DB_URL", "jdbc:postgresql://127.0.0.1:9/sluice")
                .env("SLUICE_DB_USERNAME", "sluice").env("SLUICE_DB_PASSWORD", "sluice")
                .env("SLUICE_DB_STARTUP_TIMEOUT", "PT4S").run(Duration.ofMinutes(2));

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).contains("The database was not ready for the migrations within PT4S "
                + "(sluice.db.startup-timeout); the service stops: ").contains("127.0.0.1:9 refused");
    }

    @Test
    void largeRecordsAndAmplifyingPostsGoThroughASmallHeapLosingNothing() throws Exception {
        Path in = Files.createDirectories(work.resolve("data/in"));
        String blob = "x".repeat(1_000_000);
        StringBuilder file = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            file.append("{\"robot_id\":\"big\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":").append(i)
                    .append(",\"status\":\"active\",\"blob\":\"").append(blob).append("\"}\n");
        }
        Files.writeString(in.resolve(".big.tmp"), file);
        Files.move(in.resolve(".big.tmp"), in.resolve("big.jsonl"));

        try (SluiceProcess.Running service = new SluiceProcess(work).heap("128m").start(18184)) {
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> service.management("/q/health/ready") == 200);
            // one record of 3.3 million empty objects: 10 MB that a tree parser would make into gigabytes
            byte[] amplifier = ("{\"robot_id\":\"amp\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\",\"x\":["
                    + "{},".repeat(3_300_000) + "{}]}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> amplified = service.http("POST", "/pipelines/robot-telemetry-http/records",
                    "application/json", amplifier);
            StringBuilder ten = new StringBuilder();
            for (int i = 1; i <= 9; i++) {
                ten.append("{\"robot_id\":\"post\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":").append(i)
                        .append(",\"status\":\"active\",\"blob\":\"").append(blob).append("\"}\n");
            }
            HttpResponse<String> posted = service.http("POST", "/pipelines/robot-telemetry-http/records",
                    "application/x-ndjson", ten.toString().getBytes(StandardCharsets.UTF_8));

            assertThat(amplified.statusCode()).as(amplified.body()).isEqualTo(202);
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
                assertThat(PipelineFiles.list(in)).isEmpty();
                assertThat(service.get("/pipelines/robot-telemetry-http/dead-letters")).contains("\"total\":1,");
                assertThat(service.get("/pipelines/robot-telemetry-http")).contains("\"records_processed\":9,");
                assertThat(service.get("/pipelines/robot-telemetry-etl")).contains("\"records_processed\":12,");
            });
            assertThat(io.restassured.path.json.JsonPath.from(service.get("/pipelines/robot-telemetry-http/dead-letters"))
                    .getList("dead_letters", Map.class)).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("truncated", true)
                            .containsEntry("original_size", amplifier.length).containsEntry("sender", "dev")
                            .containsEntry("verified", true));
            long peakKb = Files.readAllLines(Path.of("/proc/" + service.process().pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElseThrow();
            System.out.printf("-Xmx128m, 12 records of 1 MB by file, 9 by HTTP, a 10 MB amplifier: peak RSS %d MB%n",
                    peakKb / 1024);
            assertThat(peakKb).as("peak RSS within the pod's 512 MiB limit").isLessThan(512 * 1024);
            assertThat(service.output()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void recordsAnsweredWith202SurviveAKillAndAStopWhileTheDatabaseIsDown() throws Exception {
        try (PostgresRows db = new PostgresRows()) {
            db.execute("DELETE FROM robot_telemetry WHERE robot_id LIKE 'dur-%'");
        }
        int posted = 0;
        SluiceProcess sluice = new SluiceProcess(work).postgres();
        for (String stop : List.of("kill", "sigterm")) {
            try (SluiceProcess.Running service = sluice.start(18186)) {
                await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                        .until(() -> service.management("/q/health/ready") == 200);
                Servers.stop();
                try {
                    for (int request = 0; request < 20; request++) {
                        StringBuilder body = new StringBuilder();
                        for (int i = 0; i < 25; i++) {
                            body.append("{\"robot_id\":\"dur-").append(stop).append("\",\"ts\":\"2026-11-26T10:00:00Z\","
                                    + "\"seq\":").append(request * 25 + i).append(",\"status\":\"active\"}\n");
                        }
                        HttpResponse<String> answer = service.http("POST", "/pipelines/robot-telemetry-http/records",
                                "application/x-ndjson", body.toString().getBytes(StandardCharsets.UTF_8));
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                        posted += 25;
                    }
                    if (stop.equals("kill")) {
                        service.kill();
                    } else {
                        service.terminate(Duration.ofSeconds(40));
                    }
                } finally {
                    Servers.start();
                }
            }
        }
        try (SluiceProcess.Running service = sluice.start(18186); PostgresRows db = new PostgresRows()) {
            int expected = posted;
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(
                    db.count("SELECT COUNT(*) FROM robot_telemetry WHERE robot_id LIKE 'dur-%'")).isEqualTo(expected));
            assertThat(db.count("SELECT COUNT(DISTINCT (robot_id, seq)) FROM robot_telemetry WHERE robot_id LIKE 'dur-%'"))
                    .isEqualTo(expected);
        }
        assertThat(posted).isEqualTo(1000);
    }
}
