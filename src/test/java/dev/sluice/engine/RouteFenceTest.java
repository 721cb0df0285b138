package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Routes files that try to run code, read files or leak the environment are refused, each problem at its line. */
class RouteFenceTest {

    static final Path FENCE = Path.of("src/test/resources/fence");

    final RouteFence fence = new RouteFence(new RouteFence.Policy(RouteFence.CONSUMERS, RouteFence.PRODUCERS,
            RouteFence.BEAN_TYPES, RouteFence.PLACEHOLDERS, List.of(Path.of("data")), value -> value));

    List<String> problems(String file) {
        return fence.check(FENCE.resolve(file)).stream().map(Object::toString).toList();
    }

    @Test
    void aBeanThatRunsACommandIsRefused() {
        assertThat(problems("process-builder.yaml")).containsExactly(
                FENCE.resolve("process-builder.yaml") + ":4:13: bean type 'java.lang.ProcessBuilder' is not allowed: "
                        + "Sluice's own (dev.sluice.*) or those in sluice.security.allowed-bean-types",
                FENCE.resolve("process-builder.yaml") + ":5:7: bean option 'constructors' runs code: a routes file may "
                        + "only set a bean's properties",
                FENCE.resolve("process-builder.yaml") + ":7:7: bean option 'initMethod' runs code: a routes file may "
                        + "only set a bean's properties");
    }

    @Test
    void aFileRouteOutsideTheRootsAndAFileWriteAreRefused() {
        assertThat(problems("copy-passwd.yaml")).containsExactly(
                FENCE.resolve("copy-passwd.yaml") + ":5:12: directory /etc is outside the file roots [data] "
                        + "(sluice.security.file-roots)",
                FENCE.resolve("copy-passwd.yaml") + ":7:15: endpoint scheme 'file' is not allowed to write to (allowed: "
                        + "direct, jdbc, log, seda, sluice-table, sluice-topic; more with sluice.security.allowed-components)");
    }

    @Test
    void anEnvironmentPlaceholderIsRefused() {
        assertThat(problems("env-placeholder.yaml")).containsExactly(FENCE.resolve("env-placeholder.yaml")
                + ":8:24: placeholder {{env}} is not allowed: sluice.* settings only (more with "
                + "sluice.security.allowed-placeholders)");
    }

    @Test
    void scriptsDynamicEndpointsComponentHeadersAndRestAreRefused() {
        List<String> problems = problems("scripts.yaml");
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":8:13: the groovy language runs code"))
                .anySatisfy(p -> assertThat(p).contains(":10:19: header 'CamelFileName' steers a Camel component"))
                .anySatisfy(p -> assertThat(p).contains(":12:11: 'toD' sends to endpoints computed from the message"))
                .anySatisfy(p -> assertThat(p).contains(":14:21: '${bean:…' in an expression reaches beyond the record"))
                .anySatisfy(p -> assertThat(p).contains(":16:13: beanType makes an object of any class"))
                .anySatisfy(p -> assertThat(p).contains(":17:15: '#class:' and '#type:' make objects of any class"))
                .anySatisfy(p -> assertThat(p).contains(":18:3: 'rest' is not allowed in a routes file"));
        assertThat(problems).hasSize(8); // and #class: is no endpoint scheme either
    }

    @Test
    void camelJdbcRunsOnlyConstantSqlOnSluicesDatabase() {
        assertThat(problems("jdbc.yaml")).containsExactly(
                FENCE.resolve("jdbc.yaml") + ":11:15: 'jdbc:sluice' runs the SQL in the body: put '- setBody: {constant: "
                        + "\"<your SQL>\"}' right before it (record values as bound parameters, :?name)",
                FENCE.resolve("jdbc.yaml") + ":15:18: Camel JDBC may only use Sluice's database: jdbc:sluice");
    }

    @Test
    void anUnclosedPlaceholderIsNamed() {
        assertThat(problems("unclosed.yaml")).containsExactly(FENCE.resolve("unclosed.yaml")
                + ":6:20: placeholder '{{sluice.pipelines.unclosed.name\"' is not closed with }}");
    }

    @Test
    void theShippedPipelinesPass() throws Exception {
        RouteFence shipped = new RouteFence(new RouteFence.Policy(RouteFence.CONSUMERS, RouteFence.PRODUCERS,
                RouteFence.BEAN_TYPES, RouteFence.PLACEHOLDERS, List.of(Path.of("data")),
                value -> value.replaceAll("\\{\\{[^:}]+:([^}]*)}}", "$1")));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(shipped.check(file)).as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void settingsExtendTheLists() {
        RouteFence open = new RouteFence(new RouteFence.Policy(Set.of("file", "direct"), Set.of("file", "log"),
                List.of("java.lang."), List.of("sluice.", "env"), List.of(Path.of("/")), value -> value));
        assertThat(open.check(FENCE.resolve("copy-passwd.yaml"))).isEmpty();
        assertThat(open.check(FENCE.resolve("env-placeholder.yaml"))).isEmpty();
    }
}
