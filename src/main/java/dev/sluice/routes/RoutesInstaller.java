package dev.sluice.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import dev.sluice.source.HttpSpool;
import dev.sluice.source.HttpSpools;
import dev.sluice.stage.JqFilter;
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

    /** What one install added, to take out again: its beans by name, its routes and its HTTP spools. */
    record Installed(Map<String, Object> beans, List<String> routes, List<String> spools) {
        static final Installed NONE = new Installed(Map.of(), List.of(), List.of());
    }

    private final CamelContext camel;
    private final SluiceConfig config;
    /** The spools of HTTP pipelines; null outside the service ({@code validate}). */
    private final HttpSpools spools;

    RoutesInstaller(CamelContext camel, SluiceConfig config, HttpSpools spools) {
        this.camel = camel;
        this.config = config;
        this.spools = spools;
    }

    /** Adds the set: its beans made and bound, then its stages routes and its pipelines. */
    Installed install(RouteSet set) throws Exception {
        Map<String, Object> beans = new LinkedHashMap<>();
        for (Bean bean : set.beans().values()) {
            Object object = bean.type().make(bean.values());
            if (object instanceof CamelContextAware aware) {
                aware.setCamelContext(camel);
            }
            camel.getRegistry().bind(bean.name(), object);
            beans.put(bean.name(), object);
        }
        List<String> routes = new ArrayList<>();
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
        List<String> spooled = new ArrayList<>();
        for (Pipeline pipeline : set.pipelines().values()) {
            Map<String, Object> parameters = new LinkedHashMap<>(pipeline.parameters());
            if (pipeline.template().source() == Templates.Source.HTTP) {
                HttpSpool spool = new HttpSpool(Path.of(config.http().spoolDir(), pipeline.id()),
                        config.http().maxSpoolBytes(), config.http().maxSenderShare());
                parameters.put(Templates.SPOOL_URI, spool.consumerUri());
                if (spools != null) {
                    spools.register(pipeline.id(), spool);
                    spooled.add(pipeline.id());
                }
            }
            TemplatedRouteBuilder.builder(camel, pipeline.template().id()).routeId(pipeline.id()).parameters(parameters)
                    .add();
            routes.add(pipeline.id());
        }
        return new Installed(Map.copyOf(beans), List.copyOf(routes), List.copyOf(spooled));
    }

    /** Takes out what an install added: its routes stopped and removed, its beans unbound, its spools closed. */
    void uninstall(Installed installed) throws Exception {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> definitions = model.getRouteDefinitions().stream()
                .filter(route -> installed.routes().contains(route.getRouteId())).toList();
        model.removeRouteDefinitions(new ArrayList<>(definitions));
        installed.beans().keySet().forEach(camel.getRegistry()::unbind);
        if (spools != null) {
            installed.spools().forEach(spools::remove);
        }
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
            JqFilter filter = new JqFilter();
            try {
                filter.setExpression(jq.program());
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e); // compiled once already by the check
            }
            filter.setCamelContext(camel);
            return byPredicate.apply(filter);
        }
        if (condition instanceof Ref ref) {
            return byPredicate.apply(camel.getRegistry().lookupByNameAndType(ref.bean(), Predicate.class));
        }
        return byExpression.apply(new SimpleExpression(((Simple) condition).text()));
    }
}
