package dev.sluice.app;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes sample robot telemetry as JSON Lines: {@code records} lines from {@link #ROBOTS} robots, a share of them
 * inactive, a few malformed in each of the ways the parser rejects. The same seed gives the same file, byte for
 * byte. The file is written under a temporary name and renamed, so a running pipeline never sees half of it.
 */
public final class SampleGenerator {

    public static final int ROBOTS = 100;
    static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    /** What a generated file holds, for the caller to check a run against. */
    public record Sample(Path file, long lines, long active, long inactive, long malformed) {
    }

    private static final String[] MALFORMED = {
            "{\"robot_id\":\"r-0001\",\"ts\":", // cut short: not JSON
            "[1,2,3]", // JSON but not an object
            "{\"robot_id\":\"r-0002\",\"ts\":\"2026-11-26T10:00:00Z\",\"status\":\"active\"}", // no seq
            "{\"robot_id\":\"r-0003\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":\"seven\",\"status\":\"active\"}", // seq a string
            "{\"robot_id\":\"r-0004\",\"ts\":\"yesterday\",\"seq\":7,\"status\":\"active\"}", // ts not ISO-8601
    };
    /** Not valid UTF-8: a lone continuation byte inside a string. */
    private static final byte[] INVALID_UTF8 = { '{', '"', 'r', 'o', 'b', 'o', 't', '_', 'i', 'd', '"', ':', '"',
            (byte) 0x80, '"', '}' };

    private SampleGenerator() {
    }

    /**
     * @param file          where the JSON Lines go
     * @param records       number of lines, malformed ones included
     * @param inactiveShare share of well-formed records with {@code status} other than {@code active}
     * @param malformed     number of malformed lines, spread evenly through the file
     * @param seed          seed of the pseudo-random values
     */
    public static Sample write(Path file, long records, double inactiveShare, long malformed, long seed)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long[] seqByRobot = new long[ROBOTS + 1];
        long active = 0;
        long inactive = 0;
        long badWritten = 0;
        long every = malformed > 0 ? Math.max(1, records / malformed) : Long.MAX_VALUE;
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            for (long i = 0; i < records; i++) {
                if (badWritten < malformed && i % every == every / 2) {
                    int kind = (int) (badWritten % (MALFORMED.length + 1));
                    out.write(kind == MALFORMED.length ? INVALID_UTF8
                            : MALFORMED[kind].getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                    badWritten++;
                    continue;
                }
                int robot = 1 + random.nextInt(ROBOTS);
                boolean isActive = random.nextDouble() >= inactiveShare;
                if (isActive) {
                    active++;
                } else {
                    inactive++;
                }
                String line = String.format(Locale.ROOT,
                        "{\"robot_id\":\"r-%04d\",\"ts\":\"%s\",\"seq\":%d,\"status\":\"%s\",\"temperature_c\":%.1f,"
                                + "\"battery_pct\":%d,\"value\":%.3f,\"firmware\":\"v%d.%d\"}\n",
                        robot, START.plusMillis(i * 10), ++seqByRobot[robot], isActive ? "active" : "idle",
                        20 + random.nextDouble() * 75, random.nextInt(101), random.nextDouble() * 10,
                        1 + random.nextInt(3), random.nextInt(10));
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Sample(file, records, active, inactive, badWritten);
    }

    /** What a generated orders file holds: the rows the orders pipeline must end with, and why the rest are not rows. */
    public record Orders(Path file, long lines, long paidOrders, long corrections, long notPaid, long malformed) {
    }

    static final String[] CURRENCIES = { "EUR", "USD", "GBP", "JPY", "CHF" };
    static final String[] NOT_PAID = { "pending", "cancelled" };
    static final int CUSTOMERS = 50;

    /**
     * Writes sample shop orders as JSON Lines for the orders pipeline: {@code records} lines, of which about 70 % are
     * paid orders (each a new order_id), 20 % orders not paid, and 5 % of the paid ones come again later with
     * another amount and a greater revision (a correction, which replaces the row); one line in a thousand is
     * malformed. Amounts have two
     * decimals, currencies and customers are those of the shipped reference tables (and ten customers without a tier).
     */
    public static Orders writeOrders(Path file, long records, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> paid = new ArrayList<>();
        Map<String, Integer> revisions = new HashMap<>();
        long corrections = 0;
        long notPaid = 0;
        long malformed = 0;
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            for (long i = 0; i < records; i++) {
                String line;
                double kind = random.nextDouble();
                if (i % 1000 == 999) {
                    line = "{\"order_id\":\"o-bad-" + i + "\",\"amount\":\"twelve\"}";
                    malformed++;
                } else if (kind < 0.05 && !paid.isEmpty()) {
                    String id = paid.get(random.nextInt(paid.size()));
                    line = order(id, random, "paid", revisions.merge(id, 1, Integer::sum));
                    corrections++;
                } else if (kind < 0.25) {
                    line = order(String.format(Locale.ROOT, "o-%07d", i), random, NOT_PAID[random.nextInt(2)], 1);
                    notPaid++;
                } else {
                    String id = String.format(Locale.ROOT, "o-%07d", i);
                    line = order(id, random, "paid", 1);
                    paid.add(id);
                    revisions.put(id, 1);
                }
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Orders(file, records, paid.size(), corrections, notPaid, malformed);
    }

    private static String order(String id, SplittableRandom random, String status, int revision) {
        long cents = 100 + random.nextLong(500_000);
        return String.format(Locale.ROOT, "{\"order_id\":\"%s\",\"customer_id\":\"c-%03d\",\"status\":\"%s\","
                + "\"amount\":%d.%02d,\"currency\":\"%s\",\"ordered_at\":\"%s\",\"channel\":\"%s\","
                + "\"revision\":%d}", id, 1 + random.nextInt(CUSTOMERS), status, cents / 100, cents % 100,
                CURRENCIES[random.nextInt(CURRENCIES.length)], START.plusSeconds(random.nextInt(86_400)),
                random.nextBoolean() ? "web" : "store", revision);
    }
}
