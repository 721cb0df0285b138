package dev.sluice.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md, lowest first: a package may use the packages below it and never one above, so
 * the packages have no cycle.
 */
class LayersTest {

    static final List<String> LAYERS = List.of("config", "metrics", "record", "dependency", "deadletter", "stage",
            "sink", "source", "engine", "routes", "ops", "api", "app");

    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice");

    @Test
    void aLayerUsesOnlyTheLayersBelowIt() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy("dev.sluice." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            layers = layers.whereLayer(LAYERS.get(i))
                    .mayOnlyBeAccessedByLayers(LAYERS.subList(i + 1, LAYERS.size()).toArray(String[]::new));
        }
        layers.whereLayer(LAYERS.get(LAYERS.size() - 1)).mayNotBeAccessedByAnyLayer().check(CLASSES);
    }

    @Test
    void everyPackageIsALayer() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().should()
                .resideInAnyPackage(LAYERS.stream().map(l -> "dev.sluice." + l + "..").toArray(String[]::new))
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
