package dev.sluice.sink;


import dev.sluice.config.SluiceConfig;
import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import dev.sluice.dependency.KafkaProducers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.eclipse.microprofile.health.Readiness;

/**
 * Makes the {@link SinkWriter} of every sink with the service's collaborators, injected once; and registers the sink
 * components pipelines write with: {@code sluice-table:<table>} ({@link JdbcSink}) and
 * {@code sluice-topic:<topic>?keyField=<field>} ({@link KafkaSink}).
 */
@ApplicationScoped
public class SinkWriters {

    public static final String TABLE_SCHEME = "sluice-table";
    public static final String TOPIC_SCHEME = "sluice-topic";

    private final DeadLetterQueue deadLetters;
    private final DependencyHealth health;
    private final SluiceConfig config;
    private final Database database;
    private final KafkaProducers kafka;

    private final CamelContext camel;
    private final TopicCaptures captures;

    public SinkWriters(DeadLetterQueue deadLetters, @Readiness DependencyHealth health, SluiceConfig config,
            Database database, KafkaProducers kafka, CamelContext camel, TopicCaptures captures) {
        this.captures = captures;
        this.deadLetters = deadLetters;
        this.health = health;
        this.config = config;
        this.database = database;
        this.kafka = kafka;
        this.camel = camel;
    }

    /** Before the pipelines are loaded, so their {@code to:} steps find the sink components. */
    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().addComponent(TABLE_SCHEME,
                new SinkComponent(this, (table, options) -> new JdbcSink(table,
                        TableOptions.of(options.optional("mode"), options.optional("key"), options.optional("unmapped"),
                                options.optional("version"), options.optional("rounding")),
                        database)));
        event.getCamelContext().addComponent(TOPIC_SCHEME, new SinkComponent(this,
                (topic, options) -> config.fixturesDir().isPresent() ? captures.sink(topic, options.take("keyField"))
                        : new KafkaSink(topic, options.take("keyField"), kafka)));
    }

    /** The writer of any sink, a Java user's included. */
    public SinkWriter writer(BatchSink sink) {
        return new SinkWriter(sink, deadLetters, health, config.retry(), camel);
    }
}
