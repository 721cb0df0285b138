package dev.sluice.ops;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.DevCredentials;
import dev.sluice.Metrics;
import dev.sluice.app.DeadLettersCommand;
import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.api.Pipeline;
import dev.sluice.api.Sinks;
import dev.sluice.api.Sources;
import dev.sluice.api.StreamSource;
import dev.sluice.api.SluiceApi;
import dev.sluice.dependency.Database;
import dev.sluice.record.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters as a resource, on the file queue: a pipeline whose stage refuses robots it does not know yet
 * dead-letters two records; the operator lists and filters them, "fixes" the stage (the robot becomes known) and
 * replays them through the pipeline into the table; a second replay is absorbed by the idempotent write; a replay
 * that fails again is dead-lettered again with the new reason and says what it replays.
 */
@QuarkusTest
class DeadLettersTest {

    static final Path DLQ = Path.of("target/test-data/dlq");
    static final String NAME = "replayable";

    @Inject
    SluiceApi sluice;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL service;

    @Inject
    Database database;

    final Set<String> knownRobots = ConcurrentHashMap.newKeySet();
    Rows rows;
    Pipeline pipeline;
    StreamSource stream;
    /** The ids of the two dead letters: of the records at index 2 and 3 of the stream. */
    String first;
    String second;

