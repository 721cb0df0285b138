package dev.sluice.source;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.config.SluiceConfig;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import dev.sluice.dependency.KafkaProducers;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.PollOnError;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Makes every route that consumes from {@code kafka:} a Kafka pipeline that loses nothing: it checks the consumer's
 * settings before the route starts (refusing those that commit ahead of the data or skip records in Camel 4.17, see
 * docs/delivery-guarantees.md) and installs the pipeline's {@link KafkaOffsetCommitter}.
 */
// a singleton, not application-scoped: used for every record, so no client proxy looks up the instance on each call
@Singleton
public class KafkaPipelines extends LifecycleStrategySupport {

    private final PipelineRuntimes runtimes;
    private final SluiceConfig config;

    public KafkaPipelines(PipelineRuntimes runtimes, SluiceConfig config) {
        this.runtimes = runtimes;
        this.config = config;
    }

    /**
     * Watches Kafka consumers being added, and gives every Kafka endpoint the service's security settings and
     * consumer threads.
     */
    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().addLifecycleStrategy(this);
        KafkaComponent kafka = event.getCamelContext().getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setAdditionalProperties(KafkaProducers.security(config.kafka()));
        kafka.getConfiguration().setConsumersCount(config.kafka().consumers());
    }

    /** A route's consumer is created, not started yet: the moment to check it and give it a committer. */
    @Override
    public void onServiceAdd(CamelContext context, Service service, Route route) {
        if (service instanceof KafkaConsumer consumer && route != null) {
            refuseUnsafe(consumer.getEndpoint().getConfiguration(), route.getRouteId());
            PipelineRuntime runtime = runtimes.find(route.getRouteId()).orElse(null);
            if (runtime == null) {
                return; // an application's own Kafka route, no pipeline: nothing of Sluice's to commit
            }
            KafkaOffsetCommitter committer = new KafkaOffsetCommitter(runtime.stats(), config.kafka().lagInterval(),
                    config.kafka().maxInFlight());
            consumer.setConsumerListener(committer);
            runtime.attach(KafkaOffsetCommitter.class, committer);
        }
    }

    @Override
    public void onServiceRemove(CamelContext context, Service service, Route route) {
        if (service instanceof KafkaConsumer consumer && route != null
                && consumer.getConsumerListener() instanceof KafkaOffsetCommitter committer) {
            committer.close();
            runtimes.find(route.getRouteId()).ifPresent(runtime -> runtime.detach(KafkaOffsetCommitter.class,
                    committer));
        }
    }

    /** Fails the route's start on settings under which Camel 4.17 commits ahead of the data or skips records. */
    static void refuseUnsafe(KafkaConfiguration kafka, String routeId) {
        List<String> problems = new ArrayList<>();
        if (kafka.isAutoCommitEnable()) {
            problems.add("autoCommitEnable must be false: the client would commit records still in a batch");
        }
        if (kafka.isBatching()) {
            problems.add("batching must be false: batching commits skip prefetched records (CAMEL-23994)");
        }
        if (kafka.getOffsetRepository() != null) {
            problems.add("offsetRepository must not be set: it leaves auto-commit on (CAMEL-23997)");
        }
        if (kafka.getPollOnError() != PollOnError.RECONNECT && kafka.getPollOnError() != PollOnError.RETRY) {
            problems.add("pollOnError must be RECONNECT or RETRY: " + kafka.getPollOnError()
                    + " skips a record on every partition after a poll error (CAMEL-23994)");
        }
        if (kafka.isBreakOnFirstError()) {
            problems.add("breakOnFirstError must be false: failed records are dead-lettered, not retried by seeking");
        }
        if (kafka.getConsumersCount() < 1) {
            problems.add("consumersCount must be 1 or more (sluice.kafka.consumers)");
        }
        if (!ByteArrayDeserializer.class.getName().equals(kafka.getValueDeserializer())) {
            problems.add("valueDeserializer must be " + ByteArrayDeserializer.class.getName()
                    + ": records are parsed, and dead-lettered, from their exact bytes");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Kafka pipeline " + routeId + " would not keep Sluice's delivery promise: "
                    + String.join("; ", problems));
        }
    }
}
