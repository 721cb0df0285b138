package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU and memory of processes, from Linux's /proc (CPU in clock ticks of 1/100 s). */
final class Proc {

    private Proc() {
    }

    /**
     * A contender's CPU and peak RSS, sampled while it runs: a contender that exits when done (run-once, a bounded
     * job) takes its /proc entry with it, so the last sample before the last record stands for the run.
     */
    static final class Usage {
        private final long pid;
        private double cpuSeconds;
        private double peakRssMb;

        Usage(long pid) {
            this.pid = pid;
        }

        void sample() {
            cpuSeconds = Math.max(cpuSeconds, Proc.cpuSeconds(pid));
            peakRssMb = Math.max(peakRssMb, Proc.peakRssMb(pid));
        }

        double cpuSeconds() {
            return cpuSeconds;
        }

        double peakRssMb() {
            return peakRssMb;
        }
    }

    /** User plus system CPU seconds of a process, 0 if it is gone. */
    static double cpuSeconds(long pid) {
        long[] ticks = ticks(pid);
        return (ticks[0] + ticks[1]) / 100.0;
    }

    /** Peak resident set size (VmHWM) of a process, in MB; 0 if it is gone. */
    static double peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return 0;
    }

    /**
     * CPU seconds of a process and its children, live and exited: for PostgreSQL the server, its running backends,
     * and the backends that already exited (counted in the server's children's time once reaped).
     */
    static double cpuSecondsOfTree(long pid) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(p -> p == pid || parent(p) == pid)
                    .mapToDouble(p -> {
                        long[] ticks = ticks(p);
                        return (ticks[0] + ticks[1] + ticks[2] + ticks[3]) / 100.0;
                    }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long parent(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime, stime, cutime, cstime of a process; zeros if it is gone. */
    private static long[] ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                    Long.parseLong(fields[14]) };
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }

    /** The pid on the first line of a pid file (PostgreSQL's postmaster.pid holds more), or -1. */
    static long pidFrom(Path file) {
        try {
            return Long.parseLong(Files.readAllLines(file).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
