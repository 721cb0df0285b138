package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A section of a doc generated from the code, between two markers: it must equal what the code generates now, or,
 * with {@code -Dsluice.docs.update=true}, is rewritten from it.
 */
public final class GeneratedSection {

    private GeneratedSection() {
    }

    /** Checks (or updates) the section of {@code doc} between {@code start} and {@code end}; {@code test} regenerates it. */
    public static void check(Path doc, String start, String end, String generated, String test) throws IOException {
        String text = Files.readString(doc);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        assertThat(from).as("markers in " + doc).isNotNegative();
        assertThat(to).isGreaterThan(from);
        String section = "\n" + generated + "\n";
        if (Boolean.getBoolean("sluice.docs.update")) {
            Files.writeString(doc, text.substring(0, from + start.length()) + section + text.substring(to));
            return;
        }
        assertThat(text.substring(from + start.length(), to))
                .as(doc + " is stale: run ./mvnw test -Dtest=" + test + " -Dsluice.docs.update=true").isEqualTo(section);
    }
}
