package dev.sluice.sink;

import java.util.Map;

import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * A Camel component whose endpoints are sinks: {@code to: sluice-table:orders} in a batch's steps writes the batch
 * through the sink's {@link SinkWriter}. An option the sink does not know fails the route at start.
 */
final class SinkComponent extends DefaultComponent {

    /** Makes the sink of one endpoint from the URI's path and options. */
    @FunctionalInterface
    interface Factory {
        BatchSink create(String path, Options options) throws Exception;
    }

    /** The endpoint's options; each taken one is removed, and Camel refuses any left. */
    static final class Options {
        private final Map<String, Object> parameters;
        private final String uri;

        Options(String uri, Map<String, Object> parameters) {
            this.uri = uri;
            this.parameters = parameters;
        }

        /** The option's value, or null when the URI does not give it. */
        String optional(String name) {
            Object value = parameters.remove(name);
            return value == null ? null : value.toString();
        }

        String take(String name) {
            Object value = parameters.remove(name);
            if (value == null) {
                throw new IllegalArgumentException(uri + " needs the option " + name);
            }
            return value.toString();
        }
    }

    private final SinkWriters writers;
    private final Factory factory;

    SinkComponent(SinkWriters writers, Factory factory) {
        this.writers = writers;
        this.factory = factory;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        return new SinkEndpoint(uri, this, writers.writer(factory.create(remaining, new Options(uri, parameters))));
    }

    private static final class SinkEndpoint extends DefaultEndpoint {
        private final SinkWriter writer;

        SinkEndpoint(String uri, Component component, SinkWriter writer) {
            super(uri, component);
            this.writer = writer;
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    writer.process(exchange);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException(getEndpointUri() + " is a sink: write to it with to:");
        }
    }

}
