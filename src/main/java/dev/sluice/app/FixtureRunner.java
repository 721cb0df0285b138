package dev.sluice.app;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.dependency.Database;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.record.Json;
import dev.sluice.sink.TopicCaptures;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.stage.ReferenceTable;
import org.apache.camel.CamelContext;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs the fixture tests of a routes directory ({@code <routes-dir>/tests/*.yaml}, docs/pipelines.md "Testing a
 * pipeline") on the real pipelines: the service runs with an in-memory H2 database, every pipeline reads its input
 * from a directory of the run ({@code sluice.fixtures-dir}), topic sinks are captured instead of sent. Each case
 * names a pipeline, gives its input records (and reference tables to use instead of the pipeline's), and expects
 * rows per table, records per topic, the filtered count and the dead letters; a case passes when all match.
 */
final class FixtureRunner {

    static final Duration CASE_TIMEOUT = Duration.ofSeconds(60);

    private final CamelContext camel;
    private final Database database;
    private final TopicCaptures topics;
    private final PipelineRuntimes runtimes;
    private final Path input;
    private final PrintStream out;

    FixtureRunner(CamelContext camel, Database database, TopicCaptures topics, PipelineRuntimes runtimes, Path input,
            PrintStream out) {
        this.camel = camel;
        this.database = database;
        this.topics = topics;
        this.runtimes = runtimes;
        this.input = input;
        this.out = out;
    }

    /** Runs every case under {@code tests}; the number that failed. */
    int run(Path tests) throws Exception {
        List<Path> cases;
        try (Stream<Path> files = Files.walk(tests)) {
            cases = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        if (cases.isEmpty()) {
            out.println("no fixture tests in " + tests);
            return 1;
        }
        int failed = 0;
        for (Path file : cases) {
            Outcome outcome;
            try {
                outcome = runCase(file);
            } catch (Exception e) {
                outcome = new Outcome(List.of("could not run: " + e.getMessage()), Map.of());
            }
            String name = tests.relativize(file).toString();
            if (outcome.diff().isEmpty()) {
                out.println("PASS " + name);
            } else {
                failed++;
                out.println("FAIL " + name);
                outcome.diff().forEach(line -> out.println("  " + line));
            }
            if (!outcome.dropped().isEmpty()) {
                out.println("  fields dropped (no column takes them): " + outcome.dropped().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            }
        }
        out.printf("%d passed, %d failed%n", cases.size() - failed, failed);
        return failed;
    }

    /** A case's differences from its expectations, and the fields its input lost to unmapped: drop, by name. */
    private record Outcome(List<String> diff, Map<String, Long> dropped) {
    }

    private Outcome runCase(Path file) throws Exception {
        JsonNode spec = Json.MAPPER.valueToTree(new Load(LoadSettings.builder().setLabel(file.toString()).build())
                .loadFromString(Files.readString(file, StandardCharsets.UTF_8)));
        String pipeline = text(spec, "pipeline");
        if (runtimes.find(pipeline).isEmpty()) {
            return new Outcome(List.of("no pipeline " + pipeline + " in the routes directory"), Map.of());
        }
        JsonNode expect = spec.path("expect");
        Map<String, Runnable> restore = overrideReferences(spec.path("references"), file.getParent());
        try {
            for (var tables = expect.path("tables").fieldNames(); tables.hasNext();) {
                execute("DELETE FROM " + Database.plainIdentifier(tables.next()));
            }
            topics.clear();
            forgetDeadLetters(pipeline);
            PipelineStats stats = runtimes.get(pipeline).stats();
            long filtered = stats.recordsFiltered();
            long settledBefore = stats.recordsRead();
            Map<String, Long> droppedBefore = stats.fieldsDroppedByName();

            Path dir = Files.createDirectories(input.resolve(pipeline));
            String name = file.getFileName().toString().replaceFirst("\\.yaml$", "") + ".jsonl";
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.write(tmp, records(spec, file.getParent()));
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            awaitGone(dir.resolve(name));

            List<String> diff = new ArrayList<>();
            for (var tables = expect.path("tables").fields(); tables.hasNext();) {
                var table = tables.next();
                compareRows(table.getKey(), table.getValue(), diff);
            }
            for (var expected = expect.path("topics").fields(); expected.hasNext();) {
                var topic = expected.next();
                compareTopic(topic.getKey(), topic.getValue(), diff);
            }
            if (expect.has("filtered")) {
                long got = stats.recordsFiltered() - filtered;
                if (got != expect.get("filtered").asLong()) {
                    diff.add("filtered: expected " + expect.get("filtered").asLong() + ", got " + got);
                }
            }
            if (expect.has("deadLetters")) {
                compareDeadLetters(expect.get("deadLetters"), deadLetters(pipeline), diff);
            }
            if (stats.recordsRead() == settledBefore) {
                diff.add("the pipeline read no record of the input");
            }
            Map<String, Long> dropped = new TreeMap<>();
            stats.fieldsDroppedByName().forEach((field, count) -> {
                long added = count - droppedBefore.getOrDefault(field, 0L);
                if (added > 0) {
                    dropped.put(field, added);
                }
            });
            return new Outcome(diff, dropped);
        } finally {
            restore.values().forEach(Runnable::run);
        }
    }

    /** The input lines: {@code input} (strings as they are, objects as JSON) and/or {@code inputFile}. */
    private static byte[] records(JsonNode spec, Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        if (spec.has("inputFile")) {
            lines.append(Files.readString(dir.resolve(text(spec, "inputFile")), StandardCharsets.UTF_8));
            if (lines.length() > 0 && lines.charAt(lines.length() - 1) != '\n') {
                lines.append('\n');
            }
        }
        for (JsonNode record : spec.path("input")) {
            lines.append(record.isTextual() ? record.textValue() : Json.MAPPER.writeValueAsString(record)).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Points each named reference bean at the case's CSV; what undoes it. */
    private Map<String, Runnable> overrideReferences(JsonNode references, Path dir) {
        Map<String, Runnable> restore = new LinkedHashMap<>();
        for (var entries = references.fields(); entries.hasNext();) {
            var entry = entries.next();
            Object bean = camel.getRegistry().lookupByName(entry.getKey());
            String source = "file:" + dir.resolve(entry.getValue().asText()).toAbsolutePath();
            if (bean instanceof ReferenceTable table) {
                String before = table.source();
                table.use(source);
                restore.put(entry.getKey(), () -> table.use(before));
            } else if (bean instanceof ReferenceLookup lookup) {
                String before = lookup.reference();
                lookup.use(source);
                restore.put(entry.getKey(), () -> lookup.use(before));
            } else {
                throw new IllegalArgumentException("references: " + entry.getKey() + " is no ReferenceTable or "
                        + "ReferenceLookup bean");
            }
        }
        return restore;
    }

    private void awaitGone(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + CASE_TIMEOUT.toNanos();
        while (Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline did not finish its input within " + CASE_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    private void compareRows(String table, JsonNode expected, List<String> diff) throws SQLException {
        JsonNode rows = expected.isArray() ? expected : expected.path("rows");
        String orderBy = expected.path("orderBy").asText(null);
        List<Map<String, Object>> actual = query("SELECT * FROM " + Database.plainIdentifier(table)
                + (orderBy == null ? "" : " ORDER BY " + Database.plainIdentifier(orderBy)));
        List<Map<String, Object>> left = new ArrayList<>(actual);
        List<String> missing = new ArrayList<>();
        int position = 0;
        for (JsonNode row : rows) {
            int match = -1;
            for (int i = 0; i < left.size(); i++) {
                if ((orderBy == null || i == 0) && matches(row, left.get(i))) {
                    match = i;
                    break;
                }
            }
            if (match < 0) {
                missing.add((orderBy == null ? "" : "#" + (position + 1) + " ") + Json.MAPPER.valueToTree(row));
            } else {
                left.remove(match);
            }
            position++;
        }
        missing.forEach(row -> diff.add("table " + table + ": expected row " + row + " not found"));
        for (Map<String, Object> row : left) {
            diff.add("table " + table + ": unexpected row " + shown(row, rows));
        }
    }

    private void compareTopic(String topic, JsonNode expected, List<String> diff) {
        List<TopicCaptures.Message> got = topics.messages(topic);
        int i = 0;
        for (JsonNode message : expected) {
            if (i >= got.size()) {
                diff.add("topic " + topic + ": expected message #" + (i + 1) + " " + message + ", none sent");
            } else {
                TopicCaptures.Message actual = got.get(i);
                JsonNode value = Json.parseTree(actual.value());
                boolean keyOk = !message.has("key") || message.get("key").asText().equals(actual.key());
                if (!keyOk || !matches(message.path("value"), Json.MAPPER.convertValue(value, Map.class))) {
                    diff.add("topic " + topic + ": message #" + (i + 1) + " expected " + message + ", got {\"key\":\""
                            + actual.key() + "\",\"value\":" + actual.value() + "}");
                }
            }
            i++;
        }
        for (; i < got.size(); i++) {
            diff.add("topic " + topic + ": unexpected message #" + (i + 1) + " key " + got.get(i).key() + " "
                    + got.get(i).value());
        }
    }

    /** The pipeline's dead letters, in the order they were stored (a case's are few). */
    private List<JsonNode> deadLetters(String pipeline) throws SQLException, IOException {
        List<JsonNode> letters = new ArrayList<>();
        try (Connection connection = database.ownerConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT entry FROM sluice_dead_letters WHERE pipeline = ? ORDER BY seq")) {
            select.setString(1, pipeline);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    letters.add(Json.OWN.readTree(result.getString(1)));
                }
            }
        }
        return letters;
    }

    private void forgetDeadLetters(String pipeline) throws SQLException {
        try (Connection connection = database.ownerConnection(); PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM sluice_dead_letters WHERE pipeline = ?")) {
            delete.setString(1, pipeline);
            delete.executeUpdate();
        }
    }

    private static void compareDeadLetters(JsonNode expected, List<JsonNode> got, List<String> diff) {
        int i = 0;
        for (JsonNode letter : expected) {
            if (i >= got.size()) {
                diff.add("dead letter #" + (i + 1) + " expected " + letter + ", none");
            } else {
                for (var fields = letter.fields(); fields.hasNext();) {
                    var field = fields.next();
                    JsonNode actual = got.get(i).path(field.getKey());
                    if (!field.getValue().asText().equals(actual.asText())) {
                        diff.add("dead letter #" + (i + 1) + " " + field.getKey() + ": expected '"
                                + field.getValue().asText() + "', got '" + actual.asText() + "'");
                    }
                }
            }
            i++;
        }
        for (; i < got.size(); i++) {
            diff.add("unexpected dead letter #" + (i + 1) + ": line " + got.get(i).path("line").asText() + ", stage "
                    + got.get(i).path("stage").asText() + ": " + got.get(i).path("reason").asText());
        }
    }

    /** True when every field the expected row names has that value in the actual row. */
    private static boolean matches(JsonNode expected, Map<?, ?> actual) {
        for (var fields = expected.fields(); fields.hasNext();) {
            var field = fields.next();
            if (!same(field.getValue(), actual.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A value as written in YAML against one from the database or a message: numbers by value, times by instant. */
    static boolean same(JsonNode expected, Object actual) {
        if (expected == null || expected.isNull()) {
            return actual == null;
        }
        if (actual == null) {
            return false;
        }
        if (actual instanceof Number || actual instanceof BigDecimal) {
            try {
                return new BigDecimal(expected.asText()).compareTo(new BigDecimal(actual.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (actual instanceof Timestamp || actual instanceof OffsetDateTime) {
            try {
                return OffsetDateTime.parse(expected.asText()).toInstant().equals(actual instanceof Timestamp t
                        ? t.toInstant() : ((OffsetDateTime) actual).toInstant());
            } catch (RuntimeException e) {
                return false;
            }
        }
        if (actual instanceof Map || actual instanceof List) {
            return expected.equals(Json.MAPPER.valueToTree(actual));
        }
        return Objects.equals(expected.asText(), actual.toString());
    }

    /** The columns of a row that the expected rows name, or all when they name none. */
    private static String shown(Map<String, Object> row, JsonNode expected) {
        Map<String, Object> shown = new LinkedHashMap<>();
        JsonNode first = expected.isEmpty() ? null : expected.get(0);
        row.forEach((column, value) -> {
            if (first == null || first.has(column)) {
                shown.put(column, value == null ? null : value.toString());
            }
        });
        return Json.MAPPER.valueToTree(shown).toString();
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.ownerConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String text(JsonNode spec, String field) {
        if (!spec.hasNonNull(field)) {
            throw new IllegalArgumentException("a fixture test needs '" + field + "'");
        }
        return spec.get(field).asText();
    }
}
