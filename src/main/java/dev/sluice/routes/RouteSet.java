package dev.sluice.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.sluice.routes.BeanTypes.Role;
import dev.sluice.routes.RoutesModel.Bean;
import dev.sluice.routes.RoutesModel.Choice;
import dev.sluice.routes.RoutesModel.Condition;
import dev.sluice.routes.RoutesModel.Filter;
import dev.sluice.routes.RoutesModel.Pipeline;
import dev.sluice.routes.RoutesModel.Process;
import dev.sluice.routes.RoutesModel.Ref;
import dev.sluice.routes.RoutesModel.StageRoute;
import dev.sluice.routes.RoutesModel.Step;
import dev.sluice.routes.RoutesModel.To;
import dev.sluice.routes.RoutesModel.When;

/**
 * The routes files of a directory, read and checked together: each name declared once (beans, routes, pipelines), no
 * bean taking the name of one of the application's, every reference to a bean of the role it is used in, every
 * {@code direct:} to a stages route of the files, and no stages route that reaches itself.
 */
public final class RouteSet {

    private final List<RoutesModel.File> files;
    private final Map<String, Bean> beans = new LinkedHashMap<>();
    private final Map<String, StageRoute> routes = new LinkedHashMap<>();
    private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();

    private RouteSet(List<RoutesModel.File> files) {
        this.files = files;
    }

    /** What reading a directory's files gave: the set (usable when there is no problem) and the problems. */
    public record Read(RouteSet set, List<Problem> problems) {
    }

    public static Read read(List<Path> files, Function<String, String> settings, Kind.Context context,
            ApplicationBeans application) {
        List<Problem> problems = new ArrayList<>();
        List<RoutesModel.File> read = files.stream().map(file -> RoutesReader.read(file, settings, context, problems))
                .toList();
        RouteSet set = new RouteSet(read);
        set.check(application, problems);
        return new Read(set, List.copyOf(problems));
    }

    List<RoutesModel.File> files() {
        return files;
    }

    Map<String, Bean> beans() {
        return beans;
    }

    Map<String, StageRoute> routes() {
        return routes;
    }

    public Map<String, Pipeline> pipelines() {
        return pipelines;
    }

    private void check(ApplicationBeans application, List<Problem> problems) {
        Set<String> directs = new HashSet<>();
        for (RoutesModel.File file : files) {
            for (Bean bean : file.beans()) {
                if (application.has(bean.name())) {
                    problems.add(bean.spot().problem("bean name " + bean.name() + " is the name of one of Sluice's "
                            + "or the application's beans: choose another"));
                } else if (beans.putIfAbsent(bean.name(), bean) != null) {
                    problems.add(bean.spot().problem("bean " + bean.name() + " is declared twice (first at "
                            + at(beans.get(bean.name()).spot()) + ")"));
                }
            }
            for (StageRoute route : file.routes()) {
                if (routes.putIfAbsent(route.id(), route) != null) {
                    problems.add(route.spot().problem("route " + route.id() + " is declared twice (first at "
                            + at(routes.get(route.id()).spot()) + ")"));
                }
                if (!directs.add(route.direct()) || ("direct:" + route.direct()).equals(Templates.NO_STAGES)) {
                    problems.add(route.spot().problem("another route reads direct:" + route.direct() + " already"));
                }
            }
            for (Pipeline pipeline : file.pipelines()) {
                if (pipelines.putIfAbsent(pipeline.id(), pipeline) != null || routes.containsKey(pipeline.id())) {
                    problems.add(pipeline.spot().problem("the name " + pipeline.id() + " is taken by another pipeline "
                            + "or route"));
                }
            }
        }
        Map<String, StageRoute> byDirect = new HashMap<>();
        routes.values().forEach(route -> byDirect.put(route.direct(), route));
        References references = new References(application, byDirect, problems);
        beans.values().forEach(references::bean);
        routes.values().forEach(route -> references.steps(route.steps()));
        pipelines.values().forEach(references::pipeline);
        routes.values().forEach(route -> references.cycle(route, new ArrayList<>()));
    }

    private static String at(Spot spot) {
        return spot.file().getFileName() + ":" + spot.line();
    }

    /** Every reference of the files, each to something of the right role that exists. */
    private final class References {
        private final ApplicationBeans application;
        private final Map<String, StageRoute> byDirect;
        private final List<Problem> problems;

