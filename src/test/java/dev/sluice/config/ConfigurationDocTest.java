package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sluice.GeneratedSection;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/configuration.md true: the table of {@code sluice.*} keys is generated from {@link SluiceConfig} (names
 * and defaults by reflection, descriptions from its Javadoc) and must equal what the page holds; every
 * {@code {{sluice.…:default}}} placeholder in routes/ must be documented with its default. Regenerate the table with
 * {@code ./mvnw test -Dtest=ConfigurationDocTest -Dsluice.docs.update=true}.
 */
class ConfigurationDocTest {

    static final Path DOC = Path.of("docs/configuration.md");
    static final Path SOURCE = Path.of("src/main/java/dev/sluice/config/SluiceConfig.java");
    static final String START = "<!-- generated from SluiceConfig: start -->";
    static final String END = "<!-- generated from SluiceConfig: end -->";

    @Test
    void theKeyTableIsGeneratedFromSluiceConfig() throws IOException {
        GeneratedSection.check(DOC, START, END, table(), "ConfigurationDocTest");
    }

    @Test
    void everyPipelinePlaceholderIsDocumentedWithItsDefault() throws IOException {
        String doc = Files.readString(DOC);
        Pattern placeholder = Pattern.compile("\\{\\{(sluice\\.[^:}]+)(?::([^}]*))?}}");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path file : routes.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Matcher m = placeholder.matcher(Files.readString(file));
                while (m.find()) {
                    String row = doc.lines().filter(l -> l.startsWith("| `" + m.group(1) + "`")).findFirst().orElse("");
                    if (!row.contains("`" + env(m.group(1)) + "`")
                            || m.group(2) != null && !row.contains("`" + m.group(2) + "`")) {
                        missing.add(m.group(0) + " (" + file + ")");
                    }
                }
            }
        }
        assertThat(missing).as("placeholders without a row giving key, environment variable and default").isEmpty();
    }

    static String table() throws IOException {
        Map<String, String> javadoc = javadoc(Files.readString(SOURCE));
        Map<String, String[]> rows = new TreeMap<>();
        collect(SluiceConfig.class, "sluice.", javadoc, rows);
        StringBuilder out = new StringBuilder("| Key | Environment variable | Default | Description |\n|---|---|---|---|\n");
        rows.forEach((key, row) -> out.append("| `").append(key).append("` | `").append(env(key)).append("` | ")
                .append(row[0]).append(" | ").append(row[1]).append(" |\n"));
        return out.toString().strip();
    }

    private static void collect(Class<?> type, String prefix, Map<String, String> javadoc, Map<String, String[]> rows) {
        for (Method method : type.getDeclaredMethods()) {
            String key = prefix + kebab(method.getName());
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getEnclosingClass() == SluiceConfig.class) {
                collect(returned, key + ".", javadoc, rows);
                continue;
            }
            if (Map.class.isAssignableFrom(returned)) {
                boolean nested = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1]
                        instanceof ParameterizedType;
                key += nested ? ".<pipeline>.<setting>" : ".<name>";
            }
            WithDefault value = method.getAnnotation(WithDefault.class);
            String fallback = value != null ? "`" + value.value() + "`"
                    : returned == Optional.class || Map.class.isAssignableFrom(returned) ? "(none)" : "(required)";
            rows.put(key, new String[] { fallback,
                    javadoc.getOrDefault(type.getSimpleName() + "." + method.getName(), "") });
        }
    }

    /** Method Javadoc by {@code Interface.method}, in one line, with {@code {@code x}} as Markdown code. */
    static Map<String, String> javadoc(String source) {
        Map<String, String> docs = new HashMap<>();
        Pattern iface = Pattern.compile("interface (\\w+)");
        Pattern method = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*[\\w<>, .]+\\s(\\w+)\\(\\);",
                Pattern.DOTALL);
        Matcher m = method.matcher(source);
        while (m.find()) {
            Matcher owner = iface.matcher(source.substring(0, m.start()));
            String name = "SluiceConfig";
            while (owner.find()) {
                name = owner.group(1);
            }
            String text = m.group(1).replaceAll("\\s*\\n\\s*\\*\\s?", " ").replaceAll("\\{@code ([^}]*)}", "`$1`")
                    .replace("|", "\\|").strip();
            docs.put(name + "." + m.group(2), text);
        }
        return docs;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static String env(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9<>]", "_");
    }

    @Test
    void javadocOfEveryKeyIsFound() throws IOException {
        Map<String, String> docs = javadoc(Files.readString(SOURCE));
        List<String> undocumented = new ArrayList<>();
        Stream.of(SluiceConfig.class.getDeclaredClasses()).sorted(Comparator.comparing(Class::getName))
                .forEach(type -> Stream.of(type.getDeclaredMethods())
                        .filter(m -> !docs.containsKey(type.getSimpleName() + "." + m.getName()))
                        .forEach(m -> undocumented.add(type.getSimpleName() + "." + m.getName())));
        assertThat(undocumented).as("keys without a description").isEmpty();
    }
}
