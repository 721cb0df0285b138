package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * docs/first-pipeline.md shows the very files YourOwnPipelineIT runs on the packaged jar: the pipeline, its
 * migration, its reference CSV and its input, each verbatim.
 */
class FirstPipelineDocTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fresh-pipeline");

    @Test
    void theDocShowsTheTestedFilesVerbatim() throws IOException {
        String doc = Files.readString(Path.of("docs/first-pipeline.md"));
        for (String file : List.of("routes/parcels.yaml", "migrations/V1__parcels.sql", "reference/zones.csv",
                "parcels.jsonl")) {
            assertThat(doc).as(file).contains(Files.readString(FIXTURE.resolve(file)));
        }
    }
}
