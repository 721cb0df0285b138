package dev.sluice.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.sluice.config.ConfigurationException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.ops.PasswordHash;
import dev.sluice.ops.PipelineReport;
import dev.sluice.ops.Pipelines;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

/**
 * Sluice's command line:
 * <ul>
 * <li>no argument: the service, running its pipelines until stopped;</li>
 * <li>{@code run-once}: process what is in the input directories, print each pipeline's metrics, exit 0, or 1 if
 * a file failed or {@code sluice.run-once.timeout} passed;</li>
 * <li>{@code demo [records]}: write a sample (default 10,000 records) to {@code data/in}, then as run-once;
 * {@code demo orders [records]}: the same with sample shop orders, to the orders pipeline's input directory;</li>
 * <li>{@code sql [statement]}: run SQL on the sink database and print what it returns ({@link SqlCommand}); nothing
 * else is started;</li>
 * <li>{@code credentials <user> <roles>}: the configuration lines of an API user, its password asked for without
 * echo; nothing is started;</li>
 * <li>{@code dead-letters list|show|replay <pipeline>}: a running service's dead letters, through its API
 * ({@link DeadLettersCommand}); nothing is started.</li>
 * </ul>
 * Any other word, or {@code --help}, prints the usage and exits 2 without starting anything. A start ended by a
 * fault of the configuration ({@link ConfigurationException}: a routes file with a problem, a missing migrations
 * directory, ...) exits 2 with the reason, any other failed start 1.
 *
 * <p>
 * It is the entry point of Sluice's own jar through {@code quarkus.package.main-class}, not a {@code @QuarkusMain}:
 * an application that depends on Sluice as a library keeps its own main.
 */
@jakarta.inject.Singleton
public class SluiceMain implements QuarkusApplication {

    static final long DEMO_RECORDS = 10_000;
    static final double INACTIVE_SHARE = 0.3;
    static final long SEED = 42;

    @Inject
    RunOnce runOnce;

    @Inject
    Pipelines pipelines;

    @Inject
    SluiceConfig config;

    @Inject
    org.apache.camel.CamelContext camel;

    @Inject
    dev.sluice.dependency.Database database;

    @Inject
    dev.sluice.sink.TopicCaptures captures;

    @Inject
    dev.sluice.runtime.PipelineRuntimes runtimes;

    static final String USAGE = """
            usage: java -jar quarkus-run.jar [command]
              (none)                      run the service: every pipeline, until stopped
              run-once                    process what waits in the input directories, print the metrics, exit
              demo [records]              write sample telemetry to data/in, then run-once
              demo orders [records]       write sample shop orders to data/orders/in, then run-once
              sql [statement]             run SQL on the sink database (statements on standard input without one)
              validate [dir] [--connect]  check the pipelines of a routes directory without running them
              test [dir]                  run the fixture tests in <dir>/tests (default: the routes directory)
              credentials <user> <roles>  print the configuration lines of an API user (the password is asked for)
              dead-letters list|show|replay <pipeline> ...
                                          a running service's dead letters: list, show one, replay (dead-letters --help)""";

