package dev.sluice.routes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;


import dev.sluice.GeneratedSection;
import dev.sluice.stage.ReadOnlyQuery;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/security.md true: its section "What a routes file may hold" is generated from the declarations the
 * routes check runs on ({@link RoutesReader#KEYS}, {@link Templates}, {@link BeanTypes}, {@link SimpleExpressions},
 * {@link Placeholders}, {@link ReadOnlyQuery}) and must equal what the page holds. Regenerate it with
 * {@code ./mvnw test -Dtest=AllowListDocTest -Dsluice.docs.update=true}.
 */
class AllowListDocTest {

    static final Path DOC = Path.of("docs/security.md");
    static final String START = "<!-- generated from dev.sluice.routes: start -->";
    static final String END = "<!-- generated from dev.sluice.routes: end -->";

    @Test
    void theAllowListIsGeneratedFromTheCode() throws IOException {
        GeneratedSection.check(DOC, START, END, markdown(), "AllowListDocTest");
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("A routes file is a YAML list of ").append(codes(RoutesReader.TOP_LEVEL))
                .append(" items. Every key below may also be written in kebab-case (`route-template-ref`); any other "
                        + "key, item, step, type or value is refused.\n\n");

        out.append("**Pipelines: `templatedRoute`** (").append(codes(RoutesReader.KEYS.get("templatedRoute")))
                .append("), each parameter a `{name, value}`. Sources and sinks come only from Sluice's templates:\n\n");
        out.append("| Template | Reads | Writes | Parameters (required in bold) |\n|---|---|---|---|\n");
        for (Templates.Template template : Templates.all()) {
            out.append("| `").append(template.id()).append("` | ").append(text(template.source().description)).append(" | ")
                    .append(text(template.sink().description)).append(" | ").append(String.join(", ", template.parameters()
                            .stream().map(p -> p.required() ? "**`" + p.name() + "`**" : "`" + p.name() + "`").toList()))
                    .append(" |\n");
        }
        out.append("\n| Parameter | Value | Default | Meaning |\n|---|---|---|---|\n");
        Map<String, Templates.Parameter> parameters = new LinkedHashMap<>();
        Templates.all().forEach(template -> template.parameters().forEach(p -> parameters.putIfAbsent(p.name(), p)));
        parameters.values().forEach(p -> out.append("| `").append(p.name()).append("` | ").append(text(p.kind().description()))
                .append(" | ").append(p.required() ? "(required)" : p.defaultValue().isEmpty() ? "(empty)"
                        : "`" + p.defaultValue() + "`").append(" | ").append(text(p.description())).append(" |\n"));

        out.append("\n**Stages: `route`** (").append(codes(RoutesReader.KEYS.get("route"))).append("), read from `from` (")
                .append(codes(RoutesReader.KEYS.get("route's from"))).append(") with `uri: direct:<name>`, no options. "
                        + "Its steps:\n\n");
        out.append("| Step | Keys | What it does |\n|---|---|---|\n");
        Map<String, String> steps = Map.of(
                "filter", "runs its own `steps` for the records its condition (one of `jq`, `simple`, `ref` of a filter "
                        + "bean) holds for; `steps` is required",
                "choice", "the steps of the first `when` (keys " + codes(RoutesReader.KEYS.get("when")) + ") whose "
                        + "condition holds, else of `otherwise` (" + codes(RoutesReader.KEYS.get("otherwise")) + ")",
                "process", "a stage: a bean of the routes files with the role stage, or a Java stage (a `PipelineStage` "
                        + "bean of the application)",
                "stop", "drops the record (counted as filtered)",
                "log", "logs a message (the simple language below; also `log: <message>`); `loggingLevel` one of "
                        + codes(RoutesReader.LOG_LEVELS),
                "to", "sends the record to another stages route, `direct:<name>` (also `to: direct:<name>`); a route "
                        + "that reaches itself is refused");
        for (String step : List.of("filter", "choice", "process", "stop", "log", "to")) {
            out.append("| `").append(step).append("` | ").append(codes(RoutesReader.KEYS.get(step))).append(" | ")
                    .append(steps.get(step)).append(" |\n");
        }

        out.append("\n**Beans: `beans`**, a list of {").append(String.join(", ", RoutesReader.KEYS.get("bean")
                .stream().sorted().toList())).append("}, of these types only; Sluice makes each with `new` and sets "
                        + "the properties listed (no constructor, factory, builder, init or destroy method, script or "
                        + "class reference). A bean may not take the name of one of the application's beans.\n\n");
        out.append("| Type | Role | Property | Value | Meaning |\n|---|---|---|---|---|\n");
        for (BeanTypes.BeanType<?> type : BeanTypes.all()) {
            boolean first = true;
            for (BeanTypes.Property<?> property : type.properties()) {
                out.append("| ").append(first ? "`" + type.type().getName() + "`" : "").append(" | ")
                        .append(first ? type.role().name().toLowerCase() : "").append(" | `").append(property.name())
                        .append(property.required() ? "` (required)" : "`").append(" | ").append(text(property.kind()
                                .description())).append(" | ").append(text(property.description())).append(" |\n");
                first = false;
            }
        }

        out.append("\n**Expressions.** jq: any program (Sluice's jq has no `env`, `$ENV`, `input` or modules). The "
                + "simple language, parsed by Camel's own parser whatever opens a function: the functions ")
                .append(SimpleExpressions.FUNCTIONS.replaceAll("(\\$\\{[^}]*})", "`$1`")).append(", the operators ")
                .append(codes(SimpleExpressions.OPERATORS)).append("; nothing else (no method call, no nested function,"
                        + " no function inside double quotes, no `resource:`).\n\n");
        out.append("**Settings.** A value may hold `{{key}}` or `{{key:default}}` of `")
                .append(Placeholders.VISIBLE.replace(", ", "`, `")).append("`")
                .append(" only, put in by Sluice before Camel sees the value; the default may not hold another "
                        + "placeholder.\n\n");
        out.append("**SQL.** Only a `QueryLookup` query: exactly one `SELECT`, read by an SQL parser; no `INTO`, no "
                + "locking clause, no table function, no system catalog; the functions ")
                .append(codes(ReadOnlyQuery.FUNCTIONS)).append(".\n\n");
        out.append("**Paths.** A directory or reference file is under `sluice.security.file-roots` once symbolic links "
                + "are followed, names no `..`, and a directory holds none of `? # & % { } $ \\`; on the classpath, "
                + "only `classpath:reference/<file>`.");
        return out.toString();
    }

    /** A description as Markdown text: its {@code <name>} is text, not an HTML tag. */
    private static String text(String description) {
        return description.replaceAll("<([A-Za-z][A-Za-z0-9]*)>", "&lt;$1&gt;");
    }

    private static String codes(java.util.Collection<String> names) {
        return String.join(", ", new TreeSet<>(names).stream().map(name -> "`" + name + "`").toList());
    }
}
