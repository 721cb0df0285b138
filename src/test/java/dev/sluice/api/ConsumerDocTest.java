package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** docs/java-api.md "Where your code goes" shows the example application's files verbatim (scripts/test runs it). */
class ConsumerDocTest {

    @Test
    void theDocShowsTheExampleApplicationVerbatim() throws IOException {
        String doc = Files.readString(Path.of("docs/java-api.md"));
        Path example = Path.of("examples/java-consumer");
        for (String file : List.of("src/main/resources/application.properties",
                "src/main/java/org/acme/weather/WeatherPipeline.java",
                "src/test/java/org/acme/weather/WeatherPipelineTest.java")) {
            assertThat(doc).as(file).contains(Files.readString(example.resolve(file)));
        }
        assertThat(Files.readString(example.resolve("pom.xml"))).contains("<artifactId>sluice</artifactId>");
    }
}
