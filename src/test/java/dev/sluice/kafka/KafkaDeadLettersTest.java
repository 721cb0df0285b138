package dev.sluice.kafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.sluice.DevCredentials;
import dev.sluice.app.DeadLettersCommand;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters of a Kafka pipeline, from its dead-letter topic: listed through the API and the command line, and
 * replayed through the pipeline's route without writing to the source topic; a record that is still bad is
 * dead-lettered again, saying which dead letter it replays.
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

        Map<String, Object> letter = await().atMost(Duration.ofSeconds(30)).until(() -> mine(robot, null), l -> l != null);
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
        assertThat(cli("dead-letters", "replay", STREAM, "--id", id)).containsExactly(
                STREAM + ": replayed 1 dead letters {dead-lettered=1}",
                id + "  dead-lettered  parse: missing required field 'seq'");
        // replayed through the pipeline, not by writing to its source topic
        assertThat(kafka.ends(KafkaProfile.TOPIC)).isEqualTo(ends);

        Map<String, Object> again = await().atMost(Duration.ofSeconds(30)).until(() -> mine(robot, id), l -> l != null);
        assertThat(again).containsEntry("payload", value).containsEntry("offset", letter.get("offset"))
                .containsEntry("source", letter.get("source"));
        Map<String, Object> first = mine(robot, null);
        assertThat(first.get("replay")).isEqualTo(Map.of("time", ((Map<?, ?>) first.get("replay")).get("time"),
                "outcome", "dead-lettered", "reason", "parse: missing required field 'seq'"));
    }

    private List<String> cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new DeadLettersCommand(Map.of("SLUICE_URL", service.toString(), "SLUICE_USER", DevCredentials.USER,
                "SLUICE_PASSWORD", DevCredentials.PASSWORD), new PrintStream(out, true), System.err).execute(args);
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** This test's dead letter of the stream pipeline: the original (replayedFrom null) or the replay of one. */
    private static Map<String, Object> mine(String robot, String replayedFrom) {
        List<Map<String, Object>> letters = given().queryParam("reason", "missing required field 'seq'")
                .queryParam("limit", 1000).get("/pipelines/{name}/dead-letters", STREAM).then().statusCode(200)
                .extract().jsonPath().getList("dead_letters");
        return letters.stream().filter(l -> String.valueOf(l.get("payload")).contains(robot))
                .filter(l -> Objects.equals(l.get("replayed_from"), replayedFrom)).findFirst().orElse(null);
    }
}
