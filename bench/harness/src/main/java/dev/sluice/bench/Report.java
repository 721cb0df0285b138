package dev.sluice.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import org.apache.kafka.common.utils.AppInfoParser;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * docs/benchmarks.md and docs/benchmarks.png from one harness run: per workload and contender the median of the
 * runs with min and max, each contender's ratio to the baseline, latency, Sluice's start-up, and the targets met or
 * missed.
 */
final class Report {

    /** Where the report goes: docs/benchmarks.md, or the {@code --report} of a partial run; the chart beside it. */
    static Path MARKDOWN = Path.of("docs/benchmarks.md");
    static Path CHART = Path.of("docs/benchmarks.png");

    /** Median, min and max of one figure over the runs. */
    record Stat(double median, double min, double max) {
        static Stat of(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stat(median, sorted.get(0), sorted.get(n - 1));
        }

        String format(String pattern) {
            return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")", median, min, max);
        }
    }

    private final Bench bench;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();

    Report(Bench bench) {
        this.bench = bench;
    }

    void write(String arguments) throws Exception {
        md.append("# Benchmarks\n\n")
                .append("<!-- Written by the benchmark harness (bench/), do not edit: run the command below again. -->\n\n")
                .append("Sluice against a hand-written baseline and runnable peers, side by side on one machine in one "
                        + "run, contenders interleaved run by run. How the harness works and what each contender "
                        + "runs: [bench/README.md](../bench/README.md).\n\n")
                .append("```\nbench/run").append(arguments.isEmpty() ? "" : " " + arguments).append("\n```\n\n");
        machine();
        workloads();
        sizes();
        latency();
        startup();
        asyncStages();
        verdict();
        raw();
        Files.writeString(MARKDOWN, md.toString());
        chart();
        Bench.log("wrote %s and %s", MARKDOWN, CHART);
    }

    private void machine() throws Exception {
        md.append("## Setup\n\n")
                .append("| | |\n|---|---|\n")
                .append("| Date | ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE))
                .append(" |\n")
                .append("| CPU | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores |\n")
                .append("| Memory | ").append(memTotal()).append(" |\n")
                .append("| OS | ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" |\n")
                .append("| JDK (every contender) | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", `").append(Bench.HEAP)
                .append("`, default GC |\n")
                .append("| PostgreSQL | ").append(bench.services.postgresVersion())
                .append(" on 127.0.0.1 (scripts/postgres.sh), fsync on |\n")
                .append("| Kafka | broker and clients ").append(AppInfoParser.getVersion())
                .append(", one KRaft node (scripts/kafka.sh), topics of ").append(Services.PARTITIONS)
                .append(" partitions |\n")
                .append("| Input | ").append(String.format(Locale.ROOT, "%,d", bench.records))
                .append(" seeded robot telemetry records (~200 bytes, 30 % inactive → ")
                .append(String.format(Locale.ROOT, "%,d", bench.sample.active())).append(" rows) |\n")
                .append("| Runs | ").append(bench.runs).append(" per contender and workload, interleaved")
                .append(bench.sizes.isEmpty() ? "" : "; other job sizes (baseline and Sluice): " + bench.sizes.entrySet()
                        .stream().map(e -> String.format(Locale.ROOT, "%,d records × %d", e.getKey(), e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", ")))
                .append(" |\n\n");
        md.append("Contenders:\n\n");
        for (Contender contender : bench.contenders) {
            md.append("* **").append(contender.name()).append("**: ").append(contender.description()).append('\n');
        }
        md.append("\nEvery contender runs the same stages (parse and check, filter `status == active`, add "
                + "`processed_at`, add `region` from the same CSV), batches of 1000, one transaction per batch, into "
                + "Sluice's `robot_telemetry` table or a topic. A run counts only after its result is checked: exactly "
                + "the active records, each once.\n\n"
                + "Figures: **records/s**: input records divided by the time from the first to the last row written "
                + "(`written_at`) or record appended (broker time), so start-up is left out; **CPU-s/M**: user + "
                + "system CPU seconds of the contender's process per million input records, start-up included, "
                + "PostgreSQL's (server and backends) and Kafka's (broker) reported apart; **RSS**: peak resident set "
                + "(VmHWM); **first row**: seconds from launch to the first row written. Each cell is the median, "
                + "with (min–max) over the runs; ×: the ratio of medians to the baseline's.\n\n");
    }

    private void workloads() {
        for (String workload : bench.workloads) {
            List<Bench.Run> baseline = runs(workload, Contender.BASELINE.name());
            md.append("## ").append(title(workload)).append("\n\n")
                    .append("| Contender | records/s | × | CPU-s/M | × | PostgreSQL CPU-s/M | Kafka CPU-s/M | "
                            + "peak RSS MB | first row s |\n")
                    .append("|---|---|---|---|---|---|---|---|---|\n");
            for (Contender contender : bench.contenders) {
                List<Bench.Run> runs = runs(workload, contender.name());
                if (runs.isEmpty()) {
                    continue;
                }
                md.append("| ").append(contender.name())
                        .append(" | ").append(stat(runs, Bench.Run::recordsPerSecond).format("%,.0f"))
                        .append(" | ").append(ratio(runs, baseline, Bench.Run::recordsPerSecond))
                        .append(" | ").append(stat(runs, Bench.Run::cpuPerMillion).format("%.1f"))
                        .append(" | ").append(ratio(runs, baseline, Bench.Run::cpuPerMillion))
                        .append(" | ").append(stat(runs, Bench.Run::pgCpuPerMillion).format("%.1f"))
                        .append(" | ").append(stat(runs, Bench.Run::kafkaCpuPerMillion).format("%.1f"))
                        .append(" | ").append(stat(runs, Bench.Run::peakRssMb).format("%.0f"))
                        .append(" | ").append(stat(runs, Bench.Run::firstRowSeconds).format("%.2f"))
                        .append(" |\n");
            }
            md.append('\n');
        }
        md.append("![records/s and CPU-s per million records](" + CHART.getFileName() + ")\n\n");
    }

    /** Records/s and CPU-s per million of the baseline and Sluice at every job size, medians. */
    private void sizes() {
        if (bench.bySize.size() < 2) {
            return;
        }
        md.append("## How cost grows with the job\n\n")
                .append("The baseline and Sluice on jobs of every size (the runs of each size in brackets), medians; "
                        + "CPU-s/M includes start-up, which weighs on small jobs.\n\n")
                .append("| Workload | Contender |");
        StringBuilder rule = new StringBuilder("|---|---|");
        bench.bySize.forEach((size, runs) -> {
            int n = size == bench.records ? bench.runs : bench.sizes.get(size);
            md.append(String.format(Locale.ROOT, " %,d records/s (%d) | CPU-s/M |", size, n));
            rule.append("---|---|");
        });
        md.append('\n').append(rule).append('\n');
        for (String workload : bench.workloads) {
            for (Contender contender : Bench.SIZED) {
                md.append("| ").append(title(workload)).append(" | ").append(contender.name()).append(" |");
                bench.bySize.forEach((size, runs) -> md.append(String.format(Locale.ROOT, " %,.0f | %.1f |",
                        median(runs, workload, contender.name(), Bench.Run::recordsPerSecond),
                        median(runs, workload, contender.name(), Bench.Run::cpuPerMillion))));
                md.append('\n');
            }
            md.append("| ").append(title(workload)).append(" | sluice ÷ baseline |");
            bench.bySize.forEach((size, runs) -> md.append(String.format(Locale.ROOT, " %.2f × | %.2f × |",
                    sluiceOverBaseline(runs, workload, Bench.Run::recordsPerSecond),
                    sluiceOverBaseline(runs, workload, Bench.Run::cpuPerMillion))));
            md.append('\n');
        }
        md.append('\n');
    }

    private static double sluiceOverBaseline(List<Bench.Run> runs, String workload, ToDoubleFunction<Bench.Run> figure) {
        return median(runs, workload, Contender.SLUICE.name(), figure)
                / median(runs, workload, Contender.BASELINE.name(), figure);
    }

    private void latency() {
        if (bench.latencies.isEmpty()) {
            return;
        }
        md.append("## Latency, Kafka → PostgreSQL\n\n")
                .append(String.format(Locale.ROOT, "Records sent at a fixed %,d a second for %d s, each stamped with "
                        + "the time it was sent (`ts`); latency is `written_at − ts` of its row. The first %d s are "
                        + "warm-up and left out. Batches complete at 1000 records, after 1 s, or (Sluice) when a poll has nothing more: flush on idle.%n%n",
                        Bench.LATENCY_RATE, Bench.LATENCY_SECONDS, Bench.LATENCY_WARMUP_SECONDS))
                .append("| Contender | p50 ms | p99 ms |\n|---|---|---|\n");
        for (Contender contender : bench.contenders) {
            List<Bench.Latency> runs = bench.latencies.stream().filter(l -> l.contender().equals(contender.name()))
                    .toList();
            if (!runs.isEmpty()) {
                md.append("| ").append(contender.name())
                        .append(" | ").append(Stat.of(runs.stream().map(Bench.Latency::p50).toList()).format("%.0f"))
                        .append(" | ").append(Stat.of(runs.stream().map(Bench.Latency::p99).toList()).format("%.0f"))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    private void startup() {
        if (bench.readySeconds.isEmpty()) {
            return;
        }
        md.append("## Start-up\n\n")
                .append("Seconds from launching `java ").append(Bench.HEAP)
                .append(" -jar …/quarkus-run.jar` to `/q/health/ready` answering 200, one application after the other "
                        + "in each run: Sluice (`target/quarkus-app`: file pipelines, PostgreSQL up, Kafka off) and two "
                        + "anchors packaged the same way, a stock Camel Quarkus application with Sluice's Quarkus and "
                        + "Camel Quarkus versions and extensions and one YAML route from a file to the log "
                        + "(`bench/startup-camel-quarkus`), and a bare Quarkus REST + health application "
                        + "(`bench/startup-quarkus-rest`).\n\n")
                .append("| Application | ready s | × stock Camel Quarkus |\n|---|---|---|\n");
        List<Double> stock = bench.anchorReadySeconds.get("camel-quarkus");
        startupRow("Sluice", bench.readySeconds, stock);
        bench.anchorReadySeconds.forEach((anchor, seconds) -> startupRow(anchor.equals("camel-quarkus")
                ? "stock Camel Quarkus" : "bare Quarkus REST + health", seconds, stock));
        md.append('\n');
    }

    private void startupRow(String application, List<Double> seconds, List<Double> stock) {
        md.append("| ").append(application).append(" | ").append(Stat.of(seconds).format("%.2f")).append(" | ")
                .append(stock == null ? "" : String.format("%.2f", Stat.of(seconds).median() / Stat.of(stock).median()))
                .append(" |\n");
    }

    /** The asynchronous-stage figures, measured apart by bench/async-stages (a Java pipeline, not a workload here). */
    private void asyncStages() throws Exception {
        Path measured = MARKDOWN.resolveSibling("benchmarks-async.md");
        if (Files.exists(measured)) {
            md.append(Files.readString(measured).strip()).append("\n\n");
        }
    }

    private void verdict() {
        String sluice = Contender.SLUICE.name();
        bench.bySize.forEach((size, runs) -> target(String.format(Locale.ROOT,
                "Files → PostgreSQL, %,d records: records/s ≥ 1.0 × baseline", size),
                sluiceOverBaseline(runs, "files-pg", Bench.Run::recordsPerSecond), 1.0, true, "%.2f ×"));
        for (String workload : bench.workloads) {
            target(title(workload) + ": CPU-s/M ≤ 1.3 × baseline",
                    sluiceOverBaseline(bench.results, workload, Bench.Run::cpuPerMillion), 1.3, false, "%.2f ×");
        }
        for (String workload : List.of("kafka-pg", "kafka-kafka")) {
            for (String peer : List.of(Contender.CAMEL_MAIN.name(), Contender.FLINK.name())) {
                target(title(workload) + ": records/s above " + peer, median(workload, sluice,
                        Bench.Run::recordsPerSecond) / median(workload, peer, Bench.Run::recordsPerSecond), 1.0, true,
                        "%.2f ×");
            }
        }
        List<Bench.Latency> latencies = bench.latencies.stream().filter(l -> l.contender().equals(sluice)).toList();
        if (!latencies.isEmpty()) {
            target("p99 Kafka → PostgreSQL latency at " + Bench.LATENCY_RATE + " records/s ≤ 100 ms",
                    Stat.of(latencies.stream().map(Bench.Latency::p99).toList()).median(), 100, false, "%.0f ms");
        }
        List<Double> stock = bench.anchorReadySeconds.get("camel-quarkus");
        if (!bench.readySeconds.isEmpty() && stock != null) {
            target("Start-up to ready ≤ 1.1 × stock Camel Quarkus", Stat.of(bench.readySeconds).median()
                    / Stat.of(stock).median(), 1.1, false, "%.2f ×");
        }
        double rss = bench.workloads.stream().mapToDouble(w -> median(w, sluice, Bench.Run::peakRssMb)).max()
                .orElse(Double.NaN);
        target("Peak RSS under load at " + Bench.HEAP + " ≤ 300 MB (largest workload median)", rss, 300, false,
                "%.0f MB");
        md.append("## Targets\n\n| Target | Sluice | |\n|---|---|---|\n");
        for (String[] row : targets) {
            md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
        }
        md.append('\n');
    }

    private void target(String what, double value, double limit, boolean atLeast, String format) {
        if (Double.isNaN(value)) {
            return; // a contender left out of this run
        }
        boolean met = atLeast ? value >= limit : value <= limit;
        targets.add(new String[] { what, String.format(Locale.ROOT, format, value), met ? "met" : "**missed**" });
    }

    private void raw() {
        md.append("## Every run\n\n| Run | Workload | Contender | records/s | CPU-s/M | PostgreSQL CPU-s/M | "
                + "Kafka CPU-s/M | peak RSS MB | first row s |\n|---|---|---|---|---|---|---|---|---|\n");
        int perRun = bench.results.size() / bench.runs;
        for (int i = 0; i < bench.results.size(); i++) {
            Bench.Run r = bench.results.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %,.0f | %.1f | %.1f | %.1f | %.0f | %.2f |%n",
                    i / perRun + 1, r.workload(), r.contender(), r.recordsPerSecond(), r.cpuPerMillion(),
                    r.pgCpuPerMillion(), r.kafkaCpuPerMillion(), r.peakRssMb(), r.firstRowSeconds()));
        }
    }

    private void chart() throws IOException {
        DefaultCategoryDataset throughput = new DefaultCategoryDataset();
        DefaultCategoryDataset cpu = new DefaultCategoryDataset();
        for (String workload : bench.workloads) {
            for (Contender contender : bench.contenders) {
                if (!runs(workload, contender.name()).isEmpty()) {
                    throughput.addValue(median(workload, contender.name(), Bench.Run::recordsPerSecond),
                            contender.name(), title(workload));
                    cpu.addValue(median(workload, contender.name(), Bench.Run::cpuPerMillion), contender.name(),
                            title(workload));
                }
            }
        }
        JFreeChart left = ChartFactory.createBarChart("Throughput (median)", null, "records/s", throughput,
                PlotOrientation.VERTICAL, true, false, false);
        JFreeChart right = ChartFactory.createBarChart("Process CPU (median)", null, "CPU-s per million records", cpu,
                PlotOrientation.VERTICAL, true, false, false);
        BufferedImage image = new BufferedImage(1400, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 1400, 560);
        left.draw(g, new Rectangle(0, 0, 700, 560));
        right.draw(g, new Rectangle(700, 0, 700, 560));
        g.dispose();
        ImageIO.write(image, "png", CHART.toFile());
    }

    private List<Bench.Run> runs(String workload, String contender) {
        return runs(bench.results, workload, contender);
    }

    private static List<Bench.Run> runs(List<Bench.Run> results, String workload, String contender) {
        return results.stream().filter(r -> r.workload().equals(workload) && r.contender().equals(contender)).toList();
    }

    private static Stat stat(List<Bench.Run> runs, ToDoubleFunction<Bench.Run> figure) {
        return Stat.of(runs.stream().map(figure::applyAsDouble).toList());
    }

    private double median(String workload, String contender, ToDoubleFunction<Bench.Run> figure) {
        return median(bench.results, workload, contender, figure);
    }

    private static double median(List<Bench.Run> results, String workload, String contender,
            ToDoubleFunction<Bench.Run> figure) {
        List<Bench.Run> runs = runs(results, workload, contender);
        return runs.isEmpty() ? Double.NaN : stat(runs, figure).median();
    }

    private static String ratio(List<Bench.Run> runs, List<Bench.Run> baseline, ToDoubleFunction<Bench.Run> figure) {
        if (baseline.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f", stat(runs, figure).median() / stat(baseline, figure).median());
    }

    private static String title(String workload) {
        return switch (workload) {
            case "files-pg" -> "Files → PostgreSQL";
            case "kafka-pg" -> "Kafka → PostgreSQL";
            default -> "Kafka → Kafka";
        };
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static String memTotal() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                .findFirst().orElse("unknown");
    }
}
