package dev.sluice.app;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.KafkaProducers;
import dev.sluice.routes.PipelineCheck;
import dev.sluice.routes.RoutesGuard;
import dev.sluice.sink.SinkUris;
import io.smallrye.config.SmallRyeConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code validate [routes-dir] [--connect]}: every check start-up makes ({@link PipelineCheck}), without starting
 * anything: no HTTP server, no pipeline, no bean of the application. Prints every problem as
 * {@code file:line:column: message} and exits 1, or one line per pipeline and exits 0. With {@code --connect} it also
 * checks that the database answers and holds each table sink's table with the columns its options need, and that the
 * brokers answer when a pipeline uses Kafka.
 */
final class ValidateCommand {

    private ValidateCommand() {
    }

    static int run(String... args) throws Exception {
        long started = System.nanoTime();
        boolean connect = false;
        String dir = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--connect")) {
                connect = true;
            } else if (dir == null && !args[i].startsWith("--")) {
                dir = args[i];
            } else {
                System.err.println("usage: validate [routes-dir] [--connect]");
                return 2;
            }
        }
        SmallRyeConfig settings = Settings.load();
        SluiceConfig config = settings.getConfigMapping(SluiceConfig.class);
        Path routes = Path.of(dir != null ? dir : config.routesDir());
        PipelineCheck.Result result = RoutesGuard.check(config, name -> settings.getRawValue(name),
                settings.getPropertyNames(), routes);
        List<String> problems = new ArrayList<>(result.problems().stream().map(Object::toString).toList());
        problems.addAll(result.unreadSettings());
        if (connect && problems.isEmpty()) {
            problems.addAll(connected(config, settings, result));
        }
        if (!problems.isEmpty()) {
            problems.forEach(System.out::println);
            System.out.printf("%d problem(s) in %s%n", problems.size(), routes);
            return 1;
        }
        result.warnings().forEach(warning -> System.out.println("warning: " + warning));
        result.pipelines().forEach(System.out::println);
        System.out.printf("%d pipeline(s) in %s valid%s (%.1f s)%n", result.pipelines().size(), routes,
                connect ? ", database and brokers answer" : "", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** The database and brokers the pipelines need, as they are now. */
    private static List<String> connected(SluiceConfig config, SmallRyeConfig settings, PipelineCheck.Result result) {
        List<String> problems = new ArrayList<>();
        List<String> tables = result.sinks().stream().filter(s -> s.startsWith("sluice-table:")).toList();
        if (!tables.isEmpty()) {
            try (Connection connection = DriverManager.getConnection(config.db().url(),
                    config.db().username().orElse(null), config.db().password().orElse(null))) {
                for (String table : tables) {
                    String wrong = SinkUris.tableProblem(connection, table);
                    if (wrong != null) {
                        problems.add("database: " + wrong + " (are the migrations applied? the service applies them "
                                + "at start-up)");
                    }
                }
            } catch (SQLException e) {
                problems.add("database " + config.db().url().replaceFirst("\\?.*", "") + " does not answer: "
                        + e.getMessage());
            }
        }
        if (result.usesKafka()) {
            // the brokers as the pipelines' consumers (camel.component.kafka.brokers) and Sluice's producers see them
            Set<String> brokers = new LinkedHashSet<>();
            brokers.add(settings.getOptionalValue("camel.component.kafka.brokers", String.class)
                    .orElse(config.kafka().bootstrapServers()));
            brokers.add(config.kafka().bootstrapServers());
            for (String servers : brokers) {
                Properties properties = new Properties();
                properties.putAll(KafkaProducers.security(config.kafka()));
                properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
                // the API timeout may not be below the request timeout (30 s by default): the client refuses to start
                properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
                properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
                try (Admin admin = Admin.create(properties)) {
                    admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problems.add("brokers " + servers + " do not answer within 10 s: " + SluiceMain.rootCause(e));
                }
            }
        }
        return problems;
    }
}
