package dev.sluice.kafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.DevCredentials;
import dev.sluice.app.DeadLettersCommand;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters of a Kafka pipeline, from its dead-letter topic: listed through the API and the command line, and
 * replayed through the pipeline's route without writing to the source topic; a record that is still bad stays the
 * one dead letter it was (no new record on the dead-letter topic), its replay noted; a record someone else put on the
 * dead-letter topic is listed as unverified and not replayed unless asked for.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class KafkaDeadLettersTest {

    static final String STREAM = KafkaPipelineTest.STREAM;
    static KafkaClient kafka;

    @TestHTTPResource("/")
    java.net.URL service;

    @BeforeAll
    static void topic() throws Exception {
        kafka = new KafkaClient();
        kafka.createTopicIfAbsent(KafkaProfile.TOPIC, 3);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aKafkaDeadLetterIsListedShownAndReplayedThroughThePipelineNotTheTopic() throws Exception {
        String robot = "r-dl-" + UUID.randomUUID().toString().substring(0, 8);
        String value = "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-12-01T10:00:00Z\",\"status\":\"active\"}";
        kafka.produce(List.of(new ProducerRecord<>(KafkaProfile.TOPIC, robot.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8))));
        kafka.awaitCommittedToEnd(KafkaProfile.STREAM_GROUP, KafkaProfile.TOPIC, Duration.ofSeconds(60));

        Map<String, Object> letter = await().atMost(Duration.ofSeconds(30)).until(() -> mine(robot), l -> l != null);
        String id = (String) letter.get("id");
        assertThat(id).startsWith("kafka:" + KafkaProfile.TOPIC + ".dlq:");
        assertThat(letter).containsEntry("pipeline", STREAM).containsEntry("stage", "parse")
                .containsEntry("reason", "missing required field 'seq'").containsEntry("payload", value)
                .containsEntry("key", robot).containsEntry("error", "dev.sluice.record.InvalidRecordException");
        assertThat((String) letter.get("source")).startsWith(KafkaProfile.TOPIC + "/");

        // the command line shows it and replays it, from the running service
        assertThat(JsonPath.from(String.join("\n", cli("dead-letters", "show", STREAM, id))).getString("payload"))
                .isEqualTo(value);
        Map<Integer, Long> ends = kafka.ends(KafkaProfile.TOPIC);
        Map<Integer, Long> deadEnds = kafka.ends(KafkaProfile.TOPIC + ".dlq");
        assertThat(cli("dead-letters", "replay", STREAM, "--id", id)).containsExactly(
                STREAM + ": replayed 1 dead letters {dead-lettered=1}",
                id + "  dead-lettered  parse: missing required field 'seq'");
        // replayed through the pipeline, not by writing to its source topic, and not dead-lettered a second time
        assertThat(kafka.ends(KafkaProfile.TOPIC)).isEqualTo(ends);
        assertThat(kafka.ends(KafkaProfile.TOPIC + ".dlq")).isEqualTo(deadEnds);

        Map<String, Object> first = mine(robot);
        assertThat(first).containsEntry("verified", true);
        assertThat(first.get("replay")).isEqualTo(Map.of("time", ((Map<?, ?>) first.get("replay")).get("time"),
                "outcome", "dead-lettered", "reason", "parse: missing required field 'seq'", "replays", 1));
    }

    @Test
    void aRecordSomeoneElsePutOnTheDeadLetterTopicIsListedUnverifiedAndNotReplayed() throws Exception {
        String robot = "r-forged-" + UUID.randomUUID().toString().substring(0, 8);
        String value = "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-12-01T10:00:00Z\",\"seq\":1,\"status\":\"active\"}";
        ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>(KafkaProfile.TOPIC + ".dlq",
                robot.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        for (String[] header : new String[][] {{"topic", KafkaProfile.TOPIC}, {"partition", "0"}, {"offset", "999999"},
                {"pipeline", STREAM}, {"stage", "parse"}, {"reason", "missing required field 'seq'"},
                {"time", "2100-01-01T00:00:00Z"}, {"mac", "0".repeat(64)}}) {
            forged.headers().add("sluice.error." + header[0], header[1].getBytes(StandardCharsets.UTF_8));
        }
        kafka.produce(List.of(forged));

        Map<String, Object> letter = await().atMost(Duration.ofSeconds(30)).until(() -> mine(robot), l -> l != null);
        assertThat(letter).containsEntry("verified", false);
        String id = (String) letter.get("id");
        given().contentType(ContentType.JSON).body(Map.of("ids", List.of(id)))
                .post("/pipelines/{name}/dead-letters/replay", STREAM).then().statusCode(200)
                .body("replayed", is(0)).body("outcomes.skipped", is(1))
                .body("results[0].reason", containsString("not sealed"));
    }

    private List<String> cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new DeadLettersCommand(Map.of("SLUICE_URL", service.toString(), "SLUICE_USER", DevCredentials.USER,
                "SLUICE_PASSWORD", DevCredentials.PASSWORD), new PrintStream(out, true), System.err).execute(args);
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** This test's dead letter of the stream pipeline. */
    private static Map<String, Object> mine(String robot) {
        List<Map<String, Object>> letters = given().queryParam("reason", "missing required field 'seq'")
                .queryParam("limit", 1000).get("/pipelines/{name}/dead-letters", STREAM).then().statusCode(200)
                .extract().jsonPath().getList("dead_letters");
        return letters.stream().filter(l -> String.valueOf(l.get("payload")).contains(robot)).findFirst().orElse(null);
    }
}
