package dev.sluice.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.HashSet;
import java.util.function.Function;

import dev.sluice.config.SluiceConfig;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.routes.RoutesModel.Pipeline;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.PipelineStage;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.SimpleRegistry;

/**
 * Every check a routes directory must pass before a pipeline runs, without running anything: what {@code validate}
 * reports and what start-up and reload refuse on, the same code. The files are read against the allow-list
 * ({@link RoutesReader}) and checked together ({@link RouteSet}); then the set is installed, as start-up installs
 * it, into a Camel context that is never started, with stand-ins for Sluice's own beans, and every reference file is
 * read. Nothing a routes file names is made or called but Sluice's own stage types. Each problem names its file, line
 * and column; all are reported at once.
 */
public final class PipelineCheck {

    /**
     * What a check found: the problems, and when there are none the set, one line per pipeline, the sinks they write
     * to, whether any uses Kafka, warnings (what works but may not do what its author means) and settings set for a
     * pipeline of these files that nothing reads (a misspelt key: {@code validate} fails on them, start-up warns).
     */
    public record Result(List<Problem> problems, RouteSet set, List<String> pipelines, List<String> sinks,
            boolean usesKafka, List<String> warnings, List<String> unreadSettings) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    private final SluiceConfig config;
    private final Function<String, String> settings;
    private final Iterable<String> names;
    private final ApplicationBeans application;

    /**
     * @param settings    a setting's value by key, or null when it is not set
     * @param names       the names of the settings that are set (environment variables as they are spelt)
     * @param application the application's named beans (inside the service: its registry)
     */
    public PipelineCheck(SluiceConfig config, Function<String, String> settings, Iterable<String> names,
            ApplicationBeans application) {
        this.config = config;
        this.settings = settings;
        this.names = names;
        this.application = application;
    }

    /** The routes files of a directory, as Sluice loads them: {@code *.yaml}, sorted; a symbolic link is followed. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir.toRealPath())) {
            return list.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted()
                    .toList();
        }
    }

    public Result check(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return failed(List.of(new Problem(dir, 1, 1, "the routes directory does not exist (sluice.routes-dir)")));
        }
        return check(dir, files(dir));
    }

    Result check(Path dir, List<Path> files) {
        Kind.Context context = new Kind.Context(FileRoots.of(config.security().fileRoots()),
                config.fixturesDir().isPresent());
        Set<String> keysRead = new HashSet<>();
        RouteSet.Read read = RouteSet.read(files, key -> {
            keysRead.add(key);
            return settings.apply(key);
        }, context, application);
        List<Problem> problems = new ArrayList<>(read.problems());
        if (problems.isEmpty()) {
            problems.addAll(installed(read.set()));
        }
        if (problems.isEmpty() && read.set().pipelines().isEmpty()) {
            problems.add(new Problem(dir, 1, 1, "no pipeline: none of the " + files.size() + " routes file(s) has a "
                    + "templatedRoute"));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line)
                    .thenComparingInt(Problem::column));
            return failed(problems);
        }
        RouteSet set = read.set();
        List<String> warnings = new ArrayList<>();
        List<String> unread = unread(set, keysRead, warnings);
        List<String> lines = new ArrayList<>();
        List<String> sinks = new ArrayList<>();
        boolean kafka = false;
        for (Pipeline pipeline : set.pipelines().values()) {
            if (pipeline.template().sink() == Templates.Sink.TABLE && "upsert".equals(pipeline.parameters().get("mode"))
                    && java.util.Objects.toString(pipeline.parameters().get("version"), "").isBlank()) {
                warnings.add(pipeline.id() + ": mode upsert without version: the later arrival wins, so a replay, a "
                        + "file fed again or a Kafka rebalance can write an older record over a newer one; name the "
                        + "record's version field with version (docs/pipelines.md#versions)");
            }
            lines.add(pipeline.id() + ": " + source(pipeline) + " → " + sink(pipeline).replaceFirst("\\?.*", ""));
            if (!sinks.contains(sink(pipeline))) {
                sinks.add(sink(pipeline));
            }
            kafka |= pipeline.template().source() == Templates.Source.KAFKA
                    || pipeline.template().sink() == Templates.Sink.TOPIC;
        }
        lines.sort(null);
        warnings.sort(null);
        return new Result(List.of(), set, List.copyOf(lines), List.copyOf(sinks), kafka, List.copyOf(warnings),
                unread);
    }

    private static Result failed(List<Problem> problems) {
        return new Result(List.copyOf(problems), null, List.of(), List.of(), false, List.of(), List.of());
    }

    /** The settings Sluice reads for every pipeline, besides what its routes file reads: {@code <id>.<name>}. */
    private static final List<String> PIPELINE_SETTINGS = List.of("done-dir", "error-dir", "batch-bytes");

