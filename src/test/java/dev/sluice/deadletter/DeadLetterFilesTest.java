package dev.sluice.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class DeadLetterFilesTest {

    static byte[] line(int size) {
        return ("x".repeat(size - 1) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullFileIsRotatedAndTheCapRefusesMoreUntilRoomIsMade() throws Exception {
        Path dir = Files.createTempDirectory("dlq");
        DeadLetterFiles files = new DeadLetterFiles(dir, 250, 600);

        for (int i = 0; i < 5; i++) {
            files.append("p", line(100));
        }
        try (var list = Files.list(dir)) {
            List<Path> all = list.sorted().toList();
            assertThat(all).hasSize(3); // 2 rotated files of 200 bytes, the current one of 100
            assertThat(all.stream().mapToLong(DeadLetterFilesTest::size).sum()).isEqualTo(500);
        }
        files.append("q", line(100));
        assertThat(files.totalBytes()).isEqualTo(600);

        assertThatThrownBy(() -> files.append("p", line(10))).isInstanceOf(IOException.class)
                .hasMessageContaining("the cap of sluice.dead-letter.max-total-bytes (600)");

        Files.delete(dir.resolve("q.jsonl"));
        files.append("p", line(10));
        assertThat(files.totalBytes()).isEqualTo(510);
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
