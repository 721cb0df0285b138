package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.PipelineFiles;
import dev.sluice.runtime.PipelineRuntimes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.FileEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How Java-fed and file pipelines meet failures that are not a record's own: a dead-letter queue that cannot be
 * written, a sink that fails for some records or is away for a while, a stop racing with records handed in.
 */
@QuarkusTest
class PipelineFailuresTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Path WORK = Path.of("target/test-data/failures");
    static final Path DLQ = Path.of("target/test-data/dlq");

    @Inject
    SluiceApi sluice;

    @Inject
    PipelineRuntimes runtimes;

    @Inject
    CamelContext camel;

    @BeforeEach
    void cleanSlate() {
        PipelineFiles.clean(WORK);
        restoreDeadLetters();
    }

    @AfterEach
    void restoreDeadLetters() {
        PipelineFiles.restoreDeadLetters();
    }

    /** The dead-letter store refuses every dead letter. */
    static void breakDeadLetters() {
        PipelineFiles.clean(DLQ);
        PipelineFiles.breakDeadLetters();
    }

    @Test
    void aFeedWhoseRouteTakesNoRecordsIsHeldAndNamedUntilTheRouteRunsAgain() throws Exception {
        StreamSource stream = Sources.stream(10, StreamSource.WhenFull.FAIL);
        Pipeline pipeline = sluice.pipeline("feed-held").from(stream).batch(10, Duration.ofMillis(100))
                .to(Sinks.jsonLines(WORK.resolve("feed-held.jsonl")));
        pipeline.start();
        try {
            camel.getRouteController().stopRoute("feed-held");
            stream.ingest(Map.of("n", 1));

            await().atMost(TIMEOUT).until(() -> runtimes.get("feed-held").problem() != null);
            assertThat(runtimes.get("feed-held").problem())
                    .isEqualTo("feed: the pipeline takes no records (paused or stopped)");
            JsonPath ready = JsonPath.from(dev.sluice.Management.given().get("/q/health/ready").then().statusCode(503)
                    .extract().asString());
            assertThat(ready.getMap("checks.find { it.name == 'sluice-dependencies' }.data"))
                    .containsEntry("pipeline feed-held feed", "the pipeline takes no records (paused or stopped)");

            camel.getRouteController().startRoute("feed-held");
            await().atMost(TIMEOUT).until(() -> pipeline.metrics().recordsProcessed() == 1);
            assertThat(runtimes.get("feed-held").problem()).isNull();
            assertThat(runtimes.get("feed-held").held()).isEmpty();
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void theStreamFeederOutlivesARecordThatCannotBeDeadLettered() throws Exception {
        Path out = WORK.resolve("survivor.jsonl");
        StreamSource stream = Sources.stream(100, StreamSource.WhenFull.FAIL);
        Pipeline pipeline = sluice.pipeline("feeder-survives").from(stream).schema("n:integer", "")
                .batch(10, Duration.ofMillis(100)).to(Sinks.jsonLines(out));
        pipeline.start();
        try {
            breakDeadLetters();
            stream.ingest(Map.of("n", "not a number"));
            await().atMost(TIMEOUT).until(() -> runtimes.get("feeder-survives").stats().recordsRead() == 1
                    && stream.held() == 0);
            restoreDeadLetters();

            stream.ingest(Map.of("n", 1));

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(lines(out)).containsExactly("{\"n\":1}"));
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void aRunFailsWhenAFileKeepsFailingInsteadOfPollingForEver() throws Exception {
        Path in = Files.createDirectories(WORK.resolve("failing-in"));
        PipelineFiles.drop(in, "bad.jsonl", "{\"n\":1}\nnot json\n".getBytes(StandardCharsets.UTF_8));
        breakDeadLetters();

        assertTimeoutPreemptively(TIMEOUT, () -> assertThatThrownBy(() -> sluice.pipeline("file-keeps-failing")
                .from(Sources.jsonLines(in)).to(Sinks.jsonLines(WORK.resolve("out.jsonl"))).run())
                .hasMessageStartingWith("Pipeline file-keeps-failing could not process a file, which stays in " + in));
        assertThat(in.resolve("bad.jsonl")).exists();
    }

    /**
     * A table that is not there (SQLState class 42) is a mistake of the pipeline, which no retry mends: after one more
     * attempt (the table's layout read again) the pipeline stops, says why, and nothing is dead-lettered.
     */
    @Test
    void aMissingTableStopsThePipelineWithTheReasonInsteadOfRetryingForEver() {
        String name = "missing-table";
        PipelineFiles.forgetDeadLetters(name);
        assertTimeoutPreemptively(TIMEOUT, () -> assertThatThrownBy(() -> sluice.pipeline(name)
                .from(() -> List.<Map<String, Object>>of(Map.of("n", 1), Map.of("n", 2)).iterator())
                .batch(10, Duration.ofMillis(100)).to(Sinks.jdbc("no_such_table")).run())
                .hasMessageStartingWith("Pipeline " + name + " could not settle every record of"));
        io.restassured.RestAssured.when().get("/pipelines/{name}", name).then().statusCode(200)
                .body("problem", org.hamcrest.Matchers.startsWith("stopped: java.sql.SQLException in sink "
                        + "jdbc:no_such_table (Table no_such_table does not exist"))
                .body("problem", org.hamcrest.Matchers.endsWith("fix it, then start it again or restart the service"));
        assertThat(PipelineFiles.deadLetters(DLQ.resolve(name + ".jsonl"))).isEmpty();
    }

    @Test
    void aRunOfAJavaSourceFeedsEveryRecordAndFailsWhenOneCouldNotSettle() throws Exception {
        Path out = WORK.resolve("java-out.jsonl");
        breakDeadLetters();
        DataSource three = () -> List.<Map<String, Object>>of(Map.of("n", 1), Map.of("n", "bad"), Map.of("n", 3))
                .iterator();

        assertThatThrownBy(() -> sluice.pipeline("java-cannot-settle").from(three).schema("n:integer", "")
                .batch(10, Duration.ofMillis(100)).to(Sinks.jsonLines(out)).run())
                .hasMessageStartingWith("Pipeline java-cannot-settle could not settle every record of");

        assertThat(lines(out)).containsExactly("{\"n\":1}", "{\"n\":3}");
    }

    @Test
    void aSinkThatRefusesSomeRecordsHasOnlyThoseDeadLettered() throws Exception {
        List<Object> written = new CopyOnWriteArrayList<>();
        DataSink picky = batch -> {
            if (batch.stream().anyMatch(r -> r.containsKey("bad"))) {
                throw new IllegalArgumentException("cannot store bad records");
            }
            batch.forEach(r -> written.add(r.get("n")));
        };
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("n", i);
            if (i == 3 || i == 6) {
                record.put("bad", true);
            }
            records.add(record);
        }

        RunMetrics run = sluice.pipeline("picky-sink").from(records::iterator).batch(8, Duration.ofSeconds(5))
                .to(picky).run();

        assertThat(written).containsExactlyInAnyOrder(1, 2, 4, 5, 7, 8);
        assertThat(run.recordsProcessed()).isEqualTo(6);
        assertThat(run.errors()).isEqualTo(2);
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("picky-sink.jsonl"))).extracting(e -> e.get("payload"))
                .containsExactlyInAnyOrder("{\"n\":3,\"bad\":true}", "{\"n\":6,\"bad\":true}");
        assertThat(PipelineFiles.deadLetters(DLQ.resolve("picky-sink.jsonl"))).allSatisfy(e -> assertThat(e)
                .containsEntry("stage", "sink " + picky.name()).containsEntry("reason", "cannot store bad records"));
    }

    @Test
    void aSinkThatIsAwayIsWaitedForAndNothingIsDeadLettered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Object> written = new CopyOnWriteArrayList<>();
        DataSink flaky = batch -> {
            if (calls.incrementAndGet() <= 7) {
                throw new SinkUnavailableException("service away");
            }
            batch.forEach(r -> written.add(r.get("n")));
        };

        RunMetrics run = sluice.pipeline("away-sink").from(() -> List.<Map<String, Object>>of(Map.of("n", 1),
                Map.of("n", 2)).iterator()).batch(2, Duration.ofSeconds(5)).to(flaky).run();

        assertThat(calls).hasValue(8);
        assertThat(written).containsExactly(1, 2);
        assertThat(run.errors()).isZero();
    }

    @Test
    void recordsHandedInWhileTheStreamStopsAreEitherRefusedOrWritten() throws Exception {
        for (int round = 0; round < 20; round++) {
            List<Object> written = new CopyOnWriteArrayList<>();
            StreamSource stream = Sources.stream(1000, StreamSource.WhenFull.FAIL);
            Pipeline pipeline = sluice.pipeline("stop-race").from(stream).batch(50, Duration.ofMillis(20))
                    .to(batch -> batch.forEach(r -> written.add(r.get("i"))));
            pipeline.start();
            AtomicInteger accepted = new AtomicInteger();
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    try {
                        stream.ingest(Map.of("i", i));
                        accepted.incrementAndGet();
                    } catch (IllegalStateException stopped) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            producer.start();
            pipeline.stop();
            producer.join();
            assertThat(written).as("round %d", round).hasSize(accepted.get());
            assertThat(stream.held()).isZero();
        }
    }

    @Test
    void aJavaFilePipelineReadsWithTheSameFileOptionsAsTheYamlOnes() throws Exception {
        Path in = Files.createDirectories(WORK.resolve("options-in"));
        Pipeline pipeline = sluice.pipeline("file-options").from(Sources.jsonLines(in))
                .to(Sinks.jsonLines(WORK.resolve("o.jsonl")));
        pipeline.start();
        try {
            FileEndpoint java = (FileEndpoint) camel.getRoute("file-options").getEndpoint();
            FileEndpoint yaml = (FileEndpoint) camel.getRoute("robot-telemetry-etl").getEndpoint();
            for (FileEndpoint endpoint : List.of(java, yaml)) {
                assertThat(endpoint.getInclude()).isEqualTo(".*\\.jsonl");
                assertThat(endpoint.getReadLock()).isEqualTo("changed");
                assertThat(endpoint.getReadLockMinAge()).isEqualTo(1000);
                assertThat(endpoint.getReadLockCheckInterval()).isEqualTo(250);
                assertThat(endpoint.getInitialDelay()).isZero();
                assertThat(endpoint.getMove()).isNotNull();
            }
        } finally {
            pipeline.stop();
        }
    }


    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
