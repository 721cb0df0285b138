package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.deadletter.SealedEntries;
import dev.sluice.record.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 500 MB of dead letters and a service with a 128 MB heap: listing, filtering, counting, showing one, the live page
 * and a replay of all of them work, because none of them holds more than a page (or a replay's chunk) in memory.
 */
class DeadLettersAtScaleIT {

    static final String PIPELINE = "robot-telemetry-etl";
    static final String KEY = "the seal key of this deployment";
    static final int LETTERS = 5_000;
    static final int BLOB = 100_000;

    @TempDir
    Path work;

    @Test
    void fiveHundredMegabytesOfDeadLettersAreListedShownAndReplayedInA128MegabyteHeap() throws Exception {
        Path dlq = Files.createDirectories(work.resolve("data/dlq"));
        SealedEntries sealed = new SealedEntries(KEY);
        String blob = "b".repeat(BLOB);
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        try (BufferedWriter out = Files.newBufferedWriter(dlq.resolve(PIPELINE + ".jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 1; i <= LETTERS; i++) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", "file:scale-" + i);
                entry.put("time", start.plusSeconds(i).toString());
                entry.put("pipeline", PIPELINE);
                entry.put("source", "data/in/scale.jsonl");
                entry.put("line", i);
                entry.put("stage", "sink");
                entry.put("reason", i % 1000 == 0 ? "the needle " + i : "the table was away");
                entry.put("error", "java.sql.SQLException");
                entry.put("payload", "{\"robot_id\":\"scale\",\"ts\":\"2026-12-01T00:00:00Z\",\"seq\":" + i
                        + ",\"status\":\"active\",\"blob\":\"" + blob + "\"}");
                out.write(sealed.line(entry));
            }
        }
        assertThat(Files.size(dlq.resolve(PIPELINE + ".jsonl"))).isGreaterThan(500_000_000L);

        try (SluiceProcess.Running service = new SluiceProcess(work).heap("128m")
                .env("SLUICE_DEAD_LETTER_SEAL_KEY", KEY).start(18190)) {
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> service.management("/q/health/ready") == 200);
            String base = "/pipelines/" + PIPELINE + "/dead-letters";

            Map<String, Object> newest = page(service, base + "?limit=1");
            assertThat(newest.get("total")).isEqualTo(LETTERS);
            assertThat(letters(newest)).singleElement().satisfies(letter -> assertThat(letter)
                    .containsEntry("id", "file:scale-" + LETTERS).containsEntry("verified", true));

            Map<String, Object> needles = page(service, base + "?reason=needle&limit=2&offset=1");
            assertThat(needles.get("total")).isEqualTo(5);
            assertThat(letters(needles)).extracting(letter -> letter.get("id"))
                    .containsExactly("file:scale-4000", "file:scale-3000");
            assertThat(page(service, base + "?until=2026-12-01T00:00:11Z&limit=1000").get("total")).isEqualTo(10);

            HttpResponse<String> one = service.http("GET", base + "/file:scale-2500", null, null);
            assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
            assertThat((String) Json.OWN.readValue(one.body(), Map.class).get("payload")).hasSizeGreaterThan(BLOB)
                    .contains("\"seq\":2500,");

            assertThat(service.http("GET", "/", null, null).statusCode()).isEqualTo(200);
            assertThat(service.http("GET", "/live/page.js", null, null).statusCode()).isEqualTo(200);
            assertThat(page(service, base + "?limit=10").get("dead_letters")).asList().hasSize(10);

            HttpResponse<String> replay = service.http("POST", base + "/replay", "application/json",
                    "{\"all\":true}".getBytes(StandardCharsets.UTF_8));
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
            Map<String, Object> replayed = Json.OWN.readValue(replay.body(), new TypeReference<>() {
            });
            assertThat(replayed.get("replayed")).isEqualTo(LETTERS);
            assertThat(replayed.get("outcomes")).isEqualTo(Map.of("written", LETTERS));
            assertThat(service.get("/pipelines/" + PIPELINE)).contains("\"records_processed\":" + LETTERS + ",");
            assertThat(page(service, base + "?limit=1").get("total")).isEqualTo(LETTERS);
            assertThat(letters(page(service, base + "?limit=1"))).singleElement()
                    .satisfies(letter -> assertThat(letter.get("replay")).asString().contains("outcome=written"));
            assertThat(service.output()).doesNotContain("OutOfMemoryError");
        }
    }

    private static Map<String, Object> page(SluiceProcess.Running service, String path) throws Exception {
        HttpResponse<String> response = service.http("GET", path, null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.OWN.readValue(response.body(), new TypeReference<>() {
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> letters(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("dead_letters");
    }
}
