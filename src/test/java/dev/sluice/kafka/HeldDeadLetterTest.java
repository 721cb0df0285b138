package dev.sluice.kafka;

import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.Management;
import dev.sluice.api.Pipeline;
import dev.sluice.api.Sinks;
import dev.sluice.api.SluiceApi;
import dev.sluice.api.Sources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A Kafka record whose dead letter the broker refuses is held, not lost and not silently stuck: its partition commits
 * no further, the pipeline and readiness name the partition, offset and reason, and the dead letter is tried again
 * until the broker takes it; then the partition moves on. The refusal is real: the dead-letter topic takes messages
 * of at most 64 bytes until an operator raises its limit.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class HeldDeadLetterTest {

    @Inject
    SluiceApi sluice;

    @Test
    void aRefusedDeadLetterHoldsItsPartitionVisiblyUntilTheBrokerTakesIt() throws Exception {
        String topic = "held-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaClient kafka = new KafkaClient()) {
            kafka.createTopic(topic, 1);
            kafka.createTopic(topic + ".dlq", 1, Map.of("max.message.bytes", "64"));
            Pipeline pipeline = sluice.pipeline(topic).from(Sources.kafka(topic, topic)).schema("seq:integer", "")
                    .batch(10, Duration.ofMillis(200)).to(Sinks.jsonLines(Path.of("target/test-data/" + topic + ".jsonl")));
            pipeline.start();
            try {
                kafka.produce(List.of(record(topic, "{\"seq\":1}"), record(topic, "{\"no_seq\":2}"),
                        record(topic, "{\"seq\":3}")));

                String held = "partition " + topic + "-0 offset 1";
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        when().get("/pipelines/" + topic).then().extract().<String>path("problem"))
                        .startsWith(held + ": its dead letter is refused by the dead-letter topic " + topic + ".dlq ("));
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.metrics().recordsProcessed() == 2);
                JsonPath ready = JsonPath.from(Management.given().get("/q/health/ready").then().statusCode(503)
                        .extract().asString());
                assertThat(ready.getMap("checks.find { it.name == 'sluice-dependencies' }.data"))
                        .containsKey("pipeline " + topic + " " + held);
                // the held offset is not passed: what came before it is committed, what came after waits
                await().atMost(Duration.ofSeconds(30)).until(() -> Map.of(0, 1L).equals(kafka.committed(topic, topic)));
                assertThat(pipeline.metrics().errors()).isZero();

                kafka.setTopic(topic + ".dlq", "max.message.bytes", "1048588");

                await().atMost(Duration.ofSeconds(90)).until(() -> pipeline.metrics().errors() == 1);
                assertThat(kafka.consume(topic + ".dlq", 1, Duration.ofSeconds(30))).singleElement()
                        .satisfies(dead -> assertThat(new String(dead.value(), StandardCharsets.UTF_8))
                                .isEqualTo("{\"no_seq\":2}"));
                await().atMost(Duration.ofSeconds(30)).until(() -> Map.of(0, 3L).equals(kafka.committed(topic, topic)));
                when().get("/pipelines/" + topic).then().body("problem", org.hamcrest.Matchers.nullValue());
            } finally {
                pipeline.stop();
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
