package dev.sluice.stage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Backoff;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.record.UnavailableException;
import dev.sluice.dependency.Database;
import dev.sluice.record.RecordOrigin;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.jboss.logging.Logger;

/**
 * An enrich stage: adds {@code targetField}, looked up by the value of {@code keyField} in a reference table,
 * or {@code defaultValue} when the key is unknown. The table is loaded once, at the first record, and cached.
 *
 * <p>
 * {@code reference} says where the table is:
 * <ul>
 * <li>{@code classpath:reference/robot-regions.csv} or {@code file:/path/to/regions.csv}: a CSV file with a header
 * row, UTF-8, comma-separated, values optionally in double quotes (no commas inside values);</li>
 * <li>{@code table:robot_regions}: a table of the sink database.</li>
 * </ul>
 * {@code keyColumn} and {@code valueColumn} name the columns to read (default: {@code keyField} and
 * {@code targetField}). While the table cannot be loaded (database down, file missing) the stage waits and retries
 * like a sink, and readiness says why; records are never dead-lettered for it.
 */
public class ReferenceLookup implements Processor {

    private static final Logger LOG = Logger.getLogger(ReferenceLookup.class);

    private String reference;
    private String keyField;
    private String targetField;
    private String keyColumn;
    private String valueColumn;
    private String defaultValue;
    private volatile Map<String, String> table;

    public void setReference(String reference) {
        this.reference = reference;
    }

    public void setKeyField(String keyField) {
        this.keyField = keyField;
    }

    public void setTargetField(String targetField) {
        this.targetField = targetField;
    }

    public void setKeyColumn(String keyColumn) {
        this.keyColumn = keyColumn;
    }

    public void setValueColumn(String valueColumn) {
        this.valueColumn = valueColumn;
    }

    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        RecordOrigin origin = RecordOrigin.of(exchange);
        String outcome = "failed";
        try {
            Map<String, Object> record = exchange.getIn().getMandatoryBody(Map.class);
            Object key = record.get(keyField);
            String value = key == null ? null : table(exchange.getContext()).get(key.toString());
            record.put(targetField, value != null ? value : defaultValue);
            outcome = "out";
        } finally {
            if (origin != null) {
                origin.stats().stage("lookup " + targetField, outcome);
            }
        }
    }

    /** The cached table, loaded on first use. */
    Map<String, String> table(CamelContext context) throws UnavailableException {
        Map<String, String> loaded = table;
        if (loaded == null) {
            synchronized (this) {
                loaded = table;
                if (loaded == null) {
                    loaded = loadWithRetries(context);
                    table = loaded;
                }
            }
        }
        return loaded;
    }

    private Map<String, String> loadWithRetries(CamelContext context) throws UnavailableException {
        DependencyHealth health = context.getRegistry().findSingleByType(DependencyHealth.class);
        Backoff backoff = new Backoff(context.getRegistry().findSingleByType(SluiceConfig.class).retry());
        String name = "reference " + reference;
        while (true) {
            try {
                Map<String, String> loaded = load(context);
                health.ok(name);
                LOG.infof("Loaded %d entries of %s", loaded.size(), name);
                return loaded;
            } catch (IOException | SQLException e) {
                health.failing(name, e);
                LOG.warnf("Cannot load %s, retrying in %d ms: %s", name, backoff.next().toMillis(), e.getMessage());
                backoff.pause(context, name, e);
            }
        }
    }

    private Map<String, String> load(CamelContext context) throws IOException, SQLException {
        String keyCol = keyColumn != null ? keyColumn : keyField;
        String valueCol = valueColumn != null ? valueColumn : targetField;
        if (reference.startsWith("table:")) {
            Database database = context.getRegistry().findSingleByType(Database.class);
            return loadTable(database, reference.substring("table:".length()), keyCol, valueCol);
        }
        try (InputStream in = open(reference)) {
            return loadCsv(in, keyCol, valueCol);
        }
    }

    private InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String path = location.substring("classpath:".length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path);
            if (in == null) {
                throw new IOException("Reference table " + location + " not found on the classpath");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location.startsWith("file:") ? location.substring(5) : location));
    }

    static Map<String, String> loadCsv(InputStream in, String keyColumn, String valueColumn) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null) {
            throw new IOException("Reference CSV is empty");
        }
        List<String> columns = Arrays.asList(splitCsv(header));
        int keyIndex = columns.indexOf(keyColumn);
        int valueIndex = columns.indexOf(valueColumn);
        if (keyIndex < 0 || valueIndex < 0) {
            throw new IOException("Reference CSV header " + columns + " lacks column " + keyColumn + " or " + valueColumn);
        }
        Map<String, String> table = new HashMap<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = splitCsv(line);
            if (cells.length > Math.max(keyIndex, valueIndex)) {
                table.put(cells[keyIndex], cells[valueIndex]);
            }
        }
        return Map.copyOf(table);
    }

    private static String[] splitCsv(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].trim();
            if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
                cell = cell.substring(1, cell.length() - 1);
            }
            cells[i] = cell;
        }
        return cells;
    }

    private static Map<String, String> loadTable(Database database, String tableName, String keyColumn,
            String valueColumn) throws SQLException {
        // Names come from the pipeline definition, never from records; quote them as identifiers anyway.
        String sql = "SELECT " + Database.plainIdentifier(keyColumn) + ", " + Database.plainIdentifier(valueColumn) + " FROM "
                + Database.plainIdentifier(tableName);
        Map<String, String> table = new HashMap<>();
        try (Connection connection = database.connection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                table.put(rows.getString(1), rows.getString(2));
            }
        }
        return Map.copyOf(table);
    }
}
