package dev.sluice.stage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Backoff;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.record.Json;
import dev.sluice.record.UnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.jboss.logging.Logger;

/**
 * A reference table for enrich stages, declared once in YAML and shared: rows by key, read from a CSV file (a real
 * CSV parser: quoted values, commas and quotes inside them) or a table of the sink database, with typed values.
 *
 * <pre>
 * - beans:
 *     - name: currencyRates
 *       type: dev.sluice.stage.ReferenceTable
 *       properties:
 *         source: "{{sluice.reference.currency-rates:classpath:reference/currency-rates.csv}}"
 *         key: currency
 *         types: "rate:decimal"
 *         reload: PT5M
 * </pre>
 *
 * <ul>
 * <li>{@code source}: {@code classpath:…}, {@code file:…} (or a path): a CSV file, UTF-8, with a header row;
 * {@code table:<name>}: a table of the sink database;</li>
 * <li>{@code key}: the column rows are looked up by (compared as text);</li>
 * <li>{@code types}: {@code column:type} pairs, comma-separated, for CSV columns that are not text: {@code integer},
 * {@code number}, {@code decimal} (exact), {@code boolean}; a database table's columns keep their SQL types;</li>
 * <li>{@code reload}: a duration ({@code PT5M}): read again that long after the last read; {@code on-change}: read
 * again when the file's modification time changed; unset: read once. A reload that fails keeps the rows it had.</li>
 * </ul>
 * It is read at the first record that needs it; while it cannot be read at all (database down, file missing) that
 * record waits, retried like a sink, and readiness says why.
 */
public class ReferenceTable implements CamelContextAware {

    private static final Logger LOG = Logger.getLogger(ReferenceTable.class);
    private static final CsvMapper CSV = new CsvMapper();

    /** The rows, as read at one time. */
    private record Snapshot(Map<String, Map<String, Object>> rows, long readNanos, long modified, Map<String, ObjectNode> json) {
    }

    private CamelContext camel;
    private String source;
    private String key;
    private Map<String, FieldType> types = Map.of();
    private String reload;
    private volatile Snapshot snapshot;

