package dev.sluice.api;

import org.apache.camel.model.ProcessorDefinition;

/** Where a Java pipeline writes its batches: a ready sink of {@link Sinks}, or a {@link DataSink} of your own. */
public abstract class Sink {

    Sink() {
    }

    /** Adds the step that writes one batch (a {@code Batch} body) and settles its records. */
    abstract void addTo(ProcessorDefinition<?> batchSteps, SluiceApi api);
}
