package dev.sluice.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken pipeline files (src/test/resources/broken), one per mistake a user makes: each yields exactly
 * the problem its first line expects, at its file and line. The shipped routes yield none, and every problem of a
 * directory is reported at once.
 */
class PipelineCheckTest {

    private static final Path CORPUS = Path.of("src/test/resources/broken");

    private final PipelineCheck check = RoutesTesting.check(Map.of());

    @TempDir
    Path dir;

    static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void eachMistakeIsNamedAtItsLine(Path broken) throws Exception {
        String expect = Files.readAllLines(broken).get(0).replaceFirst("^# expect: ", "");
        int line = Integer.parseInt(expect.substring(0, expect.indexOf(':')));
        String fragment = expect.substring(expect.indexOf(':') + 2);
        Path file = Files.copy(broken, dir.resolve(broken.getFileName()));

        List<Problem> problems = check.check(dir).problems();

        assertThat(problems).as(problems.toString()).hasSize(1);
        assertThat(problems.get(0).file().getFileName()).isEqualTo(file.getFileName());
        assertThat(problems.get(0).line()).as(problems.get(0).toString()).isEqualTo(line);
        assertThat(problems.get(0).message()).contains(fragment);
    }

    @Test
    void theShippedRoutesAreCleanWithOneLinePerPipeline() throws Exception {
        PipelineCheck.Result result = check.check(Path.of("routes"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.pipelines()).containsExactly(
                "orders: file:data/orders/in → sluice-table:orders",
                "robot-anomalies: file:data/anomalies/in → sluice-table:robot_anomalies",
                "robot-telemetry-enriched: kafka:robot.telemetry → sluice-topic:robot.telemetry.enriched",
                "robot-telemetry-etl: file:data/in → sluice-table:robot_telemetry",
                "robot-telemetry-stream: kafka:robot.telemetry → sluice-table:robot_telemetry");
        assertThat(result.usesKafka()).isTrue();
    }

    @Test
    void everyProblemOfEveryFileIsReportedAtOnce() throws Exception {
        for (Path broken : corpus().toList()) {
            Files.copy(broken, dir.resolve(broken.getFileName()));
        }

        List<Problem> problems = check.check(dir).problems();

        assertThat(problems.stream().map(p -> p.file().getFileName().toString()).distinct())
                .containsExactlyInAnyOrderElementsOf(corpus().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void aDirectoryWithoutPipelinesIsAProblem() throws Exception {
        Files.writeString(dir.resolve("stages.yaml"), """
                - route:
                    id: only-stages
                    from:
                      uri: direct:only-stages
                      steps:
                        - process:
                            ref: anomalyDetector
                """);

        assertThat(check.check(dir).problems()).singleElement().asString()
                .endsWith("no pipeline: none of the 1 routes file(s) has a templatedRoute");
    }

    @Test
    void aRoutesDirectoryThatIsASymbolicLinkIsFollowed(@TempDir Path other) throws Exception {
        Files.copy(Path.of("routes/orders.yaml"), other.resolve("orders.yaml"));
        Path link = Files.createSymbolicLink(dir.resolve("routes"), other);

        assertThat(check.check(link).pipelines()).containsExactly("orders: file:data/orders/in → sluice-table:orders");
    }

    @Test
    void settingsAreReadThroughTheirPlaceholders() throws Exception {
        PipelineCheck.Result result = RoutesTesting.check(Map.of("sluice.pipelines.orders.input-dir", "target/o/in"))
                .check(Path.of("routes"));

        assertThat(result.pipelines()).contains("orders: file:target/o/in → sluice-table:orders");
    }

    /**
     * A setting for a pipeline that nothing reads is a misspelt key (in the setting or in the placeholder, whose
     * default then hides it), whether set as a property or as an environment variable; one for a pipeline the files
     * do not have is a warning.
     */
    @Test
    void aSettingNothingReadsIsNamedWithWhatIsRead() throws Exception {
        Files.writeString(dir.resolve("x.yaml"), """
                - templatedRoute:
                    routeTemplateRef: files-to-table
                    routeId: x-orders
                    parameters:
                      - name: inputDir
                        value: "{{sluice.pipelines.x-orders.input-dri:target/x/in}}"
                      - name: table
                        value: orders
                      - name: batchSize
                        value: "{{sluice.pipelines.x-orders.batch-size:100}}"
                """);
        PipelineCheck.Result result = RoutesTesting.check(Map.of(
                "sluice.pipelines.x-orders.input-dir", "target/y/in",
                "SLUICE_PIPELINES_X_ORDERS_BATCH_SIZE", "50",
                "SLUICE_PIPELINES_X_ORDERS_BATCH_SISE", "50",
                // how the configuration may list that environment variable once more: one setting, one problem
                "sluice.pipelines.x.orders.batch.sise", "50",
                "sluice.pipelines.x-orders.done-dir", "../finished",
                "sluice.pipelines.y.input-dir", "target/y")).check(dir);

        assertThat(result.problems()).isEmpty();
        assertThat(result.unreadSettings()).containsExactly(
                "setting SLUICE_PIPELINES_X_ORDERS_BATCH_SISE is set for pipeline x-orders but nothing reads it: a "
                        + "misspelt key? Its routes file reads sluice.pipelines.x-orders.batch-size, "
                        + "sluice.pipelines.x-orders.input-dri; Sluice reads [done-dir, error-dir, batch-bytes]",
                "setting sluice.pipelines.x-orders.input-dir is set for pipeline x-orders but nothing reads it: a "
                        + "misspelt key? Its routes file reads sluice.pipelines.x-orders.batch-size, "
                        + "sluice.pipelines.x-orders.input-dri; Sluice reads [done-dir, error-dir, batch-bytes]");
        assertThat(result.warnings()).contains("setting sluice.pipelines.y.input-dir is for no pipeline of the routes "
                + "files (they have [x-orders])");
    }
}