    public void setSource(String source) {
        this.source = source;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public void setTypes(String types) {
        Map<String, FieldType> parsed = new HashMap<>();
        for (JsonRecordParser.FieldSpec spec : JsonRecordParser.FieldSpec.parseList(types)) {
            parsed.put(spec.name(), spec.type());
        }
        this.types = Map.copyOf(parsed);
    }

    public void setReload(String reload) {
        this.reload = reload == null || reload.isBlank() ? null : reload.trim();
        if (this.reload != null && !this.reload.equals("on-change")) {
            Duration.parse(this.reload); // a typo fails when the bean is made, not at the first record
        }
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    public String source() {
        return source;
    }

    /** Reads from {@code source} from now on (the fixture tests' overrides): the rows read before are dropped. */
    public synchronized void use(String source) {
        this.source = source;
        this.snapshot = null;
    }

    /**
     * What keeps this table from being read now, or null: its file is missing or not valid CSV of its key and types.
     * A {@code table:} source is read from the database, which is not checked here.
     */
    public String verify() {
        if (source == null || key == null) {
            return "a reference table needs a source and a key";
        }
        if (source.startsWith("table:")) {
            return null;
        }
        try (InputStream in = open()) {
            readCsv(in, key, types);
            return null;
        } catch (IOException | RuntimeException e) {
            return source + ": " + e.getMessage();
        }
    }

    /** The row of {@code key}, or null. */
    public Map<String, Object> row(Object key) throws UnavailableException {
        return key == null ? null : current().rows().get(key.toString());
    }

    /**
     * The table as a JSON object, for jq: from key to the value of {@code column}, or to the whole row when
     * {@code column} is null.
     */
    public ObjectNode asJson(String column) throws UnavailableException {
        Snapshot current = current();
        return current.json().computeIfAbsent(column == null ? "" : column, c -> {
            ObjectNode object = Json.MAPPER.createObjectNode();
            current.rows().forEach((k, row) -> object.set(k, Json.MAPPER.valueToTree(column == null ? row : row.get(column))));
            return object;
        });
    }

    private Snapshot current() throws UnavailableException {
        Snapshot current = snapshot;
        if (current == null) {
            synchronized (this) {
                current = snapshot;
                if (current == null) {
                    current = readWithRetries();
                    snapshot = current;
                }
            }
        } else if (due(current)) {
            synchronized (this) {
                if (snapshot == current) {
                    try {
                        snapshot = read();
                        LOG.infof("Reloaded %d rows of reference %s", snapshot.rows().size(), source);
                    } catch (IOException | SQLException | RuntimeException e) {
                        // keep the rows it had; try again at the next due time
                        snapshot = new Snapshot(current.rows(), System.nanoTime(), current.modified(), current.json());
                        LOG.warnf("Cannot reload reference %s, keeping the rows read before: %s", source, e.getMessage());
                    }
                }
                current = snapshot;
            }
        }
        return current;
    }

    private boolean due(Snapshot current) {
        if (reload == null) {
            return false;
        }
        if (reload.equals("on-change")) {
            Path file = file();
            return file != null && modified(file) != current.modified();
        }
        return System.nanoTime() - current.readNanos() > Duration.parse(reload).toNanos();
    }

    private Snapshot readWithRetries() throws UnavailableException {
        DependencyHealth health = camel == null ? null : camel.getRegistry().findSingleByType(DependencyHealth.class);
        if (health == null) { // outside the service (a unit test, the fixture runner): no one to wait for
            try {
                return read();
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("Cannot load reference " + source + ": " + e.getMessage(), e);
            }
        }
        Backoff backoff = new Backoff(camel.getRegistry().findSingleByType(SluiceConfig.class).retry());
        String name = "reference " + source;
        while (true) {
            try {
                Snapshot read = read();
                health.ok(name);
                LOG.infof("Loaded %d rows of %s", read.rows().size(), name);
                return read;
            } catch (IOException | SQLException e) {
                health.failing(name, e);
                LOG.warnf("Cannot load %s, retrying in %d ms: %s", name, backoff.next().toMillis(), e.getMessage());
                backoff.pause(camel, name, e);
            }
        }
    }

    private Snapshot read() throws IOException, SQLException {
        if (source == null || key == null) {
            throw new IllegalStateException("a reference table needs a source and a key");
        }
        Map<String, Map<String, Object>> rows;
        long modified = 0;
        if (source.startsWith("table:")) {
            rows = readTable(camel.getRegistry().findSingleByType(Database.class), source.substring("table:".length()), key);
        } else {
            Path file = file();
            modified = file == null ? 0 : modified(file);
            try (InputStream in = open()) {
                rows = readCsv(in, key, types);
            }
        }
        return new Snapshot(rows, System.nanoTime(), modified, new ConcurrentHashMap<>());
    }

    private Path file() {
        if (source.startsWith("classpath:") || source.startsWith("table:")) {
            return null;
        }
        return Path.of(source.startsWith("file:") ? source.substring("file:".length()) : source);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private InputStream open() throws IOException {
        if (source.startsWith("classpath:")) {
            String path = source.substring("classpath:".length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path);
            if (in == null) {
                throw new IOException("Reference table " + source + " not found on the classpath");
            }
            return in;
        }
        return Files.newInputStream(file());
    }

    /** The rows of a CSV with a header row, by the text of their {@code key} column, typed as {@code types} says. */
    static Map<String, Map<String, Object>> readCsv(InputStream in, String key, Map<String, FieldType> types)
            throws IOException {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
        BufferedReader text = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        text.mark(1);
        if (text.read() < 0) {
            throw new IOException("Reference CSV is empty: it needs a header row naming its columns");
        }
        text.reset();
        try (MappingIterator<Map<String, String>> lines = CSV.readerFor(Map.class).with(schema).readValues(text)) {
            List<String> header = null;
            while (lines.hasNext()) {
                Map<String, String> line = lines.next();
                if (header == null) {
                    header = List.copyOf(line.keySet());
                    if (!line.containsKey(key)) {
                        throw new IOException("Reference CSV header " + header + " lacks the key column " + key);
                    }
                    for (String typed : types.keySet()) {
                        if (!line.containsKey(typed)) {
                            throw new IOException("Reference CSV header " + header + " lacks the typed column " + typed);
                        }
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (Map.Entry<String, String> cell : line.entrySet()) {
                    row.put(cell.getKey(), typed(cell.getKey(), cell.getValue().trim(), types.get(cell.getKey())));
                }
                rows.put(String.valueOf(row.get(key)), row);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("Reference CSV is not valid CSV: " + e.getOriginalMessage(), e);
        }
        return Map.copyOf(rows);
    }

    static Object typed(String column, String text, FieldType type) throws IOException {
        if (type == null || type == FieldType.STRING) {
            return text;
        }
        if (text.isEmpty()) {
            return null;
        }
        try {
            return switch (type) {
                case INTEGER -> Long.parseLong(text);
                case NUMBER -> Double.parseDouble(text);
                case DECIMAL -> new BigDecimal(text);
                case BOOLEAN -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new NumberFormatException();
                };
                default -> text;
            };
        } catch (NumberFormatException e) {
            throw new IOException("Reference CSV column " + column + " holds '" + text + "', not " + type.describe());
        }
    }

    private static Map<String, Map<String, Object>> readTable(Database database, String table, String key)
            throws SQLException {
        // the name comes from the pipeline definition, never from records; checked as a plain identifier anyway
        String sql = "SELECT * FROM " + Database.plainIdentifier(table);
        Map<String, Map<String, Object>> rows = new HashMap<>();
        try (Connection connection = database.connection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value instanceof Number || value instanceof Boolean
                            || value == null ? value : value.toString());
                }
                Object keyValue = row.get(key.toLowerCase(Locale.ROOT));
                if (keyValue == null && !row.containsKey(key.toLowerCase(Locale.ROOT))) {
                    throw new SQLException("Reference table " + table + " has no column " + key);
                }
                rows.put(String.valueOf(keyValue), row);
            }
        }
        return Map.copyOf(rows);
    }
}
