package dev.sluice.api;

import org.apache.camel.Processor;

/** Where a Java pipeline writes its batches: a ready sink of {@link Sinks}, or a {@link DataSink} of your own. */
public abstract class Sink {

    Sink() {
    }

    /** The step that writes one batch (a {@code Batch} body) and settles its records. */
    abstract Processor processor(SluiceApi api);
}
