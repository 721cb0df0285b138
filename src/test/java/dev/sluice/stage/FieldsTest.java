package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FieldsTest {

    private final Fields fields = new Fields();

    @Test
    void writesDatesAsUtcIso8601WithMilliseconds() {
        Map<String, Object> record = new LinkedHashMap<>(Map.of("a", 1));
        fields.set(record, "processed_at", Date.from(Instant.parse("2026-11-26T10:00:00Z")));
        assertThat(record).containsEntry("processed_at", "2026-11-26T10:00:00.000Z");
        fields.set(record, "at", OffsetDateTime.parse("2026-11-26T12:00:00.5+02:00"));
        assertThat(record).containsEntry("at", "2026-11-26T10:00:00.500Z");
    }

    @Test
    void storesOtherValuesAsTheyAreAndReplacesAnExistingField() {
        Map<String, Object> record = new LinkedHashMap<>(Map.of("a", 1));
        fields.set(record, "a", "two");
        fields.set(record, "b", 3.5);
        assertThat(record).containsExactly(Map.entry("a", "two"), Map.entry("b", 3.5));
    }
}
