package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.PollOnError;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer settings under which camel-kafka 4.17 commits ahead of the data or skips records cannot run a
 * Sluice pipeline (the bugs are listed in docs/delivery-guarantees.md); the settings Sluice ships with can.
 */
class KafkaPipelinesTest {

    /** What application.properties sets for every Kafka endpoint. */
    static KafkaConfiguration shipped() {
        KafkaConfiguration kafka = new KafkaConfiguration();
        kafka.setAutoCommitEnable(false);
        kafka.setPollOnError(PollOnError.RECONNECT);
        kafka.setValueDeserializer(ByteArrayDeserializer.class.getName());
        return kafka;
    }

    @Test
    void acceptsTheShippedSettings() {
        assertThatCode(() -> KafkaPipelines.refuseUnsafe(shipped(), "p")).doesNotThrowAnyException();
        KafkaConfiguration retry = shipped();
        retry.setPollOnError(PollOnError.RETRY);
        assertThatCode(() -> KafkaPipelines.refuseUnsafe(retry, "p")).doesNotThrowAnyException();
    }

    @Test
    void refusesAutoCommit() {
        KafkaConfiguration kafka = shipped();
        kafka.setAutoCommitEnable(true);
        assertRefused(kafka, "autoCommitEnable must be false");
    }

    @Test
    void refusesBatchingWhoseCommitsSkipPrefetchedRecords() {
        KafkaConfiguration kafka = shipped();
        kafka.setBatching(true);
        assertRefused(kafka, "batching must be false");
    }

    @Test
    void refusesAnOffsetRepositoryThatLeavesAutoCommitOn() {
        KafkaConfiguration kafka = shipped();
        kafka.setOffsetRepository(new MemoryStateRepository());
        assertRefused(kafka, "offsetRepository must not be set");
    }

    @Test
    void refusesPollErrorStrategiesThatSeekPastARecord() {
        for (PollOnError strategy : new PollOnError[] { PollOnError.DISCARD, PollOnError.ERROR_HANDLER,
                PollOnError.STOP }) {
            KafkaConfiguration kafka = shipped();
            kafka.setPollOnError(strategy);
            assertRefused(kafka, "pollOnError must be RECONNECT or RETRY");
        }
    }

    @Test
    void refusesNoConsumerThreadAndDeserializersThatChangeTheBytes() {
        KafkaConfiguration threads = shipped();
        threads.setConsumersCount(0);
        assertRefused(threads, "consumersCount must be 1 or more");
        KafkaConfiguration strings = shipped();
        strings.setValueDeserializer(StringDeserializer.class.getName());
        assertRefused(strings, "valueDeserializer must be");
        KafkaConfiguration breaking = shipped();
        breaking.setBreakOnFirstError(true);
        assertRefused(breaking, "breakOnFirstError must be false");
    }

    private static void assertRefused(KafkaConfiguration kafka, String reason) {
        assertThatThrownBy(() -> KafkaPipelines.refuseUnsafe(kafka, "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Kafka pipeline p would not keep Sluice's delivery promise")
                .hasMessageContaining(reason);
    }
}
