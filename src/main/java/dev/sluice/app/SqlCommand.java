package dev.sluice.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sluice.config.SluiceConfig;
import io.smallrye.config.SmallRyeConfig;

/**
 * {@code sql [statement]}: runs SQL on the sink database the service is configured with ({@code sluice.db.url},
 * {@code username}, {@code password}, from the environment, system properties, {@code config/application.properties}
 * or the packaged defaults) and prints what it returns as a table; without a statement, the statements on standard
 * input, one per {@code ;}. Starts nothing else: no HTTP server, no pipeline. It connects as the owner of the tables
 * ({@code sluice.db.username}); the embedded H2 database is the service's alone while it runs, so stop the service
 * first. Exit 0, or 1 when a statement fails.
 */
final class SqlCommand {

    private SqlCommand() {
    }

    static int run(String... args) throws IOException {
        SmallRyeConfig config = Settings.load();
        String url = config.getOptionalValue("sluice.db.url", String.class).orElse(SluiceConfig.Db.H2_FILE);
        List<String> statements = new ArrayList<>();
        if (args.length > 1) {
            statements.add(String.join(" ", List.of(args).subList(1, args.length)));
        } else {
            StringBuilder input = new StringBuilder();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                input.append(line).append('\n');
            }
            for (String statement : input.toString().split(";")) {
                if (!statement.isBlank()) {
                    statements.add(statement.trim());
                }
            }
        }
        try (Connection connection = DriverManager.getConnection(url,
                config.getOptionalValue("sluice.db.username", String.class).orElse(null),
                config.getOptionalValue("sluice.db.password", String.class).orElse(null));
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                if (statement.execute(sql)) {
                    try (ResultSet result = statement.getResultSet()) {
                        print(result, System.out);
                    }
                } else {
                    System.out.println("(" + statement.getUpdateCount() + " rows changed)");
                }
            }
            return 0;
        } catch (SQLException e) {
            System.err.println("sql: " + e.getMessage().lines().findFirst().orElse("") + " (SQLState " + e.getSQLState()
                    + ")");
            return 1;
        }
    }

    /** The rows as an aligned text table, then their count. */
    static void print(ResultSet result, PrintStream out) throws SQLException {
        ResultSetMetaData meta = result.getMetaData();
        int columns = meta.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns];
        int[] widths = new int[columns];
        for (int c = 0; c < columns; c++) {
            header[c] = meta.getColumnLabel(c + 1).toLowerCase(Locale.ROOT);
            widths[c] = header[c].length();
        }
        while (result.next()) {
            String[] row = new String[columns];
            for (int c = 0; c < columns; c++) {
                Object value = result.getObject(c + 1);
                row[c] = value == null ? "" : value.toString();
                widths[c] = Math.max(widths[c], row[c].length());
            }
            rows.add(row);
        }
        out.println(line(header, widths));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < columns; c++) {
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
        }
        out.println(rule);
        rows.forEach(row -> out.println(line(row, widths)));
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            line.append(c == 0 ? "" : " | ").append(String.format("%-" + widths[c] + "s", cells[c]));
        }
        return line.toString().stripTrailing();
    }
}
