package dev.sluice.sink;

import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a table sink writes, from its endpoint's options: {@code sluice-table:orders?mode=upsert&key=order_id&unmapped=drop}.
 *
 * @param mode     {@code insert} (default): a record whose key is held is a duplicate (the same record) or a conflict
 *                 (another record, dead-lettered); {@code upsert}: the later record under a key replaces the row
 * @param key      the columns that identify a row (comma-separated in the URI); default: the table's primary key. For
 *                 {@code upsert} they need a primary key or unique constraint
 * @param unmapped what happens to record fields no column takes: {@code keep} them as JSON in the {@code attributes}
 *                 column (the default when the table has one), {@code drop} them (counted in
 *                 {@code sluice_fields_dropped_total}), or {@code dead-letter} the record (the default otherwise)
 * @param version  with {@code upsert}: the field of the record (and column of the table) whose greater value wins; a
 *                 record with a lower version than its key's row is stale (not written, counted); null: the later
 *                 arrival wins
 * @param rounding how a value with more decimals than its decimal column is rounded to the column's scale; null: never,
 *                 the record is a dead letter
 */
public record TableOptions(Mode mode, List<String> key, Unmapped unmapped, String version, RoundingMode rounding) {

    public enum Mode {
        INSERT, UPSERT
    }

    public enum Unmapped {
        KEEP, DROP, DEAD_LETTER
    }

    public static final TableOptions DEFAULTS = new TableOptions(Mode.INSERT, List.of(), null, null, null);

    private static final Map<String, RoundingMode> ROUNDINGS = Map.of("half-even", RoundingMode.HALF_EVEN,
            "half-up", RoundingMode.HALF_UP);

    /** From the endpoint's option values (null when absent). */
    static TableOptions of(String mode, String key, String unmapped, String version, String rounding) {
        mode = blankToNull(mode);
        key = blankToNull(key);
        unmapped = blankToNull(unmapped);
        version = blankToNull(version);
        rounding = blankToNull(rounding);
        if (rounding != null && !ROUNDINGS.containsKey(rounding.trim())) {
            throw new IllegalArgumentException("sluice-table option rounding=" + rounding + " is none of "
                    + ROUNDINGS.keySet().stream().sorted().toList());
        }
        TableOptions options = new TableOptions(
                mode == null ? Mode.INSERT : parse(Mode.class, "mode", mode),
                key == null ? List.of() : Arrays.stream(key.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList(),
                unmapped == null ? null : parse(Unmapped.class, "unmapped", unmapped), version == null ? null : version.trim(),
                rounding == null ? null : ROUNDINGS.get(rounding.trim()));
        if (options.version() != null && options.mode() != Mode.UPSERT) {
            throw new IllegalArgumentException("sluice-table option version=" + version + " needs mode=upsert: an insert "
                    + "never replaces a row");
        }
        return options;
    }

    /** A template passes an option it was not given as empty: the same as absent. */
    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sluice-table option " + option + "=" + value + " is none of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                            .toList());
        }
    }
}
