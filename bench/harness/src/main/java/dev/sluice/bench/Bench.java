package dev.sluice.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The benchmark: every contender on three workloads (files → PostgreSQL, Kafka → PostgreSQL, Kafka → Kafka) with the
 * same stages and batches of 1000, interleaved run by run on this machine, each run's result checked (rows, distinct
 * keys, nothing lost) before its figures count. Writes docs/benchmarks.md and docs/benchmarks.png; {@code --smoke}
 * checks every contender on a few thousand records and writes nothing.
 */
public final class Bench {

    static final Path WORK = Path.of("bench/work");
    static final Path REGIONS = Path.of("src/main/resources/reference/robot-regions.csv");
    static final String HEAP = "-Xmx256m";
    static final List<String> WORKLOADS = List.of("files-pg", "kafka-pg", "kafka-kafka");
    static final int LATENCY_RATE = 2000;
    static final int LATENCY_SECONDS = 30;
    static final int LATENCY_WARMUP_SECONDS = 5;

    /** The figures of one run of one contender on one workload. */
    record Run(String workload, String contender, double recordsPerSecond, double cpuPerMillion,
            double pgCpuPerMillion, double kafkaCpuPerMillion, double peakRssMb, double firstRowSeconds) {
    }

    /** p50 and p99 of one latency run, in milliseconds. */
    record Latency(String contender, double p50, double p99) {
    }

    final long records;
    final int runs;
    final boolean smoke;
    final List<Contender> contenders;
    final List<String> workloads;
    /** Records each Sluice run with JFR into bench/work/(run).jfr. */
    static boolean profile;
    final Services services = new Services();
    final ObjectMapper json = new ObjectMapper();
    final List<Run> results = new ArrayList<>();
    final List<Latency> latencies = new ArrayList<>();
    final List<Double> readySeconds = new ArrayList<>();
    /**
     * The start-up anchors (bench/startup-*): a stock Camel Quarkus application with Sluice's versions and extensions
     * and one YAML route, and a bare Quarkus REST + health application; seconds to ready, run by run.
     */
    static final List<String> ANCHORS = List.of("camel-quarkus", "quarkus-rest");
    final Map<String, List<Double>> anchorReadySeconds = new LinkedHashMap<>();
    final String id = Long.toString(System.currentTimeMillis(), 36);
    Telemetry.Sample sample;
    Path file;
    String topic;

    Bench(long records, int runs, boolean smoke, List<Contender> contenders, List<String> workloads) {
        this.workloads = workloads;
        this.records = records;
        this.runs = runs;
        this.smoke = smoke;
        this.contenders = contenders;
    }

