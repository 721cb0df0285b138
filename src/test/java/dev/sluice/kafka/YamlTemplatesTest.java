package dev.sluice.kafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.TestJson;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The templates the shipped routes do not use, each as a YAML pipeline of src/test/resources/test-routes: files into a
 * topic, and records posted over HTTP into a table and into a topic, on the real application, broker and database.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class YamlTemplatesTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    Database database;

    static String record(String robot, String status) {
        return "{\"robot_id\":\"" + robot + "\",\"ts\":\"2026-12-05T10:00:00Z\",\"seq\":1,\"status\":\"" + status + "\"}";
    }

    @Test
    void filesToTopic_writesTheRecordsTheStagesKeepKeyedByTheirField() throws Exception {
        String lines = record("ft-1", "active") + "\n" + record("ft-2", "inactive") + "\n" + record("ft-3", "active")
                + "\n";
        PipelineFiles.drop(KafkaProfile.FILES_IN, "robots.jsonl", lines.getBytes(StandardCharsets.UTF_8));
        PipelineFiles.awaitDone(KafkaProfile.FILES_IN, "robots.jsonl", KafkaProfile.FILES_IN.resolveSibling("done"));

        try (KafkaClient kafka = new KafkaClient()) {
            List<ConsumerRecord<byte[], byte[]>> sent = kafka.consume(KafkaProfile.FILES_TOPIC, 3, Duration.ofSeconds(10));
            assertThat(sent).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("ft-1",
                    "ft-3");
            for (ConsumerRecord<byte[], byte[]> each : sent) {
                @SuppressWarnings("unchecked")
                Map<String, Object> value = TestJson.MAPPER.readValue(each.value(), Map.class);
                assertThat(value.get("robot_id")).isEqualTo(new String(each.key(), StandardCharsets.UTF_8));
                assertThat(value).containsKeys("region", "processed_at");
            }
        }
    }

    @Test
    void httpToTable_writesThePostedRecordsTheStagesKeep() {
        Rows rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry WHERE robot_id LIKE 'ht-%'");

        given().contentType("application/x-ndjson").body((record("ht-1", "active") + "\n" + record("ht-2", "idle") + "\n")
                .getBytes(StandardCharsets.UTF_8))
                .post("/pipelines/http-to-table-test/records").then().statusCode(202).body("accepted",
                        org.hamcrest.Matchers.equalTo(2));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows.query(
                "SELECT robot_id FROM robot_telemetry WHERE robot_id LIKE 'ht-%'")).containsExactly(Map.of("robot_id",
                        "ht-1")));
    }

    @Test
    void httpToTopic_sendsEveryPostedRecordKeyedByItsField() {
        given().contentType("application/json").body(record("hk-1", "active"))
                .post("/pipelines/http-to-topic-test/records").then().statusCode(202);

        try (KafkaClient kafka = new KafkaClient()) {
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(kafka.consume(KafkaProfile.HTTP_TOPIC, 1,
                    Duration.ofSeconds(2))).singleElement().satisfies(sent -> {
                        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("hk-1");
                        assertThat(TestJson.MAPPER.readValue(sent.value(), Map.class)).containsEntry("status", "active");
                    }));
        }
    }

    @Test
    void aPipelineOfTheRoutesFilesTakesPostsOnlyFromUsersWithItsRole() {
        given().auth().none().contentType("application/json").body(record("hx-1", "active"))
                .post("/pipelines/http-to-table-test/records").then().statusCode(401);
    }
}
