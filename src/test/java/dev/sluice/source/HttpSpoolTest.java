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
        HttpSpool spool = new HttpSpool(dir, 1 << 20, 0.5);

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
        Path dir = Files.createTempDirectory("spool");
        long block = new HttpSpool(dir, 0, 0).block();
        HttpSpool spool = new HttpSpool(dir, 10 * block, 0.5);
        spool.accept(List.of(record((int) block)), "greedy"); // 3 blocks: 2 of data, 1 of inode

        assertThatThrownBy(() -> spool.accept(List.of(record((int) block)), "greedy"))
                .isInstanceOf(HttpSpool.FullException.class)
                .satisfies(e -> assertThat(((HttpSpool.FullException) e).senderShare()).isTrue());
        spool.accept(List.of(record((int) block)), "polite");
        spool.accept(List.of(record(100)), "third");
        assertThatThrownBy(() -> spool.accept(List.of(record(2 * (int) block)), "fourth"))
                .isInstanceOf(HttpSpool.FullException.class)
                .satisfies(e -> assertThat(((HttpSpool.FullException) e).senderShare()).isFalse());
    }

    /**
     * Many small posts cost far more disk than their records' bytes; the spool counts the disk: posts of one tiny
     * record each fill it at two blocks apiece, as they fill the volume, though their records hold a few hundred bytes.
     */
    @Test
    void manySmallPostsAreCountedByTheDiskTheyTake() throws Exception {
        Path dir = Files.createTempDirectory("spool");
        long block = new HttpSpool(dir, 0, 0).block();
        HttpSpool spool = new HttpSpool(dir, 20 * block, 1.0);
        int accepted = 0;
        try {
            for (int i = 0; i < 100; i++) {
                spool.accept(List.of(record(20)), "chatty");
                accepted++;
            }
        } catch (HttpSpool.FullException full) {
            assertThat(full).hasMessageContaining("bytes of disk");
        }
        assertThat(accepted).isEqualTo(10);
        long onDisk = Long.parseLong(new String(new ProcessBuilder("du", "-s", "-B1", dir.toString()).start()
                .getInputStream().readAllBytes()).split("\\s+")[0]);
        assertThat(onDisk).as("what du counts, with the directory itself").isLessThanOrEqualTo(20 * block + block);
    }

    @Test
    void sendersAreSafeFileNames() {
        assertThat(HttpSpool.safeName("../../etc/passwd")).isEqualTo(".._.._etc_passwd");
        assertThat(HttpSpool.senderOf("1-1--" + HttpSpool.safeName("a b/c") + ".jsonl")).isEqualTo("a_b_c");
        assertThat(HttpSpool.senderOf("plain.jsonl")).isNull();
    }
}
