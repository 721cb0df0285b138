package dev.sluice.routes;

import dev.sluice.record.Chunk;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * The Camel route templates of {@link Templates}, one per source and sink, each with the steps the delivery promise
 * depends on: the split of a file into chunks of records (a few lines in memory at a time) and {@code awaitSettled},
 * which holds a file until each of its records is written or dead-lettered; {@code kafkaRecords}, which commits only
 * the offsets of settled records; the parser and stages compiled into one step ({@code CompiledStages}); the batch
 * aggregate around the sink. Sluice gives every parameter.
 */
public final class TemplateRoutes extends RouteBuilder {

    /** Adds the templates to a Camel context: at start-up, and to the context {@code validate} installs into. */
    public static void addTo(CamelContext camel) throws Exception {
        camel.addRoutes(new TemplateRoutes());
    }

    @Override
    public void configure() {
        for (Templates.Template template : Templates.all()) {
            RouteTemplateDefinition definition = routeTemplate(template.id());
            template.camelParameters().forEach(definition::templateParameter);
            RouteDefinition route = definition.from(switch (template.source()) {
                case FILES -> "file:{{inputDir}}";
                case KAFKA -> "kafka:{{topic}}?groupId={{groupId}}";
                case HTTP -> "{{" + Templates.SPOOL_URI + "}}";
            });
            if (template.source() == Templates.Source.KAFKA) {
                route.autoStartup("{{autoStartup}}");
                records(route.process("kafkaRecords"), template);
            } else {
                // a spool file is read like a file of a directory
                ProcessorDefinition<?> split = route.split().method("jsonLines", "chunks").streaming();
                records(split, template);
                split.end().process("awaitSettled");
            }
        }
    }

    /**
     * What each chunk of records (or each Kafka record) goes through: its parser and stages, then the records they
     * kept into the batch and the sink.
     */
    private void records(ProcessorDefinition<?> records, Templates.Template template) {
        ProcessorDefinition<?> batch = records.process("{{" + Templates.RECORDS + "}}")
                .filter(exchange -> !Chunk.of(exchange).kept().isEmpty())
                .aggregate(constant("batch")).aggregationStrategy("batch").completionSize("{{batchSize}}")
                .completionTimeout("{{batchWindow}}");
        batch.to(switch (template.sink()) {
            case TABLE -> "sluice-table:{{table}}?mode={{mode}}&key={{key}}&unmapped={{unmapped}}&version={{version}}&rounding={{rounding}}";
            case TOPIC -> "sluice-topic:{{sinkTopic}}?keyField={{keyField}}";
        });
    }
}
