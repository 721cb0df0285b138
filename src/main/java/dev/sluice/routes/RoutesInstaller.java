package dev.sluice.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.sluice.config.SluiceConfig;
import dev.sluice.routes.RoutesModel.Bean;
import dev.sluice.routes.RoutesModel.Choice;
import dev.sluice.routes.RoutesModel.Condition;
import dev.sluice.routes.RoutesModel.Filter;
import dev.sluice.routes.RoutesModel.Jq;
import dev.sluice.routes.RoutesModel.Log;
import dev.sluice.routes.RoutesModel.Pipeline;
import dev.sluice.routes.RoutesModel.Process;
import dev.sluice.routes.RoutesModel.Ref;
import dev.sluice.routes.RoutesModel.Simple;
import dev.sluice.routes.RoutesModel.StageRoute;
import dev.sluice.routes.RoutesModel.Step;
import dev.sluice.routes.RoutesModel.To;
import dev.sluice.routes.RoutesModel.When;
import dev.sluice.engine.CompiledStages;
import dev.sluice.engine.RouteSource;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.source.HttpSpool;
import dev.sluice.stage.JqFilter;
import dev.sluice.stage.JsonRecordParser;
import dev.sluice.stage.PipelineStage;
import dev.sluice.stage.RecordCondition;
import dev.sluice.stage.RecordStage;
import dev.sluice.stage.StageRunner;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.LogDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.StopDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.SimpleExpression;
import org.apache.camel.support.ResourceHelper;

/**
 * Turns a checked {@link RouteSet} into Camel: its beans made by Sluice ({@code new} and setters, {@link BeanTypes})
 * and bound by name, its stages routes built step by step from the model, its pipelines added from Sluice's templates
 * with every parameter given; and takes them out again (a reload). Camel never reads a routes file.
 */
final class RoutesInstaller {

    /** What one install added, to take out again: its beans by name, its routes and its pipelines. */
    record Installed(Map<String, Object> beans, List<String> routes, List<String> pipelines) {
        static final Installed NONE = new Installed(Map.of(), List.of(), List.of());
    }

    /** The prefix of the name a pipeline's compiled stages are bound under. */
    private static final String COMPILED = "sluice-stages:";

    private final CamelContext camel;
    private final SluiceConfig config;
    private final PipelineRuntimes runtimes;

    RoutesInstaller(CamelContext camel, SluiceConfig config, PipelineRuntimes runtimes) {
        this.camel = camel;
        this.config = config;
        this.runtimes = runtimes;
    }

    /** The set's beans, made (not bound yet): a bean that cannot be made fails here, before anything changed. */
    Map<String, Object> beans(RouteSet set) throws Exception {
        Map<String, Object> beans = new LinkedHashMap<>();
        for (Bean bean : set.beans().values()) {
            Object object = bean.type().make(bean.values());
            if (object instanceof CamelContextAware aware) {
                aware.setCamelContext(camel);
            }
            beans.put(bean.name(), object);
        }
        return beans;
    }

    /**
     * Adds the set, as it is (at start-up, or put back after a failed reload): its beans made and bound, then its
     * stages routes and its pipelines.
     */
    Installed install(RouteSet set) throws Exception {
        return install(set, beans(set), set.pipelines().keySet());
    }

    /**
     * Adds the set with its beans made already: the beans bound, then its stages routes and its pipelines, each with
     * its runtime. All or nothing: when a route cannot be added or started, what was added is taken out again (the
     * runtimes of {@code own} stay, for the caller to keep or close; those it opened are closed) and this throws. A
     * pipeline may take over the runtime of one of {@code own} (the routes files' pipelines it replaces), never that
     * of another running pipeline (a Java one).
     */
    Installed install(RouteSet set, Map<String, Object> beans, Set<String> own) throws Exception {
        beans.forEach(camel.getRegistry()::bind);
        Map<String, Object> bound = new LinkedHashMap<>(beans);
        List<String> routes = new ArrayList<>();
        List<String> pipelines = new ArrayList<>();
        try {
            addRoutes(set, own, bound, routes, pipelines);
        } catch (Exception e) {
            try {
                uninstall(new Installed(bound, routes, pipelines));
            } catch (Exception alsoFailed) {
                e.addSuppressed(alsoFailed);
            } finally {
                pipelines.stream().filter(id -> !own.contains(id)).forEach(runtimes::close); // opened for nothing
            }
            throw e;
        }
        return new Installed(Map.copyOf(bound), List.copyOf(routes), List.copyOf(pipelines));
    }

