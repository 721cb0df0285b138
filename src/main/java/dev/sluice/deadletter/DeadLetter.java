package dev.sluice.deadletter;

import java.util.Map;

import dev.sluice.record.Location;

/**
 * One dead letter as stored, with the id that names it: {@code file:<uuid>} for an entry of a dead-letter file (the
 * id written with it; {@code file:<file>:<line>} for an entry written before ids), {@code
 * kafka:<topic>:<partition>:<offset>} for a record of a dead-letter topic.
 *
 * @param entry    what the API shows: the stored fields (payload as text, or base64 when it is not UTF-8), the id,
 *                 and {@code replay}, the last replay's outcome, if any
 * @param location where the record was first read, kept by a replay; null when there is no record to replay (a whole
 *                 file given up on)
 * @param payload  the record's bytes as stored
 */
public record DeadLetter(String id, Map<String, Object> entry, Location location, byte[] payload) {

    public String time() {
        return String.valueOf(entry.get("time"));
    }

    public String stage() {
        return String.valueOf(entry.get("stage"));
    }

    public String reason() {
        return String.valueOf(entry.get("reason"));
    }

    /** Why it cannot be replayed, or null if it can. */
    public String notReplayable() {
        if (location == null || payload == null) {
            return "no record to replay (stage " + stage() + ")";
        }
        if (Boolean.TRUE.equals(entry.get("truncated"))) {
            return "only the record's first bytes were kept";
        }
        return null;
    }
}
