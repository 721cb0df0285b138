package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.record.Json;

/** Dead-letter file entries sealed as a deployment with {@code sluice.dead-letter.seal-key} = {@code key} seals them. */
public final class SealedEntries {

    private final DeadLetterSeal seal;

    public SealedEntries(String key) {
        this.seal = new DeadLetterSeal(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The entry as a line of a dead-letter file, with its seal. */
    public String line(Map<String, Object> entry) throws JsonProcessingException {
        Map<String, Object> sealed = new LinkedHashMap<>(entry);
        sealed.put(DeadLetterSeal.FIELD, seal.seal(entry));
        return Json.MAPPER.writeValueAsString(sealed) + "\n";
    }
}