    @BeforeEach
    void startWithTwoDeadLetters() throws Exception {
        rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry WHERE robot_id LIKE 'dl-%'");
        PipelineFiles.clean(DLQ);
        knownRobots.clear();
        knownRobots.add("dl-known");
        stream = Sources.stream(100, StreamSource.WhenFull.FAIL);
        pipeline = sluice.pipeline(NAME).from(stream).parser("robotTelemetryParser")
                .transform(record -> {
                    if (!knownRobots.contains(record.get("robot_id"))) {
                        throw new IllegalArgumentException("unknown robot " + record.get("robot_id"));
                    }
                    return record;
                })
                .batch(10, Duration.ofMillis(100)).to(Sinks.jdbc("robot_telemetry"));
        pipeline.start();
        stream.ingest(reading("dl-known", 1));
        stream.ingest(reading("dl-new", 1));
        stream.ingest(reading("dl-new", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> PipelineFiles.deadLetters(
                DLQ.resolve(NAME + ".jsonl")).size() == 2
                && rows.count("robot_telemetry WHERE robot_id = 'dl-known'") == 1);
        List<Map<String, Object>> stored = PipelineFiles.deadLetters(DLQ.resolve(NAME + ".jsonl"));
        first = (String) stored.get(0).get("id");
        second = (String) stored.get(1).get("id");
    }

    @AfterEach
    void stop() throws Exception {
        pipeline.stop();
    }

    static Map<String, Object> reading(String robot, int seq) {
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("robot_id", robot);
        reading.put("ts", "2026-12-01T10:00:0" + seq + "Z");
        reading.put("seq", seq);
        reading.put("status", "active");
        return reading;
    }

    @Test
    void deadLettersAreListedFilteredPagedAndShownAsStored() {
        when().get("/pipelines/{name}/dead-letters", NAME).then().statusCode(200)
                .body("pipeline", is(NAME)).body("total", is(2))
                // newest first
                .body("dead_letters.id", contains(second, first))
                .body("dead_letters[1].stage", is("transform#1"))
                .body("dead_letters[1].reason", is("unknown robot dl-new"))
                .body("dead_letters[1].error", is("java.lang.IllegalArgumentException"))
                .body("dead_letters[1].index", is(2))
                .body("dead_letters[1].payload",
                        is("{\"robot_id\":\"dl-new\",\"ts\":\"2026-12-01T10:00:01Z\",\"seq\":1,\"status\":\"active\"}"))
                .body("dead_letters[1].replay", nullValue());
        given().queryParam("stage", "parse").get("/pipelines/{name}/dead-letters", NAME).then().body("total", is(0));
        given().queryParam("reason", "UNKNOWN ROBOT").queryParam("limit", 1).queryParam("offset", 1)
                .get("/pipelines/{name}/dead-letters", NAME).then()
                .body("total", is(2)).body("dead_letters.id", contains(first));
        given().queryParam("since", "2100-01-01T00:00:00Z").get("/pipelines/{name}/dead-letters", NAME).then()
                .body("total", is(0));
        given().queryParam("since", "yesterday").get("/pipelines/{name}/dead-letters", NAME).then().statusCode(400)
                .body("error", containsString("ISO-8601"));
        when().get("/pipelines/{name}/dead-letters/{id}", NAME, first).then().statusCode(200)
                .body("id", is(first)).body("index", is(2));
        assertThat(first).startsWith("file:").isNotEqualTo(second);
        when().get("/pipelines/{name}/dead-letters/{id}", NAME, "file:nothing.jsonl:9").then().statusCode(404);
        when().get("/pipelines/{name}/dead-letters", "no-such-pipeline").then().statusCode(404)
                .body("error", is("No pipeline named no-such-pipeline"));
        given().auth().none().get("/pipelines/{name}/dead-letters", NAME).then().statusCode(401);
    }

    @Test
    void fixedRecordsAreReplayedIntoTheTableOnceEvenWhenReplayedTwice() {
        given().contentType(ContentType.JSON).body("{}").post("/pipelines/{name}/dead-letters/replay", NAME).then()
                .statusCode(400).body("error", containsString("say what to replay"));

        when().get("/pipelines/{name}/dead-letters", NAME).then().body("total", is(2)).body("open", is(2));
        knownRobots.add("dl-new"); // the fix
        given().contentType(ContentType.JSON).body(Map.of("ids", List.of(first)))
                .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(200)
                .body("replayed", is(1)).body("outcomes.written", is(1))
                .body("results[0].id", is(first)).body("results[0].outcome", is("written"));
        assertThat(rows.query("SELECT robot_id, seq, origin_source, origin_position FROM robot_telemetry "
                + "WHERE robot_id = 'dl-new'")).containsExactly(
                        Map.of("robot_id", "dl-new", "seq", 1L, "origin_source", "stream", "origin_position", 2L));

        double duplicates = Metrics.meter("sluice_records_duplicate_total", "pipeline=\"" + NAME + "\"");
        double replayedWritten = Metrics.meter("sluice_dead_letters_replayed_total",
                "outcome=\"written\",pipeline=\"" + NAME + "\"");
        // the first is in the table already: a duplicate, not written again
        given().contentType(ContentType.JSON).body(Map.of("all", true))
                .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(200)
                .body("replayed", is(2)).body("outcomes.written", is(1)).body("outcomes.duplicate", is(1))
                .body("results.find { it.id == '" + first + "' }.outcome", is("duplicate"))
                .body("results.find { it.id == '" + second + "' }.outcome", is("written"));
        assertThat(rows.count("robot_telemetry WHERE robot_id = 'dl-new'")).isEqualTo(2);
        assertThat(Metrics.meter("sluice_records_duplicate_total", "pipeline=\"" + NAME + "\""))
                .isEqualTo(duplicates + 1);
        assertThat(Metrics.meter("sluice_dead_letters_replayed_total", "outcome=\"written\",pipeline=\"" + NAME + "\""))
                .isEqualTo(replayedWritten + 1);
        when().get("/pipelines/{name}/dead-letters", NAME).then()
                .body("dead_letters.replay.outcome", contains("written", "duplicate"))
                .body("total", is(2)).body("open", is(0)); // the count of what is left to do drops after the replay
    }

    @Test
    void aReplayThatFailsAgainStaysTheOneDeadLetterItWasWithItsNewReason() {
        for (int round = 1; round <= 3; round++) {
            given().contentType(ContentType.JSON).body(Map.of("all", true))
                    .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(200)
                    .body("outcomes.dead-lettered", is(2))
                    .body("results.reason", contains("transform#1: unknown robot dl-new",
                            "transform#1: unknown robot dl-new"));
        }
        when().get("/pipelines/{name}/dead-letters", NAME).then().body("total", is(2))
                .body("dead_letters.id", contains(second, first))
                .body("dead_letters.replay.outcome", contains("dead-lettered", "dead-lettered"))
                .body("dead_letters.replay.replays", contains(3, 3))
                .body("dead_letters.replay.reason", contains("transform#1: unknown robot dl-new",
                        "transform#1: unknown robot dl-new"));
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(NAME + ".jsonl"))).hasSize(2);
        assertThat(rows.count("robot_telemetry WHERE robot_id = 'dl-new'")).isZero();
    }

    /**
     * Someone who can write to the dead-letter table adds an entry of their own (a copy of a real one, another
     * record): it is listed as unverified, a replay of everything passes it by, and only a replay that asks for
     * unverified dead letters sends it.
     */
    @Test
    void aDeadLetterSluiceDidNotSealIsListedUnverifiedAndReplayedOnlyWhenAskedFor() throws Exception {
        Map<String, Object> forged = new LinkedHashMap<>(PipelineFiles.deadLetters(DLQ.resolve(NAME + ".jsonl")).get(0));
        forged.put("id", "file:forged");
        forged.put("time", "2100-01-01T00:00:00Z");
        forged.put("index", 99);
        forged.put("payload", Json.MAPPER.writeValueAsString(reading("dl-forged", 7)));
try (java.sql.Connection connection = database.ownerConnection();
                java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO sluice_dead_letters "
                        + "(id, pipeline, origin_key, dead_at, stage, reason, bytes, entry) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
            insert.setString(1, "file:forged");
            insert.setString(2, NAME);
            insert.setString(3, "forged");
            insert.setObject(4, java.time.OffsetDateTime.parse("2100-01-01T00:00:00Z"));
            insert.setString(5, (String) forged.get("stage"));
            insert.setString(6, (String) forged.get("reason"));
            insert.setString(7, Json.MAPPER.writeValueAsString(forged));
            insert.executeUpdate();
        }
        when().get("/pipelines/{name}/dead-letters", NAME).then().body("total", is(3))
                .body("dead_letters.id", contains("file:forged", second, first))
                .body("dead_letters.verified", contains(false, true, true));

        knownRobots.add("dl-new");
        knownRobots.add("dl-forged");
        given().contentType(ContentType.JSON).body(Map.of("all", true))
                .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(200)
                .body("outcomes.written", is(2)).body("outcomes.skipped", is(1))
                .body("results.find { it.id == 'file:forged' }.reason", containsString("not sealed"));
        assertThat(rows.count("robot_telemetry WHERE robot_id = 'dl-forged'")).isZero();

        given().contentType(ContentType.JSON).body(Map.of("ids", List.of("file:forged"), "unverified", true))
                .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(200)
                .body("outcomes.written", is(1));
        assertThat(rows.count("robot_telemetry WHERE robot_id = 'dl-forged'")).isOne();
    }

    @Test
    void theCommandLineListsAndReplaysThemFromTheRunningService() throws Exception {
        assertThat(cli("dead-letters", "list", NAME, "--reason", "unknown robot")).containsExactly(
                "replayable: 2 dead letters", second + "  " + letter(second).get("time") + "  transform#1  unknown robot dl-new",
                first + "  " + letter(first).get("time") + "  transform#1  unknown robot dl-new");
        knownRobots.add("dl-new");
        assertThat(cli("dead-letters", "replay", NAME, "--stage", "transform#1")).containsExactly(
                "replayable: replayed 2 dead letters {written=2}", first + "  written", second + "  written");
        assertThat(rows.count("robot_telemetry WHERE robot_id = 'dl-new'")).isEqualTo(2);
        assertThat(cli("dead-letters", "list", NAME)).last().asString().endsWith("[replayed: written]");
        assertThat(command().execute("dead-letters", "replay", NAME)).isEqualTo(2);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int down = new DeadLettersCommand(Map.of("SLUICE_URL", "http://127.0.0.1:1"), System.out,
                new PrintStream(err, true)).execute("dead-letters", "list", NAME);
        assertThat(down).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("Cannot reach the service at http://127.0.0.1:1: ConnectException\n");
    }

    private Map<String, Object> letter(String id) {
        return when().get("/pipelines/{name}/dead-letters/{id}", NAME, id).then().extract().jsonPath().getMap("");
    }

    private List<String> cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = command(new PrintStream(out, true)).execute(args);
        assertThat(exit).as(out.toString()).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private DeadLettersCommand command() {
        return command(System.out);
    }

    private DeadLettersCommand command(PrintStream out) {
        return new DeadLettersCommand(Map.of("SLUICE_URL", service.toString(), "SLUICE_USER", DevCredentials.USER,
                "SLUICE_PASSWORD", DevCredentials.PASSWORD), out, System.err);
    }

    @Test
    void replayNeedsARunningPipeline() throws Exception {
        pipeline.stop();
        given().contentType(ContentType.JSON).body(Map.of("all", true))
                .post("/pipelines/{name}/dead-letters/replay", NAME).then().statusCode(409)
                .body("error", is("Pipeline " + NAME + " is not running: start it to replay its dead letters"));
        pipeline.start();
    }
}
