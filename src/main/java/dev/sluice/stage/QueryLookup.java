package dev.sluice.stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Backoff;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.record.InvalidRecordException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * An enrich stage that looks values up with a query of the sink database: {@code query} is one SELECT whose
 * {@code :field} marks are bound, as parameters, to the record's fields; the columns of its first row are added to the
 * record under their names (lower case), or nothing when it returns no row. Rows found are kept per parameter values,
 * up to {@code cacheSize} of them (default 10,000; 0 keeps none); a query that found no row is asked again.
 *
 * <pre>
 * - beans:
 *     - name: carrierOfZone
 *       type: dev.sluice.stage.QueryLookup
 *       properties:
 *         query: "SELECT carrier, max_kg FROM carriers WHERE zone = :zone"
 * </pre>
 *
 * A record without a field a mark names is dead-lettered; while the database does not answer, the record waits,
 * retried like a sink, and readiness says why.
 */
public class QueryLookup implements PipelineStage, CamelContextAware {

    private static final Pattern MARK = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)");

    private CamelContext camel;
    private String name = "query";
    private String sql;
    private List<String> fields = List.of();
    private int cacheSize = 10_000;
    private Map<List<Object>, Map<String, Object>> cache = lru(cacheSize);

    /**
     * The SELECT, with {@code :field} marks; {@code ::type} casts are left alone. Only a read-only SELECT is taken
     * ({@link ReadOnlyQuery}).
     */
    public void setQuery(String query) {
        String wrong = ReadOnlyQuery.problem(query);
        if (wrong != null) {
            throw new IllegalArgumentException(wrong);
        }
        List<String> marks = new ArrayList<>();
        Matcher m = MARK.matcher(query);
        StringBuilder jdbc = new StringBuilder();
        while (m.find()) {
            marks.add(m.group(1));
            m.appendReplacement(jdbc, "?");
        }
        m.appendTail(jdbc);
        this.sql = jdbc.toString();
        this.fields = List.copyOf(marks);
    }

    public void setCacheSize(int cacheSize) {
        this.cacheSize = cacheSize;
        this.cache = lru(cacheSize);
    }

    /** The stage's name in dead letters and the stage metrics (default {@code query}). */
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setCamelContext(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) throws Exception {
        if (sql == null) {
            throw new IllegalStateException("query stage " + name + " has no query");
        }
        List<Object> values = new ArrayList<>(fields.size());
        for (String field : fields) {
            Object value = record.get(field);
            if (value == null) {
                throw new InvalidRecordException("query " + name + " needs the field '" + field + "', which the record "
                        + "lacks");
            }
            values.add(value);
        }
        Map<String, Object> found = cacheSize > 0 ? cache.get(values) : null;
        if (found == null) {
            found = queryWithRetries(values);
            // a miss is asked again next time: the row a user adds after a dead letter must count on its replay
            if (cacheSize > 0 && !found.isEmpty()) {
                cache.put(values, found);
            }
        }
        record.putAll(found);
        return record;
    }

    private Map<String, Object> queryWithRetries(List<Object> values) throws Exception {
        Database database = camel.getRegistry().findSingleByType(Database.class);
        DependencyHealth health = camel.getRegistry().findSingleByType(DependencyHealth.class);
        Backoff backoff = new Backoff(camel.getRegistry().findSingleByType(SluiceConfig.class).retry());
        String dependency = "query " + name;
        while (true) {
            try {
                Map<String, Object> row = query(database, values);
                health.ok(dependency);
                return row;
            } catch (SQLException e) {
                if (e.getSQLState() != null && (e.getSQLState().startsWith("22") || e.getSQLState().startsWith("42"))) {
                    // the query itself, or this record's values, are at fault: waiting changes nothing
                    throw new InvalidRecordException("query " + name + " failed (SQLState " + e.getSQLState() + "): "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
                health.failing(dependency, e);
                backoff.pause(camel, dependency, e);
            }
        }
    }

    private Map<String, Object> query(Database database, List<Object> values) throws SQLException {
        try (Connection connection = database.connection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Map.of();
                }
                ResultSetMetaData meta = result.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value instanceof Number || value instanceof Boolean
                            || value == null ? value : value.toString());
                }
                return Collections.unmodifiableMap(row);
            }
        }
    }

    private static Map<List<Object>, Map<String, Object>> lru(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Object>, Map<String, Object>> eldest) {
                return size() > capacity;
            }
        });
    }
}
