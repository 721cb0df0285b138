package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class HttpSpoolTest {

    static byte[] record(int size) {
        return ("{\"x\":\"" + "a".repeat(size - 8) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAcceptedRequestIsOneWholeFileOnDiskNamedForItsSender() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        HttpSpool spool = new HttpSpool(dir, 10_000, 0.5);

        spool.accept(List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{\"b\":2}".getBytes(StandardCharsets.UTF_8)),
                "alice@example.com");

        try (var files = Files.list(dir)) {
            Path file = files.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            assertThat(Files.readString(file)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
            assertThat(HttpSpool.senderOf(file.getFileName().toString())).isEqualTo("alice@example.com");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void oneSenderCannotTakeMoreThanItsShareAndAFullSpoolRefusesEveryone() throws Exception {
        HttpSpool spool = new HttpSpool(Files.createTempDirectory("spool"), 1000, 0.5);
        spool.accept(List.of(record(400)), "greedy");

        assertThatThrownBy(() -> spool.accept(List.of(record(200)), "greedy")).isInstanceOf(HttpSpool.FullException.class)
                .satisfies(e -> assertThat(((HttpSpool.FullException) e).senderShare()).isTrue());
        spool.accept(List.of(record(400)), "polite");
        assertThatThrownBy(() -> spool.accept(List.of(record(300)), "third")).isInstanceOf(HttpSpool.FullException.class)
                .satisfies(e -> assertThat(((HttpSpool.FullException) e).senderShare()).isFalse());
    }

    @Test
    void sendersAreSafeFileNames() {
        assertThat(HttpSpool.safeName("../../etc/passwd")).isEqualTo(".._.._etc_passwd");
        assertThat(HttpSpool.senderOf("1-1--" + HttpSpool.safeName("a b/c") + ".jsonl")).isEqualTo("a_b_c");
        assertThat(HttpSpool.senderOf("plain.jsonl")).isNull();
    }
}
