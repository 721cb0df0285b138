package dev.sluice.routes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sluice.record.Json;
import dev.sluice.stage.JqFunctions;
import dev.sluice.stage.ReadOnlyQuery;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.camel.util.TimeUtils;

/**
 * What a value of a routes file may be: each bean property and template parameter declares one, and a value is
 * checked against it after its settings are in ({@link Placeholders}). A kind that names something of the routes
 * files (a bean, a stages route) is checked against them once every file is read ({@link RouteSet}).
 */
public enum Kind {
    TEXT("text"),
    FIELD("a field of the record"),
    NAME("a name for dead letters and metrics"),
    BOOLEAN("true or false"),
    COUNT("a whole number, 1 or more"),
    SIZE("a whole number, 0 or more"),
    WINDOW("milliseconds, or a duration such as 2s or PT1M"),
    BYTES("a number of bytes; empty for sluice.batch.bytes"),
    RELOAD("on-change, or an ISO-8601 duration such as PT5M; unset: read once"),
    SCHEMA("field:type pairs, comma-separated (string, integer, number, decimal, boolean, timestamp, object, array)"),
    COLUMN_TYPES("column:type pairs, comma-separated (integer, number, decimal, boolean)"),
    JQ("a jq program: jq 1.7's functions and Sluice's decimal functions; no environment, input or modules"),
    JSON_OBJECT("a JSON object"),
    JQ_TABLES("name=bean or name=bean.column, comma-separated: ReferenceTable beans"),
    REFERENCE("a CSV file under the file roots (a path, or file:<path>), classpath:reference/<file>, or table:<table>"),
    SELECT("one read-only SELECT with :field marks, checked by an SQL parser"),
    TABLE_BEAN("a ReferenceTable bean"),
    PARSER("a JsonRecordParser bean, or sluiceJsonRecord (any JSON object)"),
    STAGES("direct:<name> of a stages route of the routes files"),
    DIRECTORY("a directory under the file roots"),
    TABLE("a table: name or schema.name"),
    COLUMNS("column names, comma-separated; empty for the primary key"),
    MODE("insert or upsert"),
    VERSION("a field of the record and column of the table (integer, decimal, timestamp or ISO-8601 text); empty for "
            + "none"),
    UNMAPPED("keep, drop or dead-letter; empty: keep when the table has attributes, else dead-letter"),
    ROUNDING("half-even or half-up; empty: never round (a value with more decimals than its column is a dead letter)"),
    TOPIC("a Kafka topic: letters, digits, '.', '_', '-'"),
    GROUP("a Kafka consumer group: letters, digits, '.', '_', '-'");

    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern BEAN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]|\\.(?!\\.))*");
    private static final Pattern KAFKA_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern CLASSPATH_REFERENCE = Pattern.compile("classpath:reference/[A-Za-z0-9_-][A-Za-z0-9._-]*");
    /** Characters a directory may not hold: they would be read as options of the file endpoint. */
    private static final Pattern URI_CHARACTERS = Pattern.compile("[?#&%{}$\\\\\\p{Cntrl}]");

    private final String description;

    Kind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** What the routes files check a value against. */
    record Context(FileRoots roots, boolean fixtures) {
    }

    /** Why {@code value} is not of this kind, or null when it is. */
    String problem(String value, Context context) {
        return switch (this) {
            case TEXT, SCHEMA, COLUMN_TYPES -> value.indexOf('\0') >= 0 ? "holds a NUL character" : null;
            case FIELD, NAME -> value.isBlank() || value.length() > 200 || value.chars().anyMatch(Character::isISOControl)
                    ? "'" + value + "' is not " + description : null;
            case BOOLEAN -> Set.of("true", "false").contains(value.toLowerCase(Locale.ROOT)) ? null : "'" + value
                    + "' is not true or false";
            case COUNT -> number(value, 1);
            case SIZE -> number(value, 0);
            case WINDOW -> window(value);
            case BYTES -> value.isBlank() ? null : number(value, 1);
            case RELOAD -> reload(value);
            case JQ -> jq(value);
            case JSON_OBJECT -> jsonObject(value);
            case JQ_TABLES -> tables(value);
            case REFERENCE -> reference(value, context);
            case SELECT -> ReadOnlyQuery.problem(value);
            case TABLE_BEAN, PARSER -> BEAN_NAME.matcher(value).matches() ? null : "'" + value + "' is not a bean name";
            case STAGES -> value.startsWith("direct:") && ROUTE_NAME.matcher(value.substring(7)).matches() ? null
                    : "'" + value + "' is not direct:<name> of a stages route";
            case DIRECTORY -> directory(value, context);
            case TABLE -> Pattern.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?", value) ? null
                    : "'" + value + "' is not a table name (name or schema.name)";
            case COLUMNS -> value.isBlank() || List.of(value.split(",")).stream().map(String::trim)
                    .allMatch(column -> IDENTIFIER.matcher(column).matches()) ? null : "'" + value
                            + "' is not column names, comma-separated";
            case VERSION -> value.isBlank() || IDENTIFIER.matcher(value).matches() ? null : "'" + value
                    + "' is not a column name";
            case MODE -> Set.of("insert", "upsert").contains(value) ? null : "'" + value + "' is not insert or upsert";
            case UNMAPPED -> Set.of("", "keep", "drop", "dead-letter").contains(value) ? null : "'" + value
                    + "' is not keep, drop or dead-letter";
            case ROUNDING -> Set.of("", "half-even", "half-up").contains(value) ? null : "'" + value
                    + "' is not half-even or half-up";
            case TOPIC, GROUP -> KAFKA_NAME.matcher(value).matches() && !value.equals(".") && !value.equals("..") ? null
                    : "'" + value + "' is not " + description;
        };
    }

    private static String number(String value, long least) {
        try {
            return Long.parseLong(value.trim()) >= least ? null : "'" + value + "' is less than " + least;
        } catch (NumberFormatException e) {
            return "'" + value + "' is not a whole number";
        }
    }

    private static String window(String value) {
        try {
            return TimeUtils.toMilliSeconds(value.trim()) > 0 ? null : "'" + value + "' is not a positive duration";
        } catch (RuntimeException e) {
            return "'" + value + "' is not milliseconds or a duration such as 2s";
        }
    }

    private static String reload(String value) {
        if (value.isBlank() || value.equals("on-change")) {
            return null;
        }
        try {
            Duration.parse(value.trim());
            return null;
        } catch (DateTimeParseException e) {
            return "'" + value + "' is not on-change or an ISO-8601 duration such as PT5M";
        }
    }

    private static String jq(String value) {
        try {
            JsonQuery.compile(value, JqFunctions.VERSION);
            return null;
        } catch (JsonQueryException e) {
            return "jq '" + abbreviated(value) + "' does not compile: " + e.getMessage();
        }
    }

    private static String jsonObject(String value) {
        try {
            return Json.parseTree(value).isObject() ? null : "'" + value + "' is not a JSON object";
        } catch (RuntimeException e) {
            return "'" + abbreviated(value) + "' is not a JSON object: " + e.getMessage();
        }
    }

    private static String tables(String value) {
        for (String entry : value.split(",")) {
            String[] pair = entry.trim().split("=", 2);
            if (pair.length != 2 || !IDENTIFIER.matcher(pair[0].trim()).matches()
                    || !Pattern.matches("[A-Za-z_][A-Za-z0-9_-]*(\\.[^,]+)?", pair[1].trim())) {
                return "'" + value + "' is not name=bean or name=bean.column, comma-separated";
            }
        }
        return null;
    }

    /** The ReferenceTable beans a {@link #JQ_TABLES} value names. */
    static List<String> tableBeans(String value) {
        return List.of(value.split(",")).stream().map(entry -> entry.trim().split("=", 2)[1].trim().split("\\.", 2)[0])
                .toList();
    }

    private static String reference(String value, Context context) {
        if (value.startsWith("table:")) {
            return TABLE.problem(value.substring(6), context);
        }
        if (value.startsWith("classpath:")) {
            return CLASSPATH_REFERENCE.matcher(value).matches() && !value.contains("..") ? null : "'" + value
                    + "': a reference on the classpath is classpath:reference/<file>";
        }
        if (value.contains(":") && !value.startsWith("file:")) {
            return "'" + value + "' is not a CSV file (a path or file:<path>), classpath:reference/<file> or table:<name>";
        }
        return path(value.startsWith("file:") ? value.substring(5) : value, context);
    }

    private static String directory(String value, Context context) {
        if (URI_CHARACTERS.matcher(value).find()) {
            return "directory '" + value + "' holds a character a directory of a pipeline may not ( ? # & % { } $ \\ )";
        }
        return context.fixtures() ? null : path(value, context);
    }

    /** A path: no '..', under the file roots once links are followed. */
    private static String path(String value, Context context) {
        if (value.isBlank()) {
            return "an empty path";
        }
        Path path = Path.of(value);
        for (Path part : path) {
            if (part.toString().equals("..")) {
                return "path " + value + " climbs with '..': name it from a file root";
            }
        }
        return context.roots().outside(path);
    }

    /** At most about 200 characters of a long value, for a message. */
    static String abbreviated(String value) {
        return dev.sluice.stage.JqText.abbreviated(value);
    }
}
