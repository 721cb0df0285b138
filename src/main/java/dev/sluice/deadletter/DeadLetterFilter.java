package dev.sluice.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which dead letters to list or replay; null fields match everything: {@code stage} exactly, {@code reason} as a part
 * of it in any case, {@code since} (inclusive) and {@code until} (exclusive), {@code ids}.
 */
public record DeadLetterFilter(String stage, String reason, Instant since, Instant until, Set<String> ids) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null);

    /** For dead letters read from a topic. */
    public boolean matches(DeadLetter letter) {
        if (ids != null && !ids.contains(letter.id())) {
            return false;
        }
        if (stage != null && !stage.equals(letter.stage())) {
            return false;
        }
        if (reason != null && !letter.reason().toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (since == null && until == null) {
            return true;
        }
        Instant time;
        try {
            time = Instant.parse(letter.time());
        } catch (DateTimeParseException e) {
            return false; // no time to compare: only listed without a time filter
        }
        return (since == null || !time.isBefore(since)) && (until == null || time.isBefore(until));
    }

    /** The same as SQL conditions on {@code sluice_dead_letters} (each starting with AND), their values added. */
    String sql(List<Object> values) {
        StringBuilder where = new StringBuilder();
        if (ids != null) {
            if (ids.isEmpty()) {
                return " AND 1 = 0";
            }
            where.append(" AND id IN (").append(String.join(", ", ids.stream().map(id -> "?").toList())).append(')');
            values.addAll(ids);
        }
        if (stage != null) {
            where.append(" AND stage = ?");
            values.add(stage);
        }
        if (reason != null) {
            where.append(" AND LOWER(reason) LIKE ? ESCAPE '\\'");
            values.add("%" + reason.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        }
        if (since != null) {
            where.append(" AND dead_at >= ?");
            values.add(since);
        }
        if (until != null) {
            where.append(" AND dead_at < ?");
            values.add(until);
        }
        return where.toString();
    }
}
