package dev.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    /** The hand-read common form and the formatter agree on every text: same value, or both refuse it. */
    @ParameterizedTest
    @ValueSource(strings = { "2026-11-26T10:00:00Z", "2026-11-26T10:00:00.1Z", "2026-11-26T10:00:00.123Z",
            "2026-11-26T10:00:00.123456789Z", "2026-11-26T10:00:00.1234567891Z", "2026-11-26T10:00:00+02:00",
            "2026-11-26T10:00:00.5-05:30", "2026-11-26T10:00:00-00:00", "2026-11-26T10:00Z", "2026-11-26t10:00:00z",
            "2026-11-26T10:00:00+02:00:30", "2026-11-26T10:00:00+18:00", "2026-11-26T10:00:00+19:00",
            "2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-26T24:00:00Z",
            "2026-11-26T10:60:00Z", "2026-11-26T10:00:60Z", "2026-11-26T10:00:00.Z", "2026-11-26T10:00:00",
            "2026-11-26 10:00:00Z", "2026-11-26T10:00:00+0200", "+12026-11-26T10:00:00Z", "yesterday", "",
            "2026-1x-26T10:00:00Z", "2026-11-26T10:00:00Z ", "2026-11-26T10:00:00.12a3Z" })
    void agreesWithTheFormatter(String text) {
        OffsetDateTime expected;
        try {
            expected = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            expected = null;
        }
        assertEquals(expected, Timestamps.parse(text), text);
    }
}
