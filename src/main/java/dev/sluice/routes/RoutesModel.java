package dev.sluice.routes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A routes file as Sluice reads it: everything it may hold, each value with its settings in and checked against its
 * kind, each part with its place in the file. Nothing else of a routes file reaches Camel.
 */
final class RoutesModel {

    private RoutesModel() {
    }

    /** One routes file. */
    record File(Path path, List<Bean> beans, List<StageRoute> routes, List<Pipeline> pipelines) {
    }

    /** A bean of one of {@link BeanTypes}, with the text of each property it sets. */
    record Bean(String name, BeanTypes.BeanType<?> type, Map<String, String> values, Map<String, Spot> spots,
            Spot spot) {
    }

    /** A route of stages, read from {@code direct:<direct>}. */
    record StageRoute(String id, String direct, List<Step> steps, Spot spot) {
    }

    /** A pipeline: a template and its parameters, every one given (defaults in). */
    record Pipeline(String id, Templates.Template template, Map<String, String> parameters, Map<String, Spot> spots,
            Spot spot) {
    }

    /** A step of a stages route. */
    sealed interface Step permits Filter, Choice, Process, Stop, Log, To {
        Spot spot();

        /** The step's id as written, or null. */
        String id();
    }

    record Filter(Condition condition, List<Step> steps, String id, Spot spot) implements Step {
    }

    record Choice(List<When> whens, List<Step> otherwise, String id, Spot spot) implements Step {
    }

    record When(Condition condition, List<Step> steps, Spot spot) {
    }

    record Process(String ref, String id, Spot spot) implements Step {
    }

    record Stop(String id, Spot spot) implements Step {
    }

    record Log(String message, String level, String logName, String id, Spot spot) implements Step {
    }

    record To(String direct, String id, Spot spot) implements Step {
    }

    /** What a filter or a when tests. */
    sealed interface Condition permits Jq, Simple, Ref {
        Spot spot();
    }

    record Jq(String program, Spot spot) implements Condition {
    }

    record Simple(String text, Spot spot) implements Condition {
    }

    record Ref(String bean, Spot spot) implements Condition {
    }
}
