package dev.sluice.ops;

import dev.sluice.Management;
import static dev.sluice.ops.Manifests.at;
import static dev.sluice.ops.Manifests.ofKind;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay of k8s/ and checks the objects against the application itself: the probes answer on the
 * running service, the ConfigMap holds exactly routes/, every environment variable is a documented setting,
 * credentials come only from Secrets, and every pod meets the Pod Security "restricted" profile.
 */
@QuarkusTest
@SuppressWarnings("unchecked")
class KubernetesManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = { "jvm", "native", "job", "jvm-autoscaled" })
    void everyPodIsRestricted(String overlay) throws Exception {
        List<Map<String, Object>> pods = podSpecs(Manifests.render(overlay));
        assertThat(pods).isNotEmpty();
        int shutdownTimeout = ConfigProvider.getConfig().getValue("camel.main.shutdown-timeout", Integer.class);
        for (Map<String, Object> pod : pods) {
            assertThat((Object) at(pod, "automountServiceAccountToken")).isEqualTo(false);
            assertThat((Object) at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
            assertThat((Integer) at(pod, "securityContext", "runAsUser")).isPositive();
            assertThat((Object) at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
            assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).as("grace period above the shutdown timeout")
                    .isGreaterThan(shutdownTimeout);
            List<Map<String, Object>> volumes = at(pod, "volumes");
            for (Map<String, Object> volume : volumes) {
                assertThat(volume.keySet()).as("volume types the restricted profile allows")
                        .containsAnyOf("configMap", "emptyDir", "secret", "persistentVolumeClaim", "projected");
                assertThat(volume).doesNotContainKey("hostPath");
            }
            List<Map<String, Object>> containers = at(pod, "containers");
            for (Map<String, Object> container : containers) {
                assertThat((Object) at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
                assertThat((Object) at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
                assertThat((List<String>) at(container, "securityContext", "capabilities", "drop")).containsExactly("ALL");
                assertThat((Object) at(container, "securityContext", "privileged")).isNull();
                assertThat((Map<String, Object>) at(container, "resources", "requests")).containsKeys("cpu", "memory");
                assertThat((Map<String, Object>) at(container, "resources", "limits")).containsKeys("cpu", "memory");
                List<Map<String, Object>> mounts = at(container, "volumeMounts");
                Set<String> writable = mounts.stream().filter(m -> !Boolean.TRUE.equals(m.get("readOnly")))
                        .map(m -> (String) m.get("name")).collect(Collectors.toSet());
                for (Map<String, Object> volume : volumes) {
                    if (writable.contains(volume.get("name"))) {
                        assertThat(volume.keySet()).as("writable volumes are scratch space or data")
                                .containsAnyOf("emptyDir", "persistentVolumeClaim");
                    }
                }
            }
        }
    }

    @Test
    void theProbesAreTheServicesRealHealthPathsAndAnswer() throws Exception {
        Map<String, Object> deployment = ofKind(Manifests.render("jvm"), "Deployment").get(0);
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", 0);
        // Quarkus' default ports, which application.properties does not change outside tests: the API and management
        assertThat((Integer) at(container, "ports", 0, "containerPort")).isEqualTo(8080);
        assertThat((Integer) at(container, "ports", 1, "containerPort")).isEqualTo(9000);
        assertThat(Files.readAllLines(Path.of("src/main/resources/application.properties")))
                .noneMatch(l -> l.startsWith("quarkus.http.port") || l.startsWith("quarkus.management.port"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat((Object) at(container, probe, "httpGet", "port")).isEqualTo("management");
            String path = at(container, probe, "httpGet", "path");
            Management.given().get(path).then().statusCode(200);
            when().get(path).then().statusCode(404); // not on the API's port
        }
        assertThat((Object) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
        assertThat((Object) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
        assertThat((Object) at(container, "startupProbe", "httpGet", "path")).isEqualTo("/q/health/started");
        Map<String, Object> monitor = ofKind(Manifests.render("jvm"), "ServiceMonitor").get(0);
        assertThat((Object) at(monitor, "spec", "endpoints", 0, "path")).isEqualTo("/q/metrics");
        Management.given().get("/q/metrics").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = { "jvm", "job" })
    void thePipelinesConfigMapHoldsExactlyRoutes(String overlay) throws Exception {
        List<Map<String, Object>> objects = Manifests.render(overlay);
        Map<String, Object> routes = ofKind(objects, "ConfigMap").stream()
                .filter(c -> ((String) at(c, "metadata", "name")).startsWith("sluice-routes-")).findFirst().orElseThrow();
        Map<String, String> data = at(routes, "data");
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            for (Path file : list.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        assertThat(data).isEqualTo(files);
        String name = at(routes, "metadata", "name");
        Map<String, Object> pod = podSpecs(objects).get(0);
        List<Map<String, Object>> volumes = at(pod, "volumes");
        assertThat(volumes).anySatisfy(v -> assertThat((Object) at(v, "configMap", "name")).isEqualTo(name));
        Map<String, String> config = config(objects);
        List<Map<String, Object>> mounts = at(pod, "containers", 0, "volumeMounts");
        assertThat(mounts).anySatisfy(m -> assertThat(m).containsEntry("name", "routes")
                .containsEntry("mountPath", config.get("SLUICE_ROUTES_DIR")).containsEntry("readOnly", true));
    }

    @ParameterizedTest
    @ValueSource(strings = { "jvm", "native", "job" })
    void everyEnvironmentVariableIsADocumentedSettingAndCredentialsComeFromSecrets(String overlay) throws Exception {
        List<Map<String, Object>> objects = Manifests.render(overlay);
        String documented = Files.readString(Path.of("docs/configuration.md"));
        List<String> names = new ArrayList<>(config(objects).keySet());
        for (Map<String, Object> pod : podSpecs(objects)) {
            List<Map<String, Object>> env = at(pod, "containers", 0, "env");
            for (Map<String, Object> variable : env) {
                String name = (String) variable.get("name");
                names.add(name);
                if (name.matches(".*(PASSWORD|JAAS|SECRET|TOKEN).*")) {
                    assertThat((Object) at(variable, "valueFrom", "secretKeyRef")).as(name + " from a Secret").isNotNull();
                }
                assertThat(variable).as(name + " has no literal value").doesNotContainKey("value");
            }
        }
        for (String name : names) {
            assertThat(documented).as(name + " is the variable of a documented setting").contains("`" + name + "`");
        }
        assertThat(config(objects).keySet()).noneMatch(k -> k.matches(".*(PASSWORD|JAAS|SECRET|TOKEN).*"));
    }

    @Test
    void theNetworkPolicyLetsInClientsToTheApiAndScrapingToManagementOnlyAndLetsOutOnlyDnsTheDatabaseAndKafka() throws Exception {
        Map<String, Object> policy = ofKind(Manifests.render("jvm"), "NetworkPolicy").get(0);
        assertThat((List<String>) at(policy, "spec", "policyTypes")).containsExactlyInAnyOrder("Ingress", "Egress");
        List<Map<String, Object>> ingress = at(policy, "spec", "ingress");
        assertThat(ingress).hasSize(2);
        assertThat((Object) at(ingress.get(0), "ports", 0, "port")).isEqualTo(8080);
        assertThat((Object) at(ingress.get(0), "from", 0, "podSelector", "matchLabels", "sluice-client")).isEqualTo("true");
        assertThat((Object) at(ingress.get(1), "ports", 0, "port")).isEqualTo(9000);
        assertThat((Object) at(ingress.get(1), "from", 0, "namespaceSelector", "matchLabels",
                "kubernetes.io/metadata.name")).isEqualTo("monitoring");
        Set<Object> egressPorts = new HashSet<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) at(policy, "spec", "egress")) {
            for (Map<String, Object> port : (List<Map<String, Object>>) rule.get("ports")) {
                egressPorts.add(port.get("port"));
            }
        }
        assertThat(egressPorts).containsExactlyInAnyOrder(53, 5432, 9092);
        Map<String, Object> budget = ofKind(Manifests.render("jvm"), "PodDisruptionBudget").get(0);
        assertThat((Object) at(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/name")).isEqualTo("sluice");
    }

    @Test
    void kedaScalesOnTheStreamPipelinesConsumerGroup() throws Exception {
        Map<String, Object> scaler = ofKind(Manifests.render("jvm-autoscaled"), "ScaledObject").get(0);
        Map<String, Object> trigger = at(scaler, "spec", "triggers", 0);
        assertThat(trigger).containsEntry("type", "kafka");
        String routes = Files.readString(Path.of("routes/robot-telemetry-stream.yaml"));
        assertThat(routes).contains("group-id:" + at(trigger, "metadata", "consumerGroup") + "}}")
                .contains("topic:" + at(trigger, "metadata", "topic") + "}}");
        assertThat((Object) at(scaler, "spec", "scaleTargetRef", "name")).isEqualTo("sluice");
    }

    private static List<Map<String, Object>> podSpecs(List<Map<String, Object>> objects) {
        List<Map<String, Object>> pods = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            if ("Deployment".equals(object.get("kind")) || "Job".equals(object.get("kind"))) {
                pods.add(at(object, "spec", "template", "spec"));
            }
        }
        return pods;
    }

    private static Map<String, String> config(List<Map<String, Object>> objects) {
        return ofKind(objects, "ConfigMap").stream()
                .filter(c -> ((String) at(c, "metadata", "name")).startsWith("sluice-config-"))
                .map(c -> (Map<String, String>) at(c, "data")).findFirst().orElseThrow();
    }
}
