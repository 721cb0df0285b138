package dev.sluice.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sluice's pipeline templates, the only way a routes file makes a pipeline: a source (files, a Kafka topic, records
 * posted over HTTP) to a sink (a table, a topic), with the steps the delivery promise depends on. Their parameters
 * are declared here once, each with its kind, default and meaning; {@link TemplateRoutes} makes Camel's route
 * templates of them, and Sluice gives every parameter itself.
 */
public final class Templates {

    /** A parameter: required when it has no default. */
    public record Parameter(String name, Kind kind, String defaultValue, String description) {
        public boolean required() {
            return defaultValue == null;
        }
    }

    /** Where a template's records come from. */
    public enum Source {
        FILES("files", "JSON Lines files of a directory", List.of(
                new Parameter("inputDir", Kind.DIRECTORY, null, "the directory whose *.jsonl files are read"))),
        KAFKA("kafka", "a Kafka topic", List.of(
                new Parameter("topic", Kind.TOPIC, null, "the topic read; its dead letters go to <topic>.dlq"),
                new Parameter("groupId", Kind.GROUP, null, "the consumer group; its committed offsets are where a "
                        + "restart resumes"),
                new Parameter("autoStartup", Kind.BOOLEAN, "true", "false declares the pipeline without running it, "
                        + "e.g. \"{{sluice.kafka.enabled:false}}\""))),
        HTTP("http", "records posted to POST /pipelines/<routeId>/records (spooled to disk before the answer)",
                List.of());

        final String prefix;
        final String description;
        final List<Parameter> parameters;

        Source(String prefix, String description, List<Parameter> parameters) {
            this.prefix = prefix;
            this.description = description;
            this.parameters = parameters;
        }
    }

    /** Where a template's records go. */
    public enum Sink {
        TABLE("table", "a table of the sink database", List.of(
                new Parameter("table", Kind.TABLE, null, "the table rows are written to (made by a migration)"),
                new Parameter("mode", Kind.MODE, "insert", "insert (a held key is a replay or a conflict) or upsert (the "
                        + "later record replaces the row)"),
                new Parameter("key", Kind.COLUMNS, "", "the columns that identify a row (default the primary key)"),
                new Parameter("unmapped", Kind.UNMAPPED, "", "fields no column takes"),
                new Parameter("version", Kind.VERSION, "", "with mode upsert: a record replaces its key's row only when "
                        + "its version is greater (an older one is stale: not written, counted); without it the later "
                        + "arrival wins"),
                new Parameter("rounding", Kind.ROUNDING, "", "how a value with more decimals than its decimal column "
                        + "is rounded to the column's scale; empty: never rounded, the record is a dead letter"))),
        TOPIC("topic", "a Kafka topic, keyed by a field", List.of(
                new Parameter("sinkTopic", Kind.TOPIC, null, "the topic written to"),
                new Parameter("keyField", Kind.FIELD, null, "the field whose value keys each message, so one key's "
                        + "records stay in order")));

        final String suffix;
        final String description;
        final List<Parameter> parameters;

        Sink(String suffix, String description, List<Parameter> parameters) {
            this.suffix = suffix;
            this.description = description;
            this.parameters = parameters;
        }
    }

    /** The stages of a pipeline without stages: none, the parsed record goes on as it is. */
    static final String NO_STAGES = "direct:sluice-no-stages";

    /** The parameters every template takes after its source's and sink's. */
    private static final List<Parameter> STEPS = List.of(
            new Parameter("parser", Kind.PARSER, "sluiceJsonRecord", "the bean that parses each record"),
            new Parameter("stages", Kind.STAGES, NO_STAGES, "the stages route each parsed record goes through "
                    + "(compiled once into calls: no exchange per record)"),
            new Parameter("batchSize", Kind.COUNT, "500", "records per batch (a file's records join a batch "
                    + "in chunks of up to 100 lines, so a batch of a file may close up to 99 records over it)"),
            new Parameter("batchWindow", Kind.WINDOW, "1000", "longest a batch stays open after its first record"),
            new Parameter("batchBytes", Kind.BYTES, "", "bytes of records (as read) at which a batch closes before its "
                    + "size"));

    /** The parameter Sluice gives an HTTP template itself: the endpoint of the pipeline's spool. */
    static final String SPOOL_URI = "spoolUri";
    /** The parameter Sluice gives every template itself: the bean of its parser and stages, compiled. */
    static final String RECORDS = "records";

    /** A template: its id is {@code <source>-to-<sink>}. */
    public record Template(String id, Source source, Sink sink, List<Parameter> parameters) {

        Optional<Parameter> parameter(String name) {
            return parameters.stream().filter(parameter -> parameter.name().equals(name)).findFirst();
        }

        /**
         * The parameter names Camel's template has: the declared ones, the compiled stages, and the spool of HTTP
         * templates.
         */
        public List<String> camelParameters() {
            List<String> names = new ArrayList<>(parameters.stream().map(Parameter::name).toList());
            names.add(RECORDS);
            if (source == Source.HTTP) {
                names.add(SPOOL_URI);
            }
            return names;
        }
    }

    private static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

    static {
        for (Source source : Source.values()) {
            for (Sink sink : Sink.values()) {
                List<Parameter> parameters = new ArrayList<>(source.parameters);
                parameters.addAll(sink.parameters);
                parameters.addAll(STEPS);
                Template template = new Template(source.prefix + "-to-" + sink.suffix, source, sink, List.copyOf(parameters));
                TEMPLATES.put(template.id(), template);
            }
        }
    }

    private Templates() {
    }

    static Optional<Template> named(String id) {
        return Optional.ofNullable(TEMPLATES.get(id));
    }

    public static List<Template> all() {
        return List.copyOf(TEMPLATES.values());
    }

    /** The template to use instead of a route that reads {@code uri}, for a message. */
    static String insteadOf(String uri) {
        String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
        String source = switch (scheme) {
            case "file" -> "files";
            case "kafka" -> "kafka";
            case "platform-http", "rest", "http", "https", "netty-http", "undertow", "jetty" -> "http";
            default -> null;
        };
        List<String> ids = TEMPLATES.keySet().stream().filter(id -> source == null || id.startsWith(source + "-")).toList();
        return String.join(" or ", ids);
    }
}
