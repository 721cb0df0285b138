package dev.sluice;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Stops and starts the test PostgreSQL server through the same script the test command uses. */
public final class Postgres {

    private Postgres() {
    }

    public static void stop() throws IOException, InterruptedException {
        run("stop");
    }

    public static void start() throws IOException, InterruptedException {
        run("start");
    }

    private static void run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("scripts/postgres.sh", command).inheritIO().start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/postgres.sh " + command + " failed");
        }
    }
}
