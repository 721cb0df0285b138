package dev.sluice;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain Jackson for reading what a test checks (dead-letter files, JSON columns): no Sluice limits, no Sluice code. */
public final class TestJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }
}
