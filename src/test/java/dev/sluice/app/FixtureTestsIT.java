package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.sluice.kafka.KafkaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code test} and {@code validate} commands of the packaged jar: the shipped pipelines pass their fixture tests
 * (this is where CI runs them) and validate clean; a wrong expectation fails with a readable diff and exit 1.
 */
class FixtureTestsIT {

    @TempDir
    Path work;

    @Test
    void theShippedPipelinesPassTheirFixtureTests() throws Exception {
        SluiceProcess.Result result = new SluiceProcess(work).run(Duration.ofMinutes(3), "test",
                SluiceProcess.ROUTES.toString());

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("PASS orders.yaml", "PASS orders-rates-override.yaml",
                "PASS robot-anomalies.yaml", "PASS robot-telemetry-enriched.yaml", "PASS robot-telemetry-etl.yaml",
                "PASS robot-telemetry-stream.yaml", "6 passed, 0 failed");
    }

    @Test
    void aWrongExpectationFailsWithADiff() throws Exception {
        Path routes = copyOfTheShippedRoutes();
        Path orders = routes.resolve("tests/orders.yaml");
        Files.writeString(orders, Files.readString(orders).replace("amount_eur: 119.60", "amount_eur: 119.61")
                .replace("filtered: 1", "filtered: 2"));

        SluiceProcess.Result result = new SluiceProcess(work).run(Duration.ofMinutes(3), "test", routes.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains("""
                FAIL orders.yaml
                  table orders: expected row {"order_id":"o-1","customer_id":"c-001","amount":130.0,"currency":"USD","amount_eur":119.61,"tier":"silver","revision":2} not found
                  table orders: unexpected row {"order_id":"o-1","customer_id":"c-001","amount":"130.00","currency":"USD","amount_eur":"119.60","tier":"silver","revision":"2"}
                  filtered: expected 2, got 1
                """).contains("5 passed, 1 failed");
    }

    /**
     * validate --connect asks the brokers the pipelines' consumers use (camel.component.kafka.brokers, which defaults
     * to sluice.kafka.bootstrap-servers) and the database; and a pipeline's setting nothing reads fails validate.
     */
    @Test
    void validateConnectAsksWhatThePipelinesUse() throws Exception {
        SluiceProcess.Result up = new SluiceProcess(work).env("SLUICE_KAFKA_BOOTSTRAP_SERVERS", KafkaClient.BOOTSTRAP)
                .run(Duration.ofMinutes(1), "validate", SluiceProcess.ROUTES.toString(), "--connect");
        // a fresh embedded database has no tables before the service's migrations; the broker answers
        assertThat(up.stdout()).as(up.stdout()).contains("database: sluice-table:orders").doesNotContain("brokers");

        SluiceProcess.Result consumersElsewhere = new SluiceProcess(work)
                .env("SLUICE_KAFKA_BOOTSTRAP_SERVERS", KafkaClient.BOOTSTRAP)
                .env("CAMEL_COMPONENT_KAFKA_BROKERS", "127.0.0.1:1")
                .run(Duration.ofMinutes(1), "validate", SluiceProcess.ROUTES.toString(), "--connect");
        assertThat(consumersElsewhere.exitCode()).isEqualTo(1);
        assertThat(consumersElsewhere.stdout()).contains("brokers 127.0.0.1:1 do not answer within 10 s")
                .doesNotContain("brokers " + KafkaClient.BOOTSTRAP);

        SluiceProcess.Result misspelt = new SluiceProcess(work)
                .env("SLUICE_PIPELINES_ORDERS_INPUT_DIRS", "data/orders/elsewhere")
                .run(Duration.ofMinutes(1), "validate", SluiceProcess.ROUTES.toString());
        assertThat(misspelt.exitCode()).isEqualTo(1);
        assertThat(misspelt.stdout()).contains("setting SLUICE_PIPELINES_ORDERS_INPUT_DIRS is set for pipeline orders "
                + "but nothing reads it: a misspelt key? Its routes file reads sluice.pipelines.orders.batch-size, "
                + "sluice.pipelines.orders.batch-window, sluice.pipelines.orders.input-dir");
    }

    @Test
    void validatePrintsOneLinePerPipelineOrEveryProblemAtItsLine() throws Exception {
        SluiceProcess.Result clean = new SluiceProcess(work).run(Duration.ofMinutes(1), "validate",
                SluiceProcess.ROUTES.toString());
        assertThat(clean.exitCode()).as(clean.stdout() + clean.stderr()).isZero();
        assertThat(clean.stdout()).contains("orders: file:data/orders/in → sluice-table:orders\n")
                .doesNotContain("warning:") // the shipped upsert has its version
                .containsPattern("5 pipeline\\(s\\) in \\S+ valid \\(\\d+\\.\\d s\\)");

        Path routes = copyOfTheShippedRoutes();
        Files.writeString(routes.resolve("orders.yaml"), Files.readString(routes.resolve("orders.yaml"))
                .replace("ref: customerTier", "ref: customerTeir"));
        SluiceProcess.Result broken = new SluiceProcess(work).run(Duration.ofMinutes(1), "validate", routes.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.stdout()).contains(routes.toRealPath().resolve("orders.yaml") + ":")
                .contains("no bean named 'customerTeir'").contains("1 problem(s) in " + routes);
    }

    @Test
    void startUpRefusesTheBrokenCorpusWithTheSameMessagesAsValidate() throws Exception {
        Path routes = Files.createDirectories(work.resolve("broken"));
        List<String> expected = new ArrayList<>();
        try (Stream<Path> corpus = Files.list(Path.of("src/test/resources/broken"))) {
            for (Path file : corpus.sorted().toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
                String expect = Files.readAllLines(file).get(0).replaceFirst("^# expect: ", "");
                expected.add(routes.toRealPath().resolve(file.getFileName()) + ":" + expect.substring(0,
                        expect.indexOf(':')) + ":");
            }
        }

        SluiceProcess.Result validate = new SluiceProcess(work).run(Duration.ofMinutes(1), "validate", routes.toString());
        SluiceProcess.Result start = new SluiceProcess(work).env("SLUICE_ROUTES_DIR", routes.toString())
                .run(Duration.ofMinutes(1), "run-once");

        assertThat(validate.exitCode()).isEqualTo(1);
        assertThat(start.exitCode()).isNotZero();
        for (String location : expected) {
            String line = validate.stdout().lines().filter(l -> l.startsWith(location)).findFirst().orElseThrow(
                    () -> new AssertionError(location + " not in\n" + validate.stdout()));
            assertThat(start.stdout() + start.stderr()).as(line).contains(line);
        }
    }

    private Path copyOfTheShippedRoutes() throws Exception {
        Path routes = Files.createDirectories(work.resolve("routes/tests"));
        try (Stream<Path> files = Files.walk(SluiceProcess.ROUTES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve("routes").resolve(SluiceProcess.ROUTES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        return work.resolve("routes");
    }
}
