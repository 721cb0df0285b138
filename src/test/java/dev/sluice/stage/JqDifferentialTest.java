package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.record.Json;
import net.thisptr.jackson.jq.JsonQuery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sluice's jq against Debian's jq 1.6 on the corpus {@code jq/differential.txt}: the same outputs (numbers by value)
 * or both an error, except the differences the corpus declares, which must still be differences.
 */
class JqDifferentialTest {

    private record Case(int line, String program, String input, List<String> sluice, String because) {
    }

    /** Outputs, then whether the run ended in an error. */
    private record Run(List<JsonNode> outputs, boolean failed) {
    }

    @BeforeAll
    static void jqIsDebiansOnePointSix() throws Exception {
        Process version = new ProcessBuilder("jq", "--version").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(text).as("the differential test needs Debian's jq 1.6 on PATH (scripts/test installs it)")
                .isEqualTo("jq-1.6");
    }

    @TestFactory
    List<DynamicTest> sluiceAnswersAsJqDoes() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : corpus()) {
            tests.add(DynamicTest.dynamicTest("line " + c.line() + ": " + c.program(), () -> check(c)));
        }
        return tests;
    }

    private static void check(Case c) throws Exception {
        Run jq = jq(c);
        Run sluice = sluice(c);
        if (c.because() == null) {
            assertThat(same(sluice, jq)).as("program %s on %s: Sluice %s, jq 1.6 %s", c.program(), c.input(),
                    describe(sluice), describe(jq)).isTrue();
            return;
        }
        Run expected = c.sluice().equals(List.of("error")) ? new Run(List.of(), true)
                : new Run(c.sluice().stream().map(JqDifferentialTest::parse).toList(), false);
        assertThat(same(sluice, expected)).as("program %s on %s: Sluice %s, declared %s", c.program(), c.input(),
                describe(sluice), describe(expected)).isTrue();
        assertThat(same(jq, expected)).as("declared difference (%s) no longer differs from jq 1.6", c.because())
                .isFalse();
    }

    private static Run sluice(Case c) {
        List<JsonNode> outputs = new ArrayList<>();
        try {
            JsonQuery.compile(c.program(), JqFunctions.VERSION).apply(JqFunctions.newScope(), parse(c.input()),
                    outputs::add);
        } catch (Exception | StackOverflowError e) {
            return new Run(normal(outputs), true);
        }
        // as a jq stage does: a record holding an infinite number is refused
        boolean refused = outputs.stream().anyMatch(out -> JqMapping.nonFinite(out, "") != null);
        return refused ? new Run(List.of(), true) : new Run(normal(outputs), false);
    }

    private static List<JsonNode> normal(List<JsonNode> outputs) {
        return outputs.stream().map(out -> parse(out.toString())).toList();
    }

    private static Run jq(Case c) throws Exception {
        Process jq = new ProcessBuilder("jq", "-c", c.program()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        jq.getOutputStream().write(c.input().getBytes(StandardCharsets.UTF_8));
        jq.getOutputStream().close();
        String out = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jq.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> outputs = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                outputs.add(parse(line));
            }
        }
        return new Run(outputs, jq.exitValue() != 0);
    }

    private static boolean same(Run a, Run b) {
        if (a.failed() != b.failed() || a.outputs().size() != b.outputs().size()) {
            return false;
        }
        for (int i = 0; i < a.outputs().size(); i++) {
            if (!same(a.outputs().get(i), b.outputs().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0
                    || a.doubleValue() == b.doubleValue() && !Double.isInfinite(a.doubleValue());
        }
        if (a.isArray() && b.isArray() || a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            if (a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    if (!same(a.get(i), b.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!b.has(field.getKey()) || !same(field.getValue(), b.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static String describe(Run run) {
        return run.outputs() + (run.failed() ? " then an error" : "");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        String program = null;
        String input = null;
        List<String> sluice = new ArrayList<>();
        String because = null;
        int start = 0;
        int number = 0;
        try (InputStream in = JqDifferentialTest.class.getResourceAsStream("/jq/differential.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (String line : lines) {
                number++;
                if (line.startsWith("jq> ")) {
                    program = line.substring(4);
                    start = number;
                } else if (line.startsWith("in> ")) {
                    input = line.substring(4);
                } else if (line.startsWith("sluice> ")) {
                    sluice.add(line.substring(8));
                } else if (line.startsWith("because> ")) {
                    because = line.substring(9);
                } else if (line.isBlank() && program != null) {
                    cases.add(new Case(start, program, input, List.copyOf(sluice), because));
                    program = null;
                    sluice.clear();
                    because = null;
                }
            }
        }
        if (program != null) {
            cases.add(new Case(start, program, input, List.copyOf(sluice), because));
        }
        assertThat(cases).allSatisfy(c -> assertThat(c.input()).as("line %d has in>", c.line()).isNotNull())
                .allSatisfy(c -> assertThat(c.sluice().isEmpty()).as("line %d: sluice> goes with because>",
                        c.line()).isEqualTo(c.because() == null));
        return cases;
    }
}
