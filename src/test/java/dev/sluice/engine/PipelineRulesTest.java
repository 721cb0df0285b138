package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.sluice.stage.JsonRecordParser;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of pipeline files under src/test/resources/rules, one per broken rule: each names in its first line the
 * {@code file:line: [rule]} it must yield, and yields that and nothing else. The shipped routes and the templates
 * yield nothing.
 */
class PipelineRulesTest {

    private static final Path CORPUS = Path.of("src/test/resources/rules");

    static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void eachFileYieldsExactlyTheProblemItExpects(Path file) throws Exception {
        String expected = Files.readAllLines(file).get(0).replaceFirst("^# expect: ", "");

        List<String> problems = problems("file:" + file).stream()
                .map(p -> p.location().replaceFirst(".*/", "") + ": [" + p.rule() + "]").toList();

        assertThat(problems).isEqualTo(expected.equals("nothing") ? List.of() : List.of(expected));
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void theShippedPipelinesFollowEveryRule(Path file) throws Exception {
        assertThat(problems("file:routes/robot-telemetry-stages.yaml", "file:" + file)).isEmpty();
    }

    static Stream<Path> shipped() throws IOException {
        return Files.list(Path.of("routes")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void aProblemSaysWhatToWrite(Path file) throws Exception {
        for (PipelineRules.Problem problem : problems("file:" + file)) {
            assertThat(problem.toString()).startsWith(problem.location() + ": [" + problem.rule() + "] ")
                    .matches("(?s).*('- |'aggregationStrategy: batch'|'streaming: true').*");
        }
    }

    private static List<PipelineRules.Problem> problems(String... resources) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.setSourceLocationEnabled(true);
            Processor none = exchange -> {
            };
            for (String bean : List.of("jsonLines", "awaitSettled", "kafkaRecords", "processedAt", "anomalyDetector")) {
                camel.getRegistry().bind(bean, none);
            }
            camel.getRegistry().bind("ordersParser", new JsonRecordParser());
            camel.getRegistry().bind("robotTelemetryParser", new JsonRecordParser());
            camel.getRegistry().bind("sluiceJsonRecord", new JsonRecordParser());
            var loader = PluginHelper.getRoutesLoader(camel);
            loader.loadRoutes(ResourceHelper.resolveResource(camel, "classpath:templates/sluice.yaml"));
            for (String resource : resources) {
                loader.loadRoutes(ResourceHelper.resolveResource(camel, resource));
            }
            return PipelineRules.check(camel, Stream.of(resources).map(r -> Path.of(r.substring("file:".length())))
                    .toList());
        }
    }
}
