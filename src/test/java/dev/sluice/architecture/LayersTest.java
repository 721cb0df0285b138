package dev.sluice.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Files;
import java.nio.file.Path;
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

    static final List<String> LAYERS = List.of("config", "metrics", "runtime", "record", "dependency", "deadletter", "stage",
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
    void theArchitecturePageDrawsTheseLayersAndMapsEveryPackage() throws Exception {
        String page = Files.readString(Path.of("docs/architecture.md"));
        String block = page.substring(page.indexOf("## Layers"), page.indexOf("## One runtime per pipeline"));
        List<String> drawn = block.lines().map(line -> line.split(" ", 2)[0])
                .filter(LAYERS::contains).toList();
        List<String> topDown = new java.util.ArrayList<>(LAYERS);
        java.util.Collections.reverse(topDown);
        assertThat(drawn).as("the layers as the page draws them, top down").isEqualTo(topDown);
        String map = page.substring(page.indexOf("## Code map"));
        assertThat(LAYERS).allSatisfy(layer -> assertThat(map).contains("| `dev.sluice." + layer + "` |"));
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
