package dev.sluice.app;

import dev.sluice.ops.DeadLetters;
import dev.sluice.ops.PipelineReport;
import dev.sluice.ops.PipelinesResource;
import dev.sluice.record.FatalError;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.StageException;
import dev.sluice.record.UnavailableException;
import dev.sluice.source.JsonLinesSplitter;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Every class reached only by reflection, so a native executable can load it. The beans of routes files need no
 * entry: Sluice makes them itself, with {@code new} and their setters (dev.sluice.routes.BeanTypes). Add a class here
 * when Camel or a library starts finding it by name (a {@code method} a route calls by name, an exception an error
 * handler matches, a class named in configuration, a type written as JSON).
 */
@RegisterForReflection(targets = {
        // the templates split a file with method(jsonLines, split), called by name
        JsonLinesSplitter.class,
        // exceptions the error handling matches by type
        InvalidRecordException.class, StageException.class, UnavailableException.class, FatalError.class,
        // named in configuration (camel.component.kafka.*-deserializer) and made by the Kafka client
        ByteArrayDeserializer.class, ByteArraySerializer.class,
        // written and read as JSON by /pipelines
        PipelineReport.class, DeadLetters.Outcome.class, PipelinesResource.ReplayRequest.class })
public final class ReflectionConfiguration {

    private ReflectionConfiguration() {
    }
}
