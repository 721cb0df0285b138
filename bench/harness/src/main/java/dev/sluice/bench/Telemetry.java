package dev.sluice.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded robot telemetry for the benchmark: the foundation's record shape plus realistic extra fields, about 200
 * bytes a record, 30 % inactive, every record valid. The same seed gives the same file.
 */
final class Telemetry {

    static final int ROBOTS = 1000;
    static final String[] SITES = { "plant-1", "plant-2", "plant-3", "depot-north" };

    /** How many lines a file holds and how many of them become rows (active ones). */
    record Sample(long records, long active) {
    }

    private Telemetry() {
    }

    static Sample write(Path file, long records, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long[] seq = new long[ROBOTS + 1];
        long active = 0;
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long i = 0; i < records; i++) {
                int robot = 1 + random.nextInt(ROBOTS);
                boolean isActive = random.nextDouble() >= 0.3;
                active += isActive ? 1 : 0;
                out.write(line(robot, ++seq[robot], start.plusMillis(i * 2), isActive, random)
                        .getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return new Sample(records, active);
    }

    static String line(int robot, long seq, Instant ts, boolean active, SplittableRandom random) {
        return String.format(Locale.ROOT,
                "{\"robot_id\":\"r-%04d\",\"ts\":\"%s\",\"seq\":%d,\"status\":\"%s\",\"temperature_c\":%.1f,"
                        + "\"battery_pct\":%d,\"value\":%.3f,\"site\":\"%s\",\"joint\":%d,\"firmware\":\"v%d.%d.%d\","
                        + "\"err_code\":%d}",
                robot, ts, seq, active ? "active" : "idle", 20 + random.nextDouble() * 75, random.nextInt(101),
                random.nextDouble() * 10, SITES[robot % SITES.length], 1 + random.nextInt(6), 1 + random.nextInt(4),
                random.nextInt(10), random.nextInt(20), random.nextDouble() < 0.02 ? 1 + random.nextInt(99) : 0);
    }
}