    public static void main(String... args) throws Exception {
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve", "run-once", "demo" -> Quarkus.run(SluiceMain.class, SluiceMain::exit, args);
            case "credentials" -> System.exit(credentials(args));
            case "sql" -> System.exit(SqlCommand.run(args));
            case "validate" -> System.exit(ValidateCommand.run(args));
            case "dead-letters" -> System.exit(DeadLettersCommand.run(args));
            case "test" -> {
                fixtureSettings(args);
                Quarkus.run(SluiceMain.class, SluiceMain::exit, args);
            }
            default -> {
                if (!command.equals("--help")) {
                    System.err.println("unknown command " + command);
                }
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }

    /** Exit code 2 with the reason when a configuration fault ended the start, else the code Quarkus gives. */
    private static void exit(int code, Throwable failure) {
        ConfigurationException fault = ConfigurationException.in(failure);
        if (fault != null) {
            System.err.println("Sluice does not start, its configuration has a fault: " + fault.getMessage());
            System.exit(ConfigurationException.EXIT_CODE);
        }
        if (failure != null) {
            // the log may be quiet (the test command logs errors of its cases only): the reason goes to stderr too
            System.err.println("Sluice does not start: " + rootCause(failure));
        }
        System.exit(code);
    }

    /** The innermost cause of {@code failure}: what a person can act on. */
    static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public int run(String... args) throws Exception {
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve" -> {
                Quarkus.waitForExit();
                return 0;
            }
            case "demo" -> {
                if (args.length > 1 && args[1].equals("orders")) {
                    long records = args.length > 2 ? Long.parseLong(args[2]) : DEMO_RECORDS;
                    Path dir = Path.of(config.pipelines().getOrDefault("orders", Map.of())
                            .getOrDefault("input-dir", "data/orders/in"));
                    SampleGenerator.Orders orders = SampleGenerator.writeOrders(dir.resolve("demo-orders.jsonl"), records,
                            SEED);
                    System.out.printf("Wrote %d sample orders to %s (%d paid orders, %d corrections of them, %d not "
                            + "paid, %d malformed)%n", orders.lines(), orders.file(), orders.paidOrders(),
                            orders.corrections(), orders.notPaid(), orders.malformed());
                    return runOnce();
                }
                long records = args.length > 1 ? Long.parseLong(args[1]) : DEMO_RECORDS;
                SampleGenerator.Sample sample = SampleGenerator.write(Path.of("data/in/demo-telemetry.jsonl"), records,
                        INACTIVE_SHARE, Math.max(1, records / 1000), SEED);
                System.out.printf("Wrote %d sample records to %s (%d active, %d inactive, %d malformed)%n",
                        sample.lines(), sample.file(), sample.active(), sample.inactive(), sample.malformed());
                return runOnce();
            }
            case "run-once" -> {
                return runOnce();
            }
            case "test" -> {
                Path routes = Path.of(config.routesDir());
                Path fixtures = config.fixturesDir().orElseThrow();
                int failed = new FixtureRunner(camel, database, captures, runtimes, fixtures, System.out)
                        .run(routes.resolve("tests"));
                return failed == 0 ? 0 : 1;
            }
            default -> throw new IllegalArgumentException("main dispatches only service commands here: " + command);
        }
    }

    /**
     * The fixture tests run the service on settings of their own, set before it starts: an in-memory H2 database,
     * pipelines reading from a directory of the run, topic sinks captured, no HTTP pipeline, ports of the system's
     * choosing.
     */
    private static void fixtureSettings(String... args) throws IOException {
        Path run = Files.createTempDirectory("sluice-test");
        if (args.length > 1) {
            System.setProperty("sluice.routes-dir", args[1]);
        }
        System.setProperty("sluice.fixtures-dir", run.resolve("in").toString());
        System.setProperty("sluice.db.url", "jdbc:h2:mem:sluice-test;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE");
        // the run's database is its own: Sluice makes its pipelines' role there (an empty value is no value)
        System.setProperty("sluice.db.username", "");
        System.setProperty("sluice.db.password", "");
        System.setProperty("sluice.db.pipelines-username", "");
        System.setProperty("sluice.db.pipelines-password", "");
        System.setProperty("sluice.dead-letter.dir", run.resolve("dlq").toString());
        System.setProperty("sluice.http.spool-dir", run.resolve("http").toString());
        System.setProperty("sluice.http.enabled", "false");
        // the run's own directories, and the configured roots: a reference file of a pipeline is read where it is
        String roots = Settings.load().getOptionalValue("sluice.security.file-roots", String.class).orElse("");
        System.setProperty("sluice.security.file-roots", roots.isBlank() ? run.toString() : roots + "," + run);
        System.setProperty("quarkus.http.port", "0");
        System.setProperty("quarkus.management.port", "0");
        // the cases' own dead letters and filtered records are what they test, not news
        System.setProperty("quarkus.log.level", "ERROR");
        System.setProperty("quarkus.log.category.\"dev.sluice\".level", "ERROR");
    }

    /**
     * Prints the two configuration lines of a user of the API, for the Secret sluice-users (docs/security.md). The
     * password is typed at a prompt that does not echo it (twice); without a terminal, it is the first line of
     * standard input (a file or a secret manager's output, never a command line).
     */
    private static int credentials(String... args) throws IOException {
        if (args.length != 3 || !args[1].matches("[A-Za-z0-9._-]{1,64}")) {
            System.err.println("usage: credentials <user: letters, digits, '.', '_', '-'> <roles, comma-separated: "
                    + "read, operate, ingest, ingest:<pipeline>>\nthe password is asked for without echo (or read "
                    + "from standard input when it is not a terminal)");
            return 2;
        }
        char[] password;
        java.io.Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password for %s: ", args[1]);
            char[] again = console.readPassword("The same again: ");
            if (password == null || again == null || !java.util.Arrays.equals(password, again)) {
                System.err.println("the two passwords differ");
                return 2;
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            System.err.println("no password given");
            return 2;
        }
        System.out.println("quarkus.security.users.embedded.users." + args[1] + "=" + PasswordHash.of(password));
        System.out.println("quarkus.security.users.embedded.roles." + args[1] + "=" + args[2]);
        return 0;
    }

    private int runOnce() throws InterruptedException {
        boolean drained = runOnce.awaitDrained(config.runOnce().timeout());
        for (PipelineReport report : pipelines.reports()) {
            if (report.recordsRead() > 0) {
                System.out.println();
                System.out.println(report.summary());
            }
        }
        if (runOnce.problem() != null) {
            System.err.println(runOnce.problem());
            return 1;
        }
        if (runOnce.failedFiles() > 0) {
            System.err.println(runOnce.failedFiles() + " input file(s) failed and stay in the input directory: see the log");
            return 1;
        }
        if (!drained) {
            System.err.println("Input not drained within sluice.run-once.timeout=" + config.runOnce().timeout());
            return 1;
        }
        return 0;
    }
}
