package dev.sluice.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.record.Acknowledgement;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters written until the disk is full (a real 256 KiB tmpfs): every record whose dead letter was written is
 * acknowledged and its dead letter is whole and there once; every other record is abandoned (read again later),
 * and no torn line is left for the listing to trip on.
 */
class DeadLettersOnAFullDiskTest {

    static final Path DISK = Path.of("/tmp/sluice-full-disk-test");

    SluiceConfig config;
    DeadLetterQueue queue;
    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    final Set<Long> abandoned = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void mountASmallDisk() throws Exception {
        Files.createDirectories(DISK);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", DISK.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor() == 0, "a small tmpfs can be mounted here (root in a container that allows it): "
                + new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        config = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
                .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092")
                .withDefaultValue("sluice.dead-letter.dir", DISK.resolve("dlq").toString())
                .withDefaultValue("sluice.dead-letter.seal-key", "a key of the test").build()
                .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);
        queue = new DeadLetterQueue(config, new KafkaProducers(config), new DependencyHealth(null),
                new SimpleMeterRegistry(), new DeadLetterSeal(config));
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", DISK.toString()).start().waitFor();
    }

    @Test
    void everyDeadLetterIsWholeAndOnceAndEveryOtherRecordIsAbandoned() throws Exception {
        PipelineStats stats = new PipelineMetrics(new SimpleMeterRegistry()).pipeline("p");
        String filler = "f".repeat(3_000);
        for (long line = 1; line <= 200; line++) {
            long position = line;
            RecordOrigin record = new RecordOrigin(stats, new Location.FileLine("in/a.jsonl", line),
                    ("{\"n\":" + line + ",\"f\":\"" + filler + "\"}").getBytes(StandardCharsets.UTF_8),
                    new Acknowledgement() {
                        @Override
                        public void retain() {
                        }

                        @Override
                        public void release() {
                            acknowledged.add(position);
                        }

                        @Override
                        public void abandon(Exception cause) {
                            abandoned.add(position);
                        }
                    }, false);
            try {
                queue.send(record, "parse", new InvalidRecordException("bad record " + line));
            } catch (RuntimeException e) {
                assertThat(e).hasMessageContaining("No space left on device");
            }
        }

        assertThat(abandoned).as("the disk filled up").isNotEmpty();
        assertThat(acknowledged).as("some dead letters fitted").isNotEmpty();
        assertThat(acknowledged.size() + abandoned.size()).isEqualTo(200);
        assertThat(acknowledged).doesNotContainAnyElementsOf(abandoned);

        List<String> lines = Files.readAllLines(DISK.resolve("dlq/p.jsonl"), StandardCharsets.UTF_8);
        Set<Long> stored = new TreeSet<>();
        List<Long> each = new ArrayList<>();
        for (String text : lines) {
            Map<?, ?> entry = Json.OWN.readValue(text, Map.class); // whole: every line parses
            each.add(((Number) entry.get("line")).longValue());
            stored.add(((Number) entry.get("line")).longValue());
            assertThat((String) entry.get("payload")).endsWith(filler + "\"}");
        }
        assertThat(each).as("once each").doesNotHaveDuplicates();
        assertThat(stored).isEqualTo(new TreeSet<>(acknowledged));
        assertThat(Files.readString(DISK.resolve("dlq/p.jsonl"))).endsWith("\n");

        DeadLetterStore store = new DeadLetterStore(config, new DeadLetterSeal(config));
        DeadLetterStore.Page page = store.page("p", List.of(), letter -> true, 0, 1000);
        assertThat(page.total()).isEqualTo(acknowledged.size());
        assertThat(page.letters()).allSatisfy(letter -> assertThat(letter.entry()).containsEntry("verified", true));
    }
}
