package dev.sluice.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.record.Acknowledgement;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters written until the disk is full (the embedded H2 database on a real 2 MiB tmpfs, a file filling most of
 * it): every record whose dead letter was stored is acknowledged and its dead letter is whole and there once; every
 * other record is abandoned (read again later); the database opens again, and lists them.
 */
class DeadLettersOnAFullDiskTest {

    static final Path DISK = Path.of("/tmp/sluice-full-disk-test");

    SluiceConfig config;
    Database database;
    DeadLetterQueue queue;
    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    final Set<Long> abandoned = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void mountASmallDisk() throws Exception {
        Files.createDirectories(DISK);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", DISK.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor() == 0, "a small tmpfs can be mounted here (root in a container that allows it): "
                + new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        config = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
                .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092")
                .withDefaultValue("sluice.dead-letter.dir", DISK.resolve("dlq").toString())
                .withDefaultValue("sluice.dead-letter.seal-key", "a key of the test")
                // the shipped embedded database, on the small disk
                .withDefaultValue("sluice.db.url", SluiceConfig.Db.H2_FILE.replace("./data/sluice",
                        DISK.resolve("sluice").toString())).build()
                .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);
        database = new Database(config);
        database.connection().close(); // migrated
        PipelineRuntimes runtimes = PipelineRuntimes.unwatched(config);
        queue = new DeadLetterQueue(config, new KafkaProducers(config), new DependencyHealth(null, runtimes),
                new SimpleMeterRegistry(), new DeadLetterSeal(config), database, runtimes);
    }

    @AfterEach
    void unmount() throws Exception {
        if (database != null) {
            database.close();
        }
        new ProcessBuilder("umount", DISK.toString()).start().waitFor();
    }

    @Test
    void everyDeadLetterIsWholeAndOnceAndEveryOtherRecordIsAbandoned() throws Exception {
        Path filler = DISK.resolve("filler");
        long free = Files.getFileStore(DISK).getUsableSpace();
        Files.write(filler, new byte[(int) Math.max(0, free - 400_000)]);
        PipelineStats stats = dev.sluice.Unwatched.stats("p");
        String filler3k = "f".repeat(3_000);
        for (long line = 1; line <= 2000; line++) {
            long position = line;
            RecordOrigin record = new RecordOrigin(stats, new Location.FileLine("in/a.jsonl", line),
                    ("{\"n\":" + line + ",\"f\":\"" + filler3k + "\"}").getBytes(StandardCharsets.UTF_8),
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
                assertThat(e).hasMessageStartingWith("Cannot store the dead letter of p");
            }
        }

        assertThat(abandoned).as("the disk filled up").isNotEmpty();
        assertThat(acknowledged).as("some dead letters fitted").isNotEmpty();
        assertThat(acknowledged.size() + abandoned.size()).isEqualTo(2000);
        assertThat(acknowledged).doesNotContainAnyElementsOf(abandoned);

        database.close();
        Files.delete(filler);
        database = new Database(config);
        DeadLetterStore store = new DeadLetterStore(config, new DeadLetterSeal(config), database);
        List<Long> stored = new ArrayList<>();
        store.each("p", List.of(), DeadLetterFilter.ALL, letter -> {
            assertThat(letter.entry()).containsEntry("verified", true);
            assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).endsWith(filler3k + "\"}");
            stored.add(((Number) letter.entry().get("line")).longValue());
        });
        assertThat(stored).as("once each").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(stored)).isEqualTo(new TreeSet<>(acknowledged));
        assertThat(store.page("p", List.of(), DeadLetterFilter.ALL, 0, 10).total()).isEqualTo(acknowledged.size());
    }
}
