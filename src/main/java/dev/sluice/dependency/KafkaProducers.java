package dev.sluice.dependency;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.sluice.config.SluiceConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one Kafka producer of the service, shared by the Kafka sinks and the dead-letter topics, made on first use.
 * Every send is acknowledged by all in-sync replicas and idempotent, so the producer's own retries neither lose
 * nor repeat records; set explicitly rather than trusted to client defaults.
 */
@ApplicationScoped
public class KafkaProducers {

    private final SluiceConfig.Kafka config;
    private volatile Producer<byte[], byte[]> producer;

    public KafkaProducers(SluiceConfig config) {
        this.config = config.kafka();
    }

    public Producer<byte[], byte[]> producer() {
        Producer<byte[], byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                current = producer;
                if (current == null) {
                    Map<String, Object> settings = new HashMap<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                            ProducerConfig.CLIENT_ID_CONFIG, "sluice",
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                            ProducerConfig.LINGER_MS_CONFIG, 5,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                            // a send to a broker that is away fails fast, and the sink retries it
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000));
                    settings.putAll(security(config));
                    current = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
                    producer = current;
                }
            }
        }
        return current;
    }

    /** The security settings of every Kafka client of the service, from {@code sluice.kafka.*}. */
    public static Map<String, Object> security(SluiceConfig.Kafka kafka) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, kafka.securityProtocol());
        kafka.saslMechanism().ifPresent(value -> settings.put(SaslConfigs.SASL_MECHANISM, value));
        kafka.saslJaasConfig().ifPresent(value -> settings.put(SaslConfigs.SASL_JAAS_CONFIG, value));
        kafka.sslTruststoreLocation().ifPresent(value -> settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, value));
        kafka.sslTruststorePassword().ifPresent(value -> settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, value));
        return settings;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
