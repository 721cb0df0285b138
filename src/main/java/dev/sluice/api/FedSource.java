package dev.sluice.api;

import java.util.function.Consumer;

import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

/** A source whose records Java code hands to the pipeline's route, through a {@code direct:} endpoint of its own. */
abstract class FedSource extends Source {

    /** Not blocking: a record handed to a stopped pipeline fails at once instead of waiting for its route. */
    @Override
    final String uri(String pipeline) {
        return "direct:sluice-" + pipeline + "?block=false";
    }

    @Override
    final void route(RouteDefinition route, SluiceApi api, Consumer<ProcessorDefinition<?>> recordSteps) {
        recordSteps.accept(route);
    }
}
