package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every example in docs/java-api.md is a region of {@link JavaApiExamples}, which JavaApiTest compiles and runs. */
class JavaApiDocTest {

    static final Path EXAMPLES = Path.of("src/test/java/dev/sluice/api/JavaApiExamples.java");
    static final Path DOC = Path.of("docs/java-api.md");

    @Test
    void theDocShowsEachTestedExampleWordForWord() throws IOException {
        Map<String, String> examples = regions(Files.readString(EXAMPLES));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
        String doc = Files.readString(DOC);
        examples.forEach((name, code) -> assertThat(doc).as("example %s in %s", name, DOC).contains(code));
    }

    /** The code between {@code // tag::name[]} and {@code // end::name[]}, without its common indentation. */
    static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = Pattern.compile("// tag::([\\w-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL).matcher(source);
        while (m.find()) {
            List<String> lines = m.group(2).lines().toList();
            int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                    .min().orElse(0);
            regions.put(m.group(1), String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent))
                    .toList()));
        }
        return regions;
    }
}
