package dev.sluice.app;

import dev.sluice.ops.PipelineReport;
import dev.sluice.record.UnavailableException;
import dev.sluice.source.JsonLinesSplitter;
import dev.sluice.stage.FieldEquals;
import dev.sluice.stage.Fields;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.ProcessingTime;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.record.StageException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Every class that pipelines name, so a native executable can load them: YAML pipelines and configuration are read
 * at run time, after the native image was built, and reach these classes only by reflection. Add a class here when a
 * pipeline starts naming it (a {@code beans: type}, a {@code bean: ref} whose methods are called, an exception an
 * error handler matches). CDI beans invoked through an interface ({@code process: ref}) need no entry.
 */
@RegisterForReflection(targets = {
        // beans: pipelines create them and Camel calls their setters
        JsonRecordParser.class, ReferenceLookup.class, FieldEquals.class, ProcessingTime.class,
        // bean: / method: pipelines call their methods by name
        Fields.class, JsonLinesSplitter.class,
        // exceptions the error handling matches by type
        InvalidRecordException.class, StageException.class, UnavailableException.class,
        // named in configuration (camel.component.kafka.*-deserializer) and made by the Kafka client
        ByteArrayDeserializer.class, ByteArraySerializer.class,
        // written as JSON by /pipelines
        PipelineReport.class })
public final class ReflectionConfiguration {

    private ReflectionConfiguration() {
    }
}
