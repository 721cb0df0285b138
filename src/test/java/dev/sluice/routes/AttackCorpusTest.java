package dev.sluice.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of attack files (src/test/resources/attacks), one class of bypass per file, each in every spelling we
 * found: {@code validate} refuses each with exactly the problems its {@code # expect: line:column: fragment} lines
 * name, and nothing else. {@code AttackCorpusIT} starts the packaged service on each and finds it refused and no trace
 * left.
 */
public class AttackCorpusTest {

    public static final Path CORPUS = Path.of("src/test/resources/attacks");
    /** A symbolic link inside a file root to a directory outside every root. */
    static final Path ESCAPE = Path.of("target/attack-roots/escape");

    @BeforeAll
    static void linkOutOfTheRoots() throws IOException {
        makeEscape(Path.of(""));
    }

    /** The link out of the roots the corpus names, under {@code dir}. */
    public static void makeEscape(Path dir) throws IOException {
        Path escape = dir.resolve(ESCAPE);
        Files.createDirectories(escape.getParent());
        if (!Files.isSymbolicLink(escape)) {
            Files.createSymbolicLink(escape, Path.of("/etc"));
        }
    }

    public static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    /** What a file expects: {@code line:column: fragment}, one a line. */
    public record Expected(int line, int column, String fragment) {
        public static List<Expected> of(Path file) throws IOException {
            List<Expected> expected = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("# expect: ")) {
                    String[] parts = line.substring("# expect: ".length()).split(":", 3);
                    expected.add(new Expected(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts[2].trim()));
                }
            }
            return expected;
        }

        boolean matches(Problem problem) {
            return problem.line() == line && problem.column() == column && problem.message().contains(fragment);
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void validateRefusesEveryBypassAtItsPlace(Path attack, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.copy(attack, dir.resolve(attack.getFileName()));
        List<Expected> expected = Expected.of(attack);

        List<Problem> problems = RoutesTesting.check(Map.of()).check(dir).problems();

        String all = String.join("\n", problems.stream().map(Object::toString).toList());
        assertThat(problems).as(all).hasSameSizeAs(expected).isNotEmpty();
        for (Expected each : expected) {
            assertThat(problems).as(each + " in\n" + all).anyMatch(each::matches);
        }
    }
}