    /**
     * The settings under {@code sluice.pipelines.<id>.} of a pipeline of these files that neither a placeholder nor
     * Sluice reads, compared as environment variables are spelt ({@code SLUICE_PIPELINES_<ID>_INPUT_DIR} is
     * {@code sluice.pipelines.<id>.input-dir}), each with what the pipeline's placeholders do read. A setting for no
     * pipeline of these files goes to {@code unknown}: the same settings may serve other routes files.
     */
    private List<String> unread(RouteSet set, Set<String> read, List<String> unknown) {
        Set<String> readEnvNames = new HashSet<>();
        read.forEach(key -> readEnvNames.add(envName(key)));
        for (String pipeline : set.pipelines().keySet()) {
            PIPELINE_SETTINGS.forEach(name -> readEnvNames.add(envName("sluice.pipelines." + pipeline + "." + name)));
        }
        // one name per setting: the configuration may list an environment variable also in a dotted spelling of its
        // own making (sluice.pipelines.orders.batch.siz), so the name as spelt in the environment wins
        Map<String, String> byEnvName = new TreeMap<>();
        for (String name : names) {
            String env = envName(name);
            if (env.startsWith("SLUICE_PIPELINES_") && !readEnvNames.contains(env)) {
                byEnvName.merge(env, name, (first, other) -> other.equals(env) ? other : first);
            }
        }
        List<String> unread = new ArrayList<>();
        for (Map.Entry<String, String> setting : byEnvName.entrySet()) {
            String env = setting.getKey();
            String name = setting.getValue();
            // the pipeline whose prefix is the longest that fits: orders-eu before orders
            String owner = set.pipelines().keySet().stream()
                    .filter(pipeline -> env.startsWith(envName("sluice.pipelines." + pipeline + ".")))
                    .max(Comparator.comparingInt(String::length)).orElse(null);
            if (owner == null) {
                unknown.add("setting " + name + " is for no pipeline of the routes files (they have "
                        + set.pipelines().keySet().stream().sorted().toList() + ")");
                continue;
            }
            String prefix = envName("sluice.pipelines." + owner + ".");
            List<String> pipelineReads = read.stream().filter(key -> envName(key).startsWith(prefix))
                    .filter(key -> PIPELINE_SETTINGS.stream().noneMatch(key::endsWith)).sorted().toList();
            unread.add("setting " + name + " is set for pipeline " + owner + " but nothing reads it: a misspelt key? "
                    + "Its routes file reads " + (pipelineReads.isEmpty() ? "no setting"
                            : String.join(", ", pipelineReads)) + "; Sluice reads " + PIPELINE_SETTINGS);
        }
        unread.sort(null);
        return List.copyOf(unread);
    }

    private static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The set installed, as start-up installs it, into a Camel context that never starts. */
    private List<Problem> installed(RouteSet set) {
        List<Problem> problems = new ArrayList<>();
        try (CamelContext camel = scratch()) {
            new RoutesInstaller(camel, config, PipelineRuntimes.unwatched(config)).install(set);
        } catch (Exception e) {
            problems.add(new Problem(Path.of(config.routesDir()), 1, 1, "cannot install the pipelines: " + e));
        }
        return problems;
    }

    /**
     * A Camel context with Sluice's templates and stand-ins for Sluice's and the application's beans (a stage or a
     * parser of the role the application's bean of that name plays), never started.
     */
    private CamelContext scratch() throws Exception {
        PipelineStage standIn = record -> record;
        DefaultCamelContext camel = new DefaultCamelContext(new DefaultRegistry(new SimpleRegistry() {
            @Override
            public Object lookupByName(String name) {
                BeanTypes.Role role = application.role(name);
                return role == BeanTypes.Role.STAGE ? standIn
                        : role == BeanTypes.Role.PARSER ? new JsonRecordParser() : super.lookupByName(name);
            }
        }));
        for (String bean : ApplicationBeans.SLUICE_NAMES) {
            camel.getRegistry().bind(bean, bean.equals("sluiceJsonRecord") ? new JsonRecordParser() : standIn);
        }
        TemplateRoutes.addTo(camel);
        return camel;
    }

    /** Where a pipeline's records come from, for a person. */
    static String source(Pipeline pipeline) {
        return switch (pipeline.template().source()) {
            case FILES -> "file:" + pipeline.parameters().get("inputDir");
            case KAFKA -> "kafka:" + pipeline.parameters().get("topic");
            case HTTP -> "http:POST /pipelines/" + pipeline.id() + "/records";
        };
    }

    /** The sink endpoint a pipeline writes to, as its template writes it. */
    static String sink(Pipeline pipeline) {
        var parameters = pipeline.parameters();
        return switch (pipeline.template().sink()) {
            case TABLE -> "sluice-table:" + parameters.get("table") + "?mode=" + parameters.get("mode") + "&key="
                    + parameters.get("key") + "&unmapped=" + parameters.get("unmapped") + "&version="
                    + parameters.get("version") + "&rounding=" + parameters.get("rounding");
            case TOPIC -> "sluice-topic:" + parameters.get("sinkTopic") + "?keyField=" + parameters.get("keyField");
        };
    }
}