        References(ApplicationBeans application, Map<String, StageRoute> byDirect, List<Problem> problems) {
            this.application = application;
            this.byDirect = byDirect;
            this.problems = problems;
        }

        void bean(Bean bean) {
            bean.values().forEach((property, value) -> {
                Kind kind = bean.type().property(property).orElseThrow().kind();
                if (kind == Kind.TABLE_BEAN) {
                    expect(value, Role.TABLE, bean.spots().get(property), "bean " + bean.name());
                } else if (kind == Kind.JQ_TABLES) {
                    Kind.tableBeans(value).forEach(table -> expect(table, Role.TABLE, bean.spots().get(property),
                            "bean " + bean.name()));
                }
            });
        }

        void pipeline(Pipeline pipeline) {
            String parser = pipeline.parameters().get("parser");
            expect(parser, Role.PARSER, pipeline.spots().getOrDefault("parser", pipeline.spot()), "pipeline "
                    + pipeline.id());
            String stages = pipeline.parameters().get("stages");
            if (!stages.equals(Templates.NO_STAGES) && !byDirect.containsKey(stages.substring("direct:".length()))) {
                problems.add(pipeline.spots().getOrDefault("stages", pipeline.spot()).problem("pipeline " + pipeline.id()
                        + ": no route reads " + stages + ": add a route 'from: {uri: " + stages + ", steps: […]}'"));
            }
        }

        void steps(List<Step> steps) {
            for (Step step : steps) {
                if (step instanceof Filter filter) {
                    condition(filter.condition());
                    steps(filter.steps());
                } else if (step instanceof Choice choice) {
                    for (When when : choice.whens()) {
                        condition(when.condition());
                        steps(when.steps());
                    }
                    if (choice.otherwise() != null) {
                        steps(choice.otherwise());
                    }
                } else if (step instanceof Process process) {
                    expect(process.ref(), Role.STAGE, process.spot(), "process");
                } else if (step instanceof To to && !byDirect.containsKey(to.direct())) {
                    problems.add(to.spot().problem("no route reads direct:" + to.direct() + ": add a route "
                            + "'from: {uri: direct:" + to.direct() + ", steps: […]}'"));
                }
            }
        }

        private void condition(Condition condition) {
            if (condition instanceof Ref ref) {
                expect(ref.bean(), Role.PREDICATE, ref.spot(), "filter");
            }
        }

        /** A stages route that sends records, through others, back to itself would never end. */
        void cycle(StageRoute route, List<String> path) {
            if (path.contains(route.id())) {
                if (path.get(0).equals(route.id())) {
                    problems.add(route.spot().problem("route " + route.id() + " sends records back to itself: "
                            + String.join(" → ", path) + " → " + route.id()));
                }
                return;
            }
            path.add(route.id());
            targets(route.steps()).forEach(target -> {
                StageRoute next = byDirect.get(target);
                if (next != null) {
                    cycle(next, new ArrayList<>(path));
                }
            });
        }

        private List<String> targets(List<Step> steps) {
            List<String> targets = new ArrayList<>();
            for (Step step : steps) {
                if (step instanceof To to) {
                    targets.add(to.direct());
                } else if (step instanceof Filter filter) {
                    targets.addAll(targets(filter.steps()));
                } else if (step instanceof Choice choice) {
                    choice.whens().forEach(when -> targets.addAll(targets(when.steps())));
                    if (choice.otherwise() != null) {
                        targets.addAll(targets(choice.otherwise()));
                    }
                }
            }
            return targets;
        }

        private void expect(String name, Role role, Spot spot, String user) {
            Bean declared = beans.get(name);
            Role actual = declared != null ? declared.type().role() : application.role(name);
            if (actual == role) {
                return;
            }
            String found = declared != null ? "bean " + name + " is " + declared.type().role().description()
                    : application.has(name) ? "the application's bean " + name + " is not " + role.description()
                    : "no bean named '" + name + "'";
            problems.add(spot.problem(user + ": " + found + "; it needs " + role.description() + " (declare it under "
                    + "beans: with one of " + String.join(", ", BeanTypes.all().stream().filter(type -> type.role() == role)
                            .map(type -> type.type().getSimpleName()).toList()) + ")"));
        }
    }
}