    private void addRoutes(RouteSet set, Set<String> own, Map<String, Object> bound, List<String> routes,
            List<String> pipelines) throws Exception {
        for (RoutesModel.File file : set.files()) {
            // through a route builder, so Sluice's route configuration (its error handling) applies to them
            camel.addRoutes(new RouteBuilder(camel) {
                @Override
                public void configure() {
                    setResource(ResourceHelper.resolveResource(camel, "file:" + file.path()));
                    for (StageRoute route : file.routes()) {
                        getRouteCollection().route(stagesRoute(route));
                    }
                }
            });
            file.routes().forEach(route -> routes.add(route.id()));
        }
        for (Pipeline pipeline : set.pipelines().values()) {
            Templates.Source source = pipeline.template().source();
            PipelineRuntime runtime;
            try {
                runtime = runtimes.open(pipeline.id(), new RouteSource(camel, pipeline.id(),
                        source != Templates.Source.HTTP, PipelineCheck.source(pipeline)), existing -> own.contains(
                                pipeline.id()));
            } catch (IllegalStateException taken) {
                throw new IllegalStateException("pipeline " + pipeline.id() + " is a Java pipeline's name: give the "
                        + "routes file's pipeline another routeId", taken);
            }
            pipelines.add(pipeline.id());
            Map<String, Object> parameters = new LinkedHashMap<>(pipeline.parameters());
            if (source == Templates.Source.HTTP) {
                HttpSpool spool = new HttpSpool(Path.of(config.http().spoolDir(), pipeline.id()),
                        config.http().maxSpoolBytes(), config.http().maxSenderShare());
                parameters.put(Templates.SPOOL_URI, spool.consumerUri());
                runtime.attach(HttpSpool.class, spool);
            }
            String records = COMPILED + pipeline.id(); // no bean of a routes file has a name with a colon
            CompiledStages compiled = compile(set, bound, pipeline);
            camel.getRegistry().bind(records, compiled);
            bound.put(records, compiled);
            parameters.put(Templates.RECORDS, records);
            routes.add(pipeline.id());
            TemplatedRouteBuilder.builder(camel, pipeline.template().id()).routeId(pipeline.id()).parameters(parameters)
                    .add();
        }
    }

    /**
     * Takes out what an install added: its routes stopped and removed, its beans unbound, its pipelines' spools
     * detached. Their runtimes stay: the caller closes those of pipelines that are gone.
     */
    void uninstall(Installed installed) throws Exception {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> definitions = model.getRouteDefinitions().stream()
                .filter(route -> installed.routes().contains(route.getRouteId())).toList();
        model.removeRouteDefinitions(new ArrayList<>(definitions));
        installed.beans().keySet().forEach(camel.getRegistry()::unbind);
        for (String pipeline : installed.pipelines()) {
            runtimes.find(pipeline).ifPresent(runtime -> runtime.part(HttpSpool.class)
                    .ifPresent(spool -> runtime.detach(HttpSpool.class, spool)));
        }
    }

    /** The parser and stages of a pipeline, compiled into the step its template runs on every chunk of records. */
    private CompiledStages compile(RouteSet set, Map<String, Object> bound, Pipeline pipeline) {
        Map<String, StageRoute> byDirect = new HashMap<>();
        set.files().forEach(file -> file.routes().forEach(route -> byDirect.put("direct:" + route.direct(), route)));
        StageRoute stages = byDirect.get(pipeline.parameters().get("stages"));
        return new CompiledStages(camel, bean(bound, pipeline.parameters().get("parser"), JsonRecordParser.class),
                stages == null ? List.of() : compile(stages.steps(), stages.id(), bound, byDirect));
    }

