package dev.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One contender: how to launch it, as its own JVM at the same -Xmx, on a workload. Every contender gets the same
 * BENCH_* environment (input directory, topic, group, output topic, records); Sluice gets it as its own settings.
 */
record Contender(String name, String description, Set<String> workloads, boolean measuresLatency,
        Launcher launcher) {

    interface Launcher {
        List<String> command(String workload);
    }

    static final int SLUICE_PORT = 18190;
    /** Health and metrics: Sluice's management port. */
    static final int SLUICE_MANAGEMENT_PORT = 18191;
    /** pgjdbc's batch rewrite into multi-row inserts: what a user tuning JDBC batch inserts on PostgreSQL sets. */
    static final String PG_BATCH_URL = Services.PG_URL + "?reWriteBatchedInserts=true";
    static final Set<String> ALL_WORKLOADS = Set.of("files-pg", "kafka-pg", "kafka-kafka");

    static final Contender BASELINE = new Contender("baseline",
            "hand-written: Jackson streaming, pgjdbc COPY, plain KafkaConsumer/KafkaProducer", ALL_WORKLOADS, true,
            workload -> module("baseline", "dev.sluice.bench.Baseline", workload));
    static final Contender BASELINE_BATCH = new Contender("baseline-batch",
            "hand-written as above, pgjdbc JDBC batch insert (Sluice's way of writing)", Set.of("files-pg", "kafka-pg"),
            false, workload -> module("baseline", "dev.sluice.bench.Baseline", workload));
    static final Contender SLUICE = new Contender("sluice",
            "Sluice, the packaged application (target/quarkus-app), the shipped routes/", ALL_WORKLOADS, true,
            workload -> {
                List<String> command = java("-jar", "target/quarkus-app/quarkus-run.jar");
                if (workload.equals("files-pg")) {
                    command.add("run-once");
                }
                return command;
            });
    /** Sluice with the robot stages written in jq instead of Java beans: what the jq stages cost (docs/performance.md). */
    static final Contender SLUICE_JQ = new Contender("sluice-jq",
            "Sluice as above, the robot stages in jq (bench/sluice-jq/robot-telemetry-stages.yaml) instead of beans",
            ALL_WORKLOADS, false, SLUICE.launcher());
    static final Contender CAMEL_MAIN = new Contender("camel-main",
            "plain Camel 4.17 (camel-main, no Quarkus), the pipeline as a YAML route of Camel's own components",
            ALL_WORKLOADS, true, workload -> module("camel-main", "dev.sluice.bench.CamelMainBench", workload));
    static final Contender FLINK = new Contender("flink",
            "Apache Flink 2.2 local mini-cluster, DataStream API, default parallelism", ALL_WORKLOADS, true,
            workload -> {
                List<String> command = module("flink", "dev.sluice.bench.FlinkBench", workload);
                // what Flink's own launcher passes on JDK 17 (env.java.opts.all)
                command.addAll(1, List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
                        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"));
                return command;
            });
    static final List<Contender> ALL = List.of(BASELINE, BASELINE_BATCH, SLUICE, SLUICE_JQ, CAMEL_MAIN, FLINK);

    boolean runs(String workload) {
        return workloads.contains(workload);
    }

    /** The contender's process for a workload ("ready": Sluice's start-up alone), with the run's environment. */
    ProcessBuilder command(String workload, Map<String, String> bench) {
        ProcessBuilder builder = new ProcessBuilder(launcher.command(workload));
        if (Bench.profile && this == SLUICE) {
            builder.command().add(2, "-XX:StartFlightRecording=settings=profile,filename="
                    + Bench.WORK.resolve(bench.getOrDefault("BENCH_GROUP", workload) + ".jfr"));
        }
        Map<String, String> env = builder.environment();
        env.putAll(bench);
        env.put("BENCH_REGIONS", Bench.REGIONS.toString());
        env.put("BENCH_KAFKA", Services.KAFKA);
        env.put("BENCH_PG_URL", PG_BATCH_URL);
        env.put("BENCH_SINK", this == BASELINE_BATCH ? "batch" : "copy");
        if (this == SLUICE || this == SLUICE_JQ) {
            sluiceSettings(workload, env);
        }
        if (this == SLUICE_JQ) {
            env.put("SLUICE_ROUTES_DIR", jqRoutes().toString());
        }
        return builder;
    }

    /** The BENCH_* run as Sluice's own settings (docs/configuration.md), every pipeline with batches of 1000. */
    private static void sluiceSettings(String workload, Map<String, String> env) {
        env.put("QUARKUS_HTTP_PORT", Integer.toString(SLUICE_PORT));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(SLUICE_MANAGEMENT_PORT));
        env.put("SLUICE_SECURITY_FILE_ROOTS", Bench.WORK.toAbsolutePath().toString());
        env.put("SLUICE_DB_URL", Services.PG_URL);
        env.put("SLUICE_DB_USERNAME", "sluice");
        env.put("SLUICE_DB_PASSWORD", "sluice");
        env.put("SLUICE_DB_PIPELINES_USERNAME", "sluice_pipelines");
        env.put("SLUICE_DB_PIPELINES_PASSWORD", "sluice_pipelines");
        env.put("SLUICE_ROUTES_DIR", "routes");
        env.put("SLUICE_DEAD_LETTER_DIR", Bench.WORK.resolve("dead-letter").toString());
        String input = env.get("BENCH_INPUT");
        env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_ETL_INPUT_DIR", workload.equals("files-pg") ? input : input + "/none");
        env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_ETL_DONE_DIR", Path.of(input).toAbsolutePath() + "-done");
        env.put("SLUICE_PIPELINES_ROBOT_ANOMALIES_INPUT_DIR", input + "/anomalies");
        env.put("SLUICE_PIPELINES_ORDERS_INPUT_DIR", input + "/orders");
        boolean kafka = workload.startsWith("kafka");
        env.put("SLUICE_KAFKA_ENABLED", Boolean.toString(kafka));
        if (kafka) {
            // both Kafka pipelines run; the one this workload does not use reads a topic nobody writes
            boolean toTable = workload.equals("kafka-pg");
            String unused = env.get("BENCH_TOPIC") + ".unused";
            env.put("SLUICE_KAFKA_BOOTSTRAP_SERVERS", env.get("BENCH_KAFKA"));
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_TOPIC", toTable ? env.get("BENCH_TOPIC") : unused);
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_STREAM_GROUP_ID", env.get("BENCH_GROUP") + (toTable ? "" : "-unused"));
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_TOPIC", toTable ? unused : env.get("BENCH_TOPIC"));
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_GROUP_ID", env.get("BENCH_GROUP") + (toTable ? "-unused" : ""));
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_ENRICHED_SINK_TOPIC", env.get("BENCH_OUT_TOPIC"));
        }
        for (String pipeline : List.of("ETL", "STREAM", "ENRICHED")) {
            env.put("SLUICE_PIPELINES_ROBOT_TELEMETRY_" + pipeline + "_BATCH_SIZE", "1000");
        }
    }

    /** The shipped routes with the robot stages replaced by their jq version. */
    private static Path jqRoutes() {
        Path dir = Bench.WORK.resolve("routes-jq");
        try {
            Files.createDirectories(dir);
            try (var shipped = Files.list(Path.of("routes"))) {
                for (Path file : shipped.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(Path.of("bench/sluice-jq/robot-telemetry-stages.yaml"), dir.resolve("robot-telemetry-stages.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.toAbsolutePath();
    }

    private static List<String> module(String module, String main, String workload) {
        return java("-cp", "bench/" + module + "/target/classes:bench/" + module + "/target/lib/*", main, workload);
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), Bench.HEAP));
        command.addAll(List.of(args));
        return command;
    }
}
