package dev.sluice;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Stops and starts the test servers through the same scripts the test command uses. */
public enum Servers {
    /** scripts/postgres.sh */
    POSTGRES("scripts/postgres.sh"),
    /** scripts/kafka.sh: a restart keeps the broker's data */
    KAFKA("scripts/kafka.sh");

    private final String script;

    Servers(String script) {
        this.script = script;
    }

    /** Stops the PostgreSQL server. */
    public static void stop() throws IOException, InterruptedException {
        POSTGRES.run("stop");
    }

    /** Starts the PostgreSQL server. */
    public static void start() throws IOException, InterruptedException {
        POSTGRES.run("start");
    }

    public void run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(script, command).inheritIO().start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(script + " " + command + " failed");
        }
    }
}
