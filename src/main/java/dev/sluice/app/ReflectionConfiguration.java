package dev.sluice.app;

import dev.sluice.ops.DeadLetters;
import dev.sluice.ops.PipelineReport;
import dev.sluice.ops.PipelinesResource;
import dev.sluice.record.FatalError;
import dev.sluice.record.UnavailableException;
import dev.sluice.source.JsonLinesSplitter;
import dev.sluice.stage.FieldEquals;
import dev.sluice.stage.Fields;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.ProcessingTime;
import dev.sluice.stage.JqFilter;
import dev.sluice.stage.JqMapping;
import dev.sluice.stage.QueryLookup;
import dev.sluice.stage.ReferenceLookup;
import dev.sluice.stage.ReferenceTable;
import dev.sluice.record.StageException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.camel.component.jdbc.JdbcComponent;
import org.apache.camel.component.jdbc.JdbcComponentConfigurer;
import org.apache.camel.component.jdbc.JdbcEndpoint;
import org.apache.camel.component.jdbc.JdbcEndpointConfigurer;
import org.apache.camel.component.jdbc.JdbcEndpointUriFactory;
import org.apache.camel.language.jq.JqLanguage;
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
        JsonRecordParser.class, ReferenceLookup.class, ReferenceTable.class, FieldEquals.class, ProcessingTime.class,
        JqMapping.class, JqFilter.class, QueryLookup.class,
        // plain Camel components and languages (no Camel Quarkus extension here), found through META-INF/services
        JqLanguage.class, JdbcComponent.class, JdbcComponentConfigurer.class, JdbcEndpoint.class,
        JdbcEndpointConfigurer.class, JdbcEndpointUriFactory.class,
        // bean: / method: pipelines call their methods by name
        Fields.class, JsonLinesSplitter.class,
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
