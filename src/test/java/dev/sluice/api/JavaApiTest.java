package dev.sluice.api;

import dev.sluice.Management;
import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.sluice.Expected;
import dev.sluice.Metrics;
import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.app.SampleGenerator;
import dev.sluice.kafka.KafkaClient;
import dev.sluice.kafka.KafkaProfile;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.dependency.Database;
import dev.sluice.stage.AnomalyDetector;
import dev.sluice.record.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.apache.camel.CamelContext;
import org.apache.camel.model.AggregateDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.language.SimpleExpression;

/**
 * The Java API through the real application, with PostgreSQL, Kafka and files: the examples of docs/java-api.md run
 * with exact assertions on rows and metrics, stream processors at their size, window and close, back-pressure, handler
 * failures, and HTTP entry.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class JavaApiTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Path WORK = Path.of("target/test-data/java-api");
    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    SluiceApi sluice;

    @Inject
    Database database;

    @Inject
    AnomalyDetector anomalyDetector;

    @Inject
    PipelineRuntimes runtimes;

    @Inject
    CamelContext camel;

    Rows rows;
    JavaApiExamples examples;

    @BeforeEach
    void cleanSlate() {
        rows = new Rows(database);
        rows.execute("DELETE FROM robot_telemetry", "DELETE FROM robot_anomalies");
        PipelineFiles.clean(WORK);
        PipelineFiles.clean(DLQ);
        examples = new JavaApiExamples(sluice, database, anomalyDetector);
    }

    @Test
    void fileToDatabase_runReturnsTheSeedsMetricsAndWritesExactlyTheActiveRecords() throws Exception {
        Path in = Files.createDirectories(WORK.resolve("in"));
        Path file = Files.createTempFile("java", ".jsonl");
        SampleGenerator.write(file, 2000, 0.3, 4, 8);
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        long expected = lines.stream().filter(l -> Expected.rowKey(bytes(l)) != null).count();
        long malformed = lines.stream().filter(l -> Expected.malformed(bytes(l))).count();
        PipelineFiles.drop(in, "telemetry.jsonl", Files.readAllBytes(file));

        long started = System.nanoTime();
        RunMetrics metrics = examples.fileToDatabase(in, Map.of("r-0007", "eu-north"));
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        assertThat(metrics.recordsProcessed()).isEqualTo(expected);
        assertThat(metrics.recordsFiltered()).isEqualTo(lines.size() - expected - malformed);
        assertThat(metrics.errors()).isEqualTo(malformed).isEqualTo(4);
        assertThat(metrics.durationSeconds()).isPositive().isLessThanOrEqualTo(wallSeconds);
        assertThat(metrics.throughput()).as("records written per second of the run, timed by the test itself")
                .isGreaterThanOrEqualTo(expected / wallSeconds);
        assertThat(rows.count("robot_telemetry")).isEqualTo(expected);
        assertThat(rows.query("SELECT DISTINCT region FROM robot_telemetry WHERE robot_id = 'r-0007'"))
                .containsExactly(Map.of("region", "eu-north"));
        assertThat(rows.query("SELECT DISTINCT region FROM robot_telemetry WHERE robot_id = 'r-0008'"))
                .containsExactly(Map.of("region", "unknown"));
        assertThat(rows.count("robot_telemetry WHERE processed_at IS NULL")).isZero();
        assertThat(PipelineFiles.list(in)).isEmpty();
        assertThat(PipelineFiles.list(WORK.resolve("done"))).hasSize(1);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("robot-telemetry-java.jsonl"))).hasSize(4);
    }

    @Test
    void ownSourceAndSink_withTheSeedsAnomalyDetector() throws Exception {
        Path file = WORK.resolve("readings.jsonl");
        Files.write(file, PipelineFiles.fixture("anomalies/input.jsonl"));
        long anomaliesBefore = anomalyDetector.anomalies();

        RunMetrics metrics = examples.ownSourceAndSink(file);

        assertThat(rows.query("SELECT robot_id, seq, temperature_c, anomaly FROM robot_anomalies ORDER BY robot_id"))
                .containsExactly(
                        Map.of("robot_id", "r-0001", "seq", 2L, "temperature_c", 85.0, "anomaly", true),
                        Map.of("robot_id", "r-0002", "seq", 1L, "temperature_c", 80.5, "anomaly", true),
                        Map.of("robot_id", "r-0003", "seq", 1L, "temperature_c", 120.0, "anomaly", true));
        assertThat(metrics.recordsProcessed()).isEqualTo(3);
        assertThat(metrics.recordsFiltered()).isEqualTo(3);
        assertThat(metrics.errors()).isEqualTo(1);
        assertThat(anomalyDetector.anomalies() - anomaliesBefore).isEqualTo(3);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("robot-anomalies-java.jsonl"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("index", 7).containsEntry("stage", "parse")
                        .containsEntry("reason", "missing required field 'seq'"));
    }

    @Test
    void asyncStage_andRunAsync() throws Exception {
        Path in = Files.createDirectories(WORK.resolve("firmware"));
        Path out = WORK.resolve("channels.jsonl");
        PipelineFiles.drop(in, "f.jsonl", ("{\"robot_id\":\"r-1\",\"firmware\":\"v1.2\"}\n"
                + "{\"robot_id\":\"r-2\",\"firmware\":\"v2.0\"}\n{\"robot_id\":\"r-3\"}\n").getBytes(StandardCharsets.UTF_8));

        RunMetrics metrics = examples.runAsync(in, out).toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(metrics.recordsProcessed()).isEqualTo(3);
        assertThat(Files.readAllLines(out)).containsExactly(
                "{\"robot_id\":\"r-1\",\"firmware\":\"v1.2\",\"firmware_channel\":\"stable\"}",
                "{\"robot_id\":\"r-2\",\"firmware\":\"v2.0\",\"firmware_channel\":\"beta\"}",
                "{\"robot_id\":\"r-3\",\"firmware_channel\":\"beta\"}");
    }

    @Test
    void kafkaToKafka_startAndStop() throws Exception {
        String run = Long.toString(System.nanoTime());
        String topic = "java.telemetry." + run;
        String enriched = "java.telemetry.enriched." + run;
        List<String> lines = new ArrayList<>();
        Path file = Files.createTempFile("kafka", ".jsonl");
        SampleGenerator.write(file, 300, 0.3, 0, 5);
        Files.readAllLines(file).forEach(lines::add);
        long active = lines.stream().filter(l -> Expected.rowKey(bytes(l)) != null).count();

        try (KafkaClient kafka = new KafkaClient()) {
            kafka.createTopic(topic, 3);
            Pipeline pipeline = examples.kafkaToKafka(topic, "java-" + run, enriched);
            try {
                // one batch per consumer thread: what Camel's reifier reads (getExpression), not only the element
                AggregateDefinition batches = ((ModelCamelContext) camel)
                        .getRouteDefinition("robot-telemetry-enriched-java").getOutputs().stream()
                        .flatMap(step -> Stream.concat(Stream.of(step),
                                step.getOutputs().stream()))
                        .filter(AggregateDefinition.class::isInstance).map(AggregateDefinition.class::cast).findFirst()
                        .orElseThrow();
                assertThat(batches.getExpression()).isInstanceOf(SimpleExpression.class);
                assertThat(batches.getExpression().getExpression()).isEqualTo("${threadName}");
                kafka.produce(lines.stream().map(l -> new ProducerRecord<byte[], byte[]>(topic, bytes(l.substring(13, 19)),
                        bytes(l))).toList());
                List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
                await().atMost(TIMEOUT).untilAsserted(() -> {
                    out.clear();
                    out.addAll(kafka.consume(enriched, (int) active, Duration.ofSeconds(2)));
                    assertThat(out).hasSize((int) active);
                });
                for (ConsumerRecord<byte[], byte[]> record : out) {
                    Map<String, Object> value = Json.parseObject(new String(record.value(), StandardCharsets.UTF_8));
                    assertThat(value).containsEntry("status", "active").containsKeys("region", "processed_at");
                    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(value.get("robot_id"));
                }
            } finally {
                pipeline.stop();
            }
            assertThat(kafka.committedToEnd("java-" + run, topic)).isTrue();
        }
    }

    @Test
    void aJavaPipelineShowsUpInPipelinesMetricsAndHealthLikeAYamlOne() throws Exception {
        StreamSource stream = Sources.stream(100, StreamSource.WhenFull.FAIL);
        Pipeline pipeline = sluice.pipeline("visible-java").from(stream).batch(10, Duration.ofMillis(200))
                .to(Sinks.jsonLines(WORK.resolve("visible.jsonl")));
        pipeline.start();
        try {
            stream.ingest(Map.of("robot_id", "r-1"));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(Metrics.pipeline("visible-java"))
                    .containsEntry("records_processed", 1).containsEntry("status", "Started"));
            when().get("/pipelines").then().body("name", hasItem("visible-java"));
            assertThat(Metrics.meter("sluice_records_processed_total", "pipeline=\"visible-java\"")).isEqualTo(1.0);
            Management.given().get("/q/health/ready").then().statusCode(200);
        } finally {
            pipeline.stop();
        }
        // stopped, it stays with its last figures and says so
        when().get("/pipelines/visible-java").then().statusCode(200).body("status", is("Stopped"))
                .body("records_processed", is(1));
    }

    @Test
    void aStageThatThrowsCountsAsAnErrorAndTheRunGoesOn() throws Exception {
        Path file = WORK.resolve("boom.jsonl");
        Files.writeString(file, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        Path out = WORK.resolve("boom-out.jsonl");

        RunMetrics metrics = sluice.pipeline("throwing-java")
                .from(() -> Files.lines(file).map(Json::parseObject).iterator())
                .transform(record -> {
                    if (record.get("n").equals(2)) {
                        throw new IllegalArgumentException("two is not allowed");
                    }
                    return record;
                })
                .batch(10, Duration.ofMillis(200))
                .to(Sinks.jsonLines(out))
                .run();

        assertThat(metrics.recordsProcessed()).isEqualTo(2);
        assertThat(metrics.errors()).isEqualTo(1);
        assertThat(Files.readAllLines(out)).containsExactly("{\"n\":1}", "{\"n\":3}");
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("throwing-java.jsonl"))).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("index", 2).containsEntry("stage", "transform#1")
                .containsEntry("reason", "two is not allowed").containsEntry("payload", "{\"n\":2}")
                .containsEntry("error", "java.lang.IllegalArgumentException"));
    }

    // --- StreamProcessor ---------------------------------------------------------------------------------------

    @Test
    void streamProcessor_flushesAtTheSizeAndAtClose() throws Exception {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        StreamProcessor processor = sluice.streamProcessor("size-and-close").batchSize(5).window(Duration.ofSeconds(30))
                .onBatch(batch -> batches.add(batch.size())).build();
        for (int i = 0; i < 8; i++) {
            processor.ingest(Map.of("i", i));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(batches).containsExactly(5));
        double closedAtShutdown = Metrics.batches("size-and-close", "shutdown");

        processor.close();

        assertThat(batches).containsExactly(5, 3);
        assertThat(Metrics.batches("size-and-close", "size")).isEqualTo(1.0);
        assertThat(Metrics.batches("size-and-close", "shutdown") - closedAtShutdown)
                .as("the 3 records waited for a fuller batch or the window, and close wrote them").isEqualTo(1.0);
    }

    @Test
    void streamProcessor_flushesAtTheEndOfTheWindow() throws Exception {
        List<List<Map<String, Object>>> batches = new CopyOnWriteArrayList<>();
        try (StreamProcessor processor = examples.streamProcessor(batch -> batches.add(List.copyOf(batch)))) {
            processor.ingest(Map.of("robot_id", "r-1", "seq", 1));
            processor.ingest(Map.of("robot_id", "r-1", "seq", 2));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(batches).hasSize(1));
        }
        assertThat(batches.get(0)).containsExactly(Map.of("robot_id", "r-1", "seq", 1), Map.of("robot_id", "r-1", "seq", 2));
    }

    @Test
    void streamProcessor_aSlowHandlerBlocksIngestInsteadOfFillingMemory() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        StreamProcessor processor = sluice.streamProcessor("slow-handler").batchSize(2).window(Duration.ofMillis(50))
                .capacity(4).onBatch(batch -> {
                    release.await();
                    handled.addAndGet(batch.size());
                }).build();
        try {
            for (int i = 0; i < 4; i++) {
                processor.ingest(Map.of("i", i));
            }
            CompletableFuture<Void> fifth = new CompletableFuture<>();
            Thread ingesting = new Thread(() -> {
                processor.ingest(Map.of("i", 4));
                fifth.complete(null);
            });
            ingesting.start();
            await().atMost(TIMEOUT).until(() -> ingesting.getState() == Thread.State.WAITING);
            assertThat(fifth).as("the fifth record waits for room").isNotDone();

            release.countDown();

            fifth.get(10, TimeUnit.SECONDS);
        } finally {
            processor.close();
        }
        assertThat(handled).hasValue(5);
    }

    @Test
    void streamProcessor_canFailFastWhenFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        StreamProcessor processor = sluice.streamProcessor("fail-fast").batchSize(10).window(Duration.ofMillis(50))
                .capacity(2).whenFull(StreamSource.WhenFull.FAIL).onBatch(batch -> release.await()).build();
        try {
            processor.ingest(Map.of("i", 1));
            processor.ingest(Map.of("i", 2));
            assertThatThrownBy(() -> processor.ingest(Map.of("i", 3))).isInstanceOf(StreamFullException.class)
                    .hasMessage("Stream fail-fast is full: 2 records are waiting to be written");
        } finally {
            release.countDown();
            processor.close();
        }
    }

    @Test
    void streamProcessor_retriesAFailingHandlerThenReportsIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        try (StreamProcessor flaky = sluice.streamProcessor("flaky-handler").batchSize(3).onBatch(batch -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            delivered.add(batch.size());
        }).build()) {
            for (int i = 0; i < 3; i++) {
                flaky.ingest(Map.of("i", i));
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(delivered).containsExactly(3));
        }
        assertThat(calls).hasValue(3);
        assertThat(runtimes.get("flaky-handler").stats().errors()).isZero();
        assertThat(runtimes.get("flaky-handler").stats().recordsProcessed()).isEqualTo(3);

        DataSink broken = new DataSink() {
            @Override
            public void write(List<Map<String, Object>> batch) {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        try (StreamProcessor failing = sluice.streamProcessor("broken-handler").batchSize(2).onBatch(broken).build()) {
            failing.ingest(Map.of("i", 1));
            failing.ingest(Map.of("i", 2));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(runtimes.get("broken-handler").stats().errors())
                    .isEqualTo(2));
        }
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("broken-handler.jsonl"))).extracting(e -> e.get("payload"))
                .containsExactly("{\"i\":1}", "{\"i\":2}");
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("broken-handler.jsonl"))).allSatisfy(e -> assertThat(e)
                .containsEntry("stage", "sink broken").containsEntry("reason", "disk on fire"));
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    // --- HTTP -----------------------------------------------------------------------------------------------------

    @Test
    void http_acceptsAnObjectAnArrayOrJsonLinesAndFeedsThePipeline() {
        String path = "/pipelines/robot-telemetry-http/records";
        given().contentType("application/json")
                .body("{\"robot_id\":\"h-1\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}").post(path)
                .then().statusCode(202).body("accepted", is(1));
        given().contentType("application/json")
                .body("[{\"robot_id\":\"h-2\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"},"
                        + "{\"robot_id\":\"h-3\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"idle\"}]").post(path)
                .then().statusCode(202).body("accepted", is(2));
        given().contentType("application/x-ndjson")
                .body(("{\"robot_id\":\"h-4\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}\n"
                        + "{\"robot_id\":\"h-5\",\"status\":\"active\"}\n").getBytes(StandardCharsets.UTF_8)).post(path)
                .then().statusCode(202).body("accepted", is(2));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows.query(
                "SELECT robot_id FROM robot_telemetry WHERE robot_id LIKE 'h-%' ORDER BY robot_id")).containsExactly(
                        Map.of("robot_id", "h-1"), Map.of("robot_id", "h-2"), Map.of("robot_id", "h-4")));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(PipelineFiles.deadLetters(
                DLQ.resolve("robot-telemetry-http.jsonl"))).singleElement().satisfies(e -> assertThat(e)
                        .containsEntry("reason", "missing required field 'ts'").containsEntry("line", 2)
                        .containsEntry("sender", "dev")
                        .containsEntry("payload", "{\"robot_id\":\"h-5\",\"status\":\"active\"}")));
    }

    @Test
    void http_refusesWhatIsNotJsonObjectsAndTellsWhy() {
        String path = "/pipelines/robot-telemetry-http/records";
        given().contentType("application/json").body("robots!").post(path).then().statusCode(400).body("error", is(
                "not JSON after record 0: Unrecognized token 'robots': was expecting (JSON String, Number, Array, Object "
                        + "or token 'null', 'true' or 'false')"));
        given().contentType("application/json").body("[{\"a\":1}, 2]").post(path).then().statusCode(400)
                .body("error", is("record 2 is not a JSON object"));
        given().contentType("application/json").body("").post(path).then().statusCode(400)
                .body("error", is("empty body: send a JSON object, an array of objects, or JSON Lines"));
        given().contentType("application/json").body("{\"a\":1}").post("/pipelines/robot-telemetry-etl/records")
                .then().statusCode(404)
                .body("error", is("no running pipeline robot-telemetry-etl takes records"));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

}