    private List<CompiledStages.Step> compile(List<Step> steps, String route, Map<String, Object> bound,
            Map<String, StageRoute> byDirect) {
        List<CompiledStages.Step> compiled = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Filter filter) {
                compiled.add(new CompiledStages.Filter(condition(filter.condition(), bound),
                        compile(filter.steps(), route, bound, byDirect), route));
            } else if (step instanceof Choice choice) {
                compiled.add(new CompiledStages.Choice(choice.whens().stream().map(when -> new CompiledStages.When(
                        condition(when.condition(), bound), compile(when.steps(), route, bound, byDirect), route))
                        .toList(), choice.otherwise() == null ? List.of()
                                : compile(choice.otherwise(), route, bound, byDirect)));
            } else if (step instanceof Process process) {
                compiled.add(new CompiledStages.Apply(stage(bean(bound, process.ref(), Object.class)), route));
            } else if (step instanceof Log log) {
                compiled.add(CompiledStages.log(camel, log.message(), log.level(), log.logName(), route));
            } else if (step instanceof To to) {
                // the route it sends to, in place: the check refused cycles
                StageRoute next = byDirect.get("direct:" + to.direct());
                compiled.addAll(compile(next.steps(), next.id(), bound, byDirect));
            } else {
                compiled.add(new CompiledStages.Stop());
            }
        }
        return compiled;
    }

    /** A stage as the compiled stages call it: Sluice's own directly, an application's through its runner. */
    private static RecordStage stage(Object bean) {
        if (bean instanceof RecordStage own) {
            return own;
        }
        PipelineStage stage = (PipelineStage) bean; // the check allows only stages here
        return (record, origin) -> StageRunner.apply(stage, record, origin);
    }

    private CompiledStages.Condition condition(Condition condition, Map<String, Object> bound) {
        if (condition instanceof Jq jq) {
            return CompiledStages.Condition.of(jqFilter(jq));
        }
        if (condition instanceof Ref ref) {
            return CompiledStages.Condition.of(bean(bound, ref.bean(), RecordCondition.class));
        }
        Predicate simple = camel.resolveLanguage("simple").createPredicate(((Simple) condition).text());
        simple.init(camel);
        return CompiledStages.Condition.simple(simple);
    }

    /** A bean of the routes files, else of the application. */
    private <T> T bean(Map<String, Object> bound, String name, Class<T> type) {
        Object bean = bound.containsKey(name) ? bound.get(name) : camel.getRegistry().lookupByName(name);
        if (!type.isInstance(bean)) {
            throw new IllegalStateException("bean " + name + " is not a " + type.getSimpleName());
        }
        return type.cast(bean);
    }

    private JqFilter jqFilter(Jq jq) {
        JqFilter filter = new JqFilter();
        try {
            filter.setExpression(jq.program());
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e); // compiled once already by the check
        }
        filter.setCamelContext(camel);
        return filter;
    }

    private RouteDefinition stagesRoute(StageRoute stages) {
        RouteDefinition route = new RouteDefinition();
        route.from("direct:" + stages.direct());
        route.routeId(stages.id());
        route.setLocation(stages.spot().file().toString());
        route.setLineNumber(stages.spot().line());
        steps(route::addOutput, stages.steps());
        return route;
    }

    /** Builds each step and hands it to {@code parent} (a route, a filter, a when, an otherwise). */
    private void steps(Consumer<ProcessorDefinition<?>> parent, List<Step> steps) {
        for (Step step : steps) {
            ProcessorDefinition<?> definition = step(step);
            if (step.id() != null) {
                definition.setId(step.id());
            }
            definition.setLineNumber(step.spot().line());
            definition.setLocation(step.spot().file().toString());
            parent.accept(definition);
        }
    }

    private ProcessorDefinition<?> step(Step step) {
        if (step instanceof Filter filter) {
            FilterDefinition definition = condition(filter.condition(), FilterDefinition::new, FilterDefinition::new);
            steps(definition::addOutput, filter.steps());
            return definition;
        }
        if (step instanceof Choice choice) {
            ChoiceDefinition definition = new ChoiceDefinition();
            for (When when : choice.whens()) {
                WhenDefinition branch = condition(when.condition(), WhenDefinition::new, WhenDefinition::new);
                steps(branch::addOutput, when.steps());
                definition.addOutput(branch);
            }
            if (choice.otherwise() != null) {
                OtherwiseDefinition otherwise = new OtherwiseDefinition();
                steps(otherwise::addOutput, choice.otherwise());
                definition.setOtherwise(otherwise);
            }
            return definition;
        }
        if (step instanceof Process process) {
            ProcessDefinition definition = new ProcessDefinition();
            definition.setRef(process.ref());
            return definition;
        }
        if (step instanceof Log log) {
            LogDefinition definition = new LogDefinition(log.message());
            definition.setLoggingLevel(log.level());
            if (log.logName() != null) {
                definition.setLogName(log.logName());
            }
            return definition;
        }
        if (step instanceof To to) {
            return new ToDefinition("direct:" + to.direct());
        }
        return new StopDefinition();
    }

    /** A filter or a when of a condition: jq and a bean as the predicate itself, simple as Camel's language. */
    private <T> T condition(Condition condition, Function<Predicate, T> byPredicate,
            Function<ExpressionDefinition, T> byExpression) {
        if (condition instanceof Jq jq) {
            return byPredicate.apply(jqFilter(jq));
        }
        if (condition instanceof Ref ref) {
            return byPredicate.apply(camel.getRegistry().lookupByNameAndType(ref.bean(), Predicate.class));
        }
        return byExpression.apply(new SimpleExpression(((Simple) condition).text()));
    }
}
