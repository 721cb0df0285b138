package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class FileInputsTest {

    @Test
    void aDirectoryThatCannotBeListedIsAnErrorNotAnEmptyDirectory() throws Exception {
        Path notADirectory = Files.createTempFile("input", ".jsonl");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            FileEndpoint endpoint = camel.getEndpoint("file:" + notADirectory, FileEndpoint.class);

            assertThatThrownBy(() -> FileInputs.pending(endpoint, "p")).isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("Cannot list the input directory " + notADirectory + " of pipeline p");
        }
    }

    @Test
    void seesOnlyFilesItWillRead() throws Exception {
        Path dir = Files.createTempDirectory("input");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            FileEndpoint endpoint = camel.getEndpoint("file:" + dir + "?include=.*\\.jsonl", FileEndpoint.class);
            Files.writeString(dir.resolve("notes.txt"), "x");
            assertThat(FileInputs.pending(endpoint, "p")).isFalse();
            Files.writeString(dir.resolve("a.jsonl"), "{}");
            assertThat(FileInputs.pending(endpoint, "p")).isTrue();
        }
    }
}
