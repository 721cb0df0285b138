package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.StageException;
import dev.sluice.record.TestAcks;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What a custom stage must implement, and what happens to whatever it throws. */
class PipelineStageContractTest {

    @Test
    void aStageThatImplementsNeitherMethodDoesNotCompile() {
        List<String> errors = compile("class NoAnswer implements dev.sluice.stage.PipelineStage {}",
                "class NoAsyncAnswer implements dev.sluice.stage.AsyncPipelineStage {}");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).contains("NoAnswer is not abstract and does not override abstract method apply");
        assertThat(errors.get(1)).contains("NoAsyncAnswer is not abstract and does not override abstract method applyAsync");
    }

    @Test
    void anErrorThrownByAStageFailsTheRecordWithTheStagesName() {
        for (Throwable thrown : List.of(new AssertionError("expected 3"), new StackOverflowError(),
                new NoClassDefFoundError("com/acme/Missing"), new IllegalStateException("plain"))) {
            PipelineStage stage = named("checks", record -> {
                throw sneaky(thrown);
            });
            Exchange exchange = recordExchange();

            boolean sync = stage.process(exchange, done -> {
            });

            assertThat(sync).isTrue();
            assertThat(exchange.getException()).isInstanceOf(StageException.class).hasCause(thrown);
            assertThat(((StageException) exchange.getException()).stage()).isEqualTo("checks");
        }
    }

    @Test
    void anAsyncStageThatFailsLaterFailsTheRecord() {
        AsyncPipelineStage stage = record -> CompletableFuture.failedFuture(new AssertionError("late"));
        Exchange exchange = recordExchange();

        stage.process(exchange, done -> {
        });

        assertThat(exchange.getException()).isInstanceOf(StageException.class).cause().hasMessage("late");
    }

    private static Exchange recordExchange() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        new RecordOrigin(dev.sluice.Unwatched.stats("p"), new Location.FileLine("f", 1),
                new byte[0], TestAcks.NONE, false).attachTo(exchange);
        exchange.getIn().setBody(new HashMap<String, Object>(Map.of("a", 1)));
        return exchange;
    }

    private static PipelineStage named(String name, PipelineStage stage) {
        return new PipelineStage() {
            @Override
            public Map<String, Object> apply(Map<String, Object> record) throws Exception {
                return stage.apply(record);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** Compiles each source on its own against the test class path; returns the first error of each. */
    private static List<String> compile(String... sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> firstErrors = new ArrayList<>();
        for (String source : sources) {
            String name = source.split(" ")[1];
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            File out = new File("target/contract-classes");
            out.mkdirs();
            compiler.getTask(null, null, diagnostics, List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    out.getPath()), null, List.of(file)).call();
            diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getMessage(null)).findFirst().ifPresent(firstErrors::add);
        }
        return firstErrors;
    }
}
