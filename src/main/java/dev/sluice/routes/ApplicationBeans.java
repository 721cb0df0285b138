package dev.sluice.routes;

import java.util.Map;
import java.util.Set;

/**
 * The named beans of the application that routes files see: a Java stage a step may reference ({@code process: {ref:
 * anomalyDetector}}), a parser a template may use, and every name a routes file may not take for a bean of its own
 * (Sluice's {@code awaitSettled}, {@code batch}…: a bean of a routes file under such a name would take its place).
 */
public interface ApplicationBeans {

    /** The role a bean of that name can play in a pipeline, or null when there is none of that name or it fits none. */
    BeanTypes.Role role(String name);

    /** Whether the application has a bean of that name. */
    boolean has(String name);

    /** The names of Sluice's own beans, which its templates and stages use. */
    Set<String> SLUICE_NAMES = Set.of("anomalyDetector", "awaitSettled", "batch", "jsonLines", "kafkaRecords",
            "sluiceJsonRecord", "sluiceNoSymlinks");

    /** Sluice's own, for {@code validate}, which starts no application. */
    ApplicationBeans SLUICE = new ApplicationBeans() {
        private static final Map<String, BeanTypes.Role> ROLES = Map.of("anomalyDetector", BeanTypes.Role.STAGE,
                "sluiceJsonRecord", BeanTypes.Role.PARSER);

        @Override
        public BeanTypes.Role role(String name) {
            return ROLES.get(name);
        }

        @Override
        public boolean has(String name) {
            return SLUICE_NAMES.contains(name);
        }
    };
}