    public static void main(String[] args) throws Exception {
        long records = 1_000_000;
        int runs = 3;
        boolean smoke = false;
        String sizes = null;
        List<String> only = new ArrayList<>();
        List<String> workloads = new ArrayList<>(WORKLOADS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> {
                    records = Long.parseLong(args[++i]);
                    sizes = sizes == null ? "none" : sizes;
                }
                case "--sizes" -> sizes = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--contenders" -> only.addAll(List.of(args[++i].split(",")));
                case "--workloads" -> workloads = List.of(args[++i].split(","));
                case "--profile" -> profile = true;
                case "--smoke" -> smoke = true;
                case "--report" -> {
                    Report.MARKDOWN = Path.of(args[++i]);
                    Report.CHART = Path.of(args[i].replaceFirst("\\.md$", "") + ".png");
                }
                default -> throw new IllegalArgumentException("usage: bench/run [--records N] [--runs R] "
                        + "[--sizes N:R,N:R|none] [--contenders a,b] [--workloads a,b] [--profile] [--smoke] "
                        + "[--report docs/<name>.md]");
            }
        }
        if (smoke) {
            records = 3000;
            runs = 1;
            sizes = "none";
        }
        // the smoke run checks that every way of moving records is right; sluice-jq only changes the stages' language
        boolean smokeRun = smoke;
        List<Contender> contenders = Contender.ALL.stream()
                .filter(c -> only.isEmpty() ? !(smokeRun && c == Contender.SLUICE_JQ) : only.contains(c.name()))
                .toList();
        Bench bench = new Bench(records, runs, smoke, contenders, workloads);
        bench.sizes.putAll(sizes(sizes == null ? DEFAULT_SIZES : sizes));
        bench.run(String.join(" ", args));
    }

    /**
     * The other job sizes, each measured for the baseline and Sluice only (size → runs): how records/s and CPU per
     * record change with the size of the job, start-up and warm-up weighing on small jobs.
     */
    static final String DEFAULT_SIZES = "100000:3,5000000:1";
    static final List<Contender> SIZED = List.of(Contender.BASELINE, Contender.SLUICE);
    final Map<Long, Integer> sizes = new LinkedHashMap<>();
    /** The runs of every job size, this one's included. */
    final Map<Long, List<Run>> bySize = new java.util.TreeMap<>();

    static Map<Long, Integer> sizes(String spec) {
        Map<Long, Integer> sizes = new LinkedHashMap<>();
        if (!spec.equals("none")) {
            for (String size : spec.split(",")) {
                String[] parts = size.split(":");
                sizes.put(Long.parseLong(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
            }
        }
        return sizes;
    }

    void run(String arguments) throws Exception {
        measureAll(!smoke);
        bySize.put(records, results);
        for (Map.Entry<Long, Integer> size : sizes.entrySet()) {
            List<Contender> sized = contenders.stream().filter(SIZED::contains).toList();
            Bench other = new Bench(size.getKey(), size.getValue(), false, sized, workloads);
            other.measureAll(false);
            bySize.put(size.getKey(), other.results);
        }
        if (smoke) {
            log("smoke run passed: every contender wrote exactly the %d expected records on every workload",
                    sample.active());
        } else {
            new Report(this).write(arguments);
        }
    }

    /** Every run of every workload and contender at this size; with {@code extras}, latency and start-up too. */
    void measureAll(boolean extras) throws Exception {
        Files.createDirectories(WORK);
        file = WORK.resolve("telemetry-" + records + ".jsonl");
        sample = Telemetry.write(file, records, 42);
        topic = "bench." + id + ".telemetry";
        services.createTopic(topic, false);
        services.produce(topic, Files.readAllLines(file, StandardCharsets.UTF_8));
        log("%d records (%d active) in %s and in topic %s", records, sample.active(), file, topic);

        for (int run = 1; run <= runs; run++) {
            for (String workload : workloads) {
                for (Contender contender : contenders) {
                    if (contender.runs(workload)) {
                        Run result = measure(workload, contender, run);
                        if (smoke) {
                            log("%s %s: exactly the %d active records, each once", workload, contender.name(),
                                    sample.active());
                        } else {
                            log("run %d %s %s: %s", run, workload, contender.name(), result);
                            results.add(result);
                        }
                    }
                }
            }
            if (extras) {
                for (Contender contender : contenders) {
                    if (workloads.contains("kafka-pg") && contender.runs("kafka-pg") && contender.measuresLatency()) {
                        Latency latency = latency(contender, run);
                        log("run %d latency %s: %s", run, contender.name(), latency);
                        latencies.add(latency);
                    }
                }
                if (contenders.contains(Contender.SLUICE)) {
                    readySeconds.add(sluiceReady(run));
                    log("run %d sluice ready in %.3f s", run, readySeconds.get(readySeconds.size() - 1));
                    for (String anchor : ANCHORS) {
                        double seconds = anchorReady(run, anchor);
                        anchorReadySeconds.computeIfAbsent(anchor, a -> new ArrayList<>()).add(seconds);
                        log("run %d %s ready in %.3f s", run, anchor, seconds);
                    }
                }
            }
        }
        services.deleteTopics(List.of(topic));
    }

    /** One contender on one workload: start, wait for the last record, take the figures, stop, check. */
    Run measure(String workload, Contender contender, int run) throws Exception {
        String name = id + "-" + run + "-" + workload + "-" + contender.name();
        String outTopic = "bench." + name + ".out";
        services.truncate();
        if (workload.equals("kafka-kafka")) {
            services.createTopic(outTopic, true);
        }
        Path in = WORK.resolve("in-" + name);
        Files.createDirectories(in);
        Files.createLink(in.resolve("telemetry.jsonl"), file.toAbsolutePath());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BENCH_INPUT", in.toString());
        env.put("BENCH_TOPIC", topic);
        env.put("BENCH_GROUP", "bench-" + name);
        env.put("BENCH_OUT_TOPIC", outTopic);
        env.put("BENCH_RECORDS", Long.toString(records));

        double pgBefore = Proc.cpuSecondsOfTree(services.postgresPid());
        double kafkaBefore = Proc.cpuSeconds(services.brokerPid());
        Instant launched = Instant.now();
        Process process = start(contender.command(workload, env), name);
        Proc.Usage usage = new Proc.Usage(process.pid());
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            while (done(workload, outTopic) < sample.active()) {
                usage.sample();
                if (!process.isAlive() && process.exitValue() != 0) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see "
                            + WORK.resolve(name + ".log"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not finish within 20 minutes");
                }
                Thread.sleep(100);
            }
            usage.sample();
        } finally {
            stop(process);
        }
        double pgCpu = Proc.cpuSecondsOfTree(services.postgresPid()) - pgBefore;
        double kafkaCpu = Proc.cpuSeconds(services.brokerPid()) - kafkaBefore;
        Instant[] span;
        if (workload.equals("kafka-kafka")) {
            span = verifyTopic(outTopic);
            services.deleteTopics(List.of(outTopic));
        } else {
            span = verifyTable();
        }
        double seconds = Duration.between(span[0], span[1]).toNanos() / 1e9;
        double millions = records / 1e6;
        return new Run(workload, contender.name(), seconds > 0 ? records / seconds : 0, usage.cpuSeconds() / millions,
                pgCpu / millions, kafkaCpu / millions, usage.peakRssMb(),
                Duration.between(launched, span[0]).toNanos() / 1e9);
    }

    long done(String workload, String outTopic) throws Exception {
        return workload.equals("kafka-kafka") ? services.endOffsets(outTopic) : services.rows();
    }

    /** The table must hold exactly the active records, each once; returns when the first and last were written. */
    Instant[] verifyTable() throws Exception {
        long rows = services.scalar("SELECT COUNT(*) FROM robot_telemetry");
        long distinct = services.scalar("SELECT COUNT(DISTINCT (robot_id, seq)) FROM robot_telemetry");
        check(rows == sample.active() && distinct == rows,
                "rows " + rows + ", distinct " + distinct + ", expected " + sample.active());
        return services.writtenSpan();
    }

    /** The topic must hold exactly the active records, each once; returns when the first and last were appended. */
    Instant[] verifyTopic(String outTopic) throws Exception {
        Set<String> keys = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<ConsumerRecord<byte[], byte[]>> written = services.readAll(outTopic);
        for (ConsumerRecord<byte[], byte[]> record : written) {
            JsonNode value = json.readTree(record.value());
            check("active".equals(value.path("status").asText()) && value.hasNonNull("region")
                    && value.hasNonNull("processed_at"), "an output record lacks the stages' work: " + value);
            keys.add(value.get("robot_id").asText() + "/" + value.get("seq").asLong());
            first = Math.min(first, record.timestamp());
            last = Math.max(last, record.timestamp());
        }
        check(written.size() == sample.active() && keys.size() == written.size(), "records " + written.size()
                + ", distinct " + keys.size() + ", expected " + sample.active());
        return new Instant[] { Instant.ofEpochMilli(first), Instant.ofEpochMilli(last) };
    }

    /**
     * p50 and p99 of send-to-written latency, Kafka → PostgreSQL, at a fixed rate: each record's ts is the time it is
     * sent, written_at the time its row is written (one clock, one host). The first seconds are warm-up.
     */
    Latency latency(Contender contender, int run) throws Exception {
        String name = id + "-" + run + "-latency-" + contender.name();
        String latencyTopic = "bench." + name;
        services.createTopic(latencyTopic, false);
        services.truncate();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BENCH_INPUT", WORK.resolve("in-" + name).toString());
        env.put("BENCH_TOPIC", latencyTopic);
        env.put("BENCH_GROUP", "bench-" + name);
        env.put("BENCH_OUT_TOPIC", "bench." + name + ".out");
        env.put("BENCH_RECORDS", "0");
        Files.createDirectories(Path.of(env.get("BENCH_INPUT")));
        Process process = start(contender.command("kafka-pg", env), name);
        try {
            awaitConsuming(process, name, latencyTopic);
            long active = produceAtRate(latencyTopic, LATENCY_RATE, LATENCY_RATE * LATENCY_SECONDS);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (services.rows() < active && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            stop(process);
            services.deleteTopics(List.of(latencyTopic));
        }
        double[] percentiles = services.latencyMillis(LATENCY_WARMUP_SECONDS);
        return new Latency(contender.name(), percentiles[0], percentiles[1]);
    }

    /**
     * Waits until the contender has read and written a probe record (seq 0), then deletes its row: the timed input
     * then meets a pipeline that is subscribed and warmed up. (Flink's Kafka source joins no consumer group, so
     * group membership cannot tell.)
     */
    void awaitConsuming(Process process, String name, String latencyTopic) throws Exception {
        try (var producer = services.producer()) {
            services.send(producer, latencyTopic, Telemetry.line(1, 0, Instant.now(), true, new SplittableRandom(1)));
            producer.flush();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (services.scalar("SELECT COUNT(*) FROM robot_telemetry WHERE seq = 0") == 0) {
            check(process.isAlive(), name + " exited, see " + WORK.resolve(name + ".log"));
            check(System.nanoTime() < deadline, name + " did not write the probe record of " + latencyTopic
                    + " within 2 minutes");
            Thread.sleep(100);
        }
        services.scalar("WITH probe AS (DELETE FROM robot_telemetry WHERE seq = 0 RETURNING 1) SELECT COUNT(*) FROM probe");
    }

    /** Sends {@code total} records at {@code perSecond}, each with ts = when it is sent; returns how many are active. */
    long produceAtRate(String target, int perSecond, int total) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long active = 0;
        long start = System.nanoTime();
        try (var producer = services.producer()) {
            for (int i = 0; i < total; i++) {
                long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                boolean isActive = random.nextDouble() >= 0.3;
                active += isActive ? 1 : 0;
                String line = Telemetry.line(1 + i % Telemetry.ROBOTS, 1 + i / Telemetry.ROBOTS, Instant.now(), isActive,
                        random);
                services.send(producer, target, line);
            }
            producer.flush();
        }
        return active;
    }

    /** Seconds from launching Sluice to /q/health/ready answering 200 (Kafka pipelines off, database up). */
    double sluiceReady(int run) throws Exception {
        String name = id + "-" + run + "-ready";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BENCH_INPUT", WORK.resolve("in-" + name).toString());
        return ready(name, Contender.SLUICE.command("ready", env));
    }

    /** Seconds from launching a start-up anchor, packaged as Sluice is, to /q/health/ready answering 200. */
    double anchorReady(int run, String anchor) throws Exception {
        String name = id + "-" + run + "-ready-" + anchor;
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-jar", Path.of("bench", "startup-" + anchor, "target", "quarkus-app", "quarkus-run.jar").toString());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(Contender.SLUICE_PORT));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(Contender.SLUICE_MANAGEMENT_PORT));
        builder.environment().put("ANCHOR_INPUT_DIR", WORK.resolve("in-" + name).toString());
        return ready(name, builder);
    }

    private double ready(String name, ProcessBuilder builder) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long start = System.nanoTime();
        Process process = start(builder, name);
        try {
            while (true) {
                check(process.isAlive(), name + " exited, see " + WORK.resolve(name + ".log"));
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + Contender.SLUICE_MANAGEMENT_PORT + "/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(5);
            }
        } finally {
            stop(process);
        }
    }

    static Process start(ProcessBuilder builder, String name) throws IOException {
        return builder.redirectErrorStream(true).redirectOutput(WORK.resolve(name + ".log").toFile()).start();
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("Check failed: " + what);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
    }
}
