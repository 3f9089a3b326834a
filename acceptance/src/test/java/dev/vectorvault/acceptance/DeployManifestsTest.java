package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests in {@code deploy/standalone}, checked offline (no cluster here): every object against the
 * Kubernetes OpenAPI schema ({@code deploy/check}: npm's kubernetes-models, run with node), then the wiring this
 * deployment depends on, field by field: probes on /healthz at 9091, the ConfigMap's milvus.yaml mounted where the
 * container's {@code --config} points, the data volume claim where {@code localStorage.path} is, the TLS Secret where
 * the {@code tls.*} paths are, Services selecting the pods' labels.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of(System.getProperty("deploy.dir", "../deploy")).toAbsolutePath();
    private static final Path CHECK = DEPLOY.resolve("check");
    private static final Path STANDALONE = DEPLOY.resolve("standalone");

    @TempDir
    Path temp;

    @BeforeAll
    static void installTheSchemaCheck() throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules"))) {
            Result install = run(CHECK, 4, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(install.exitCode()).as("npm ci failed:%n%s", install.output()).isZero();
        }
    }

    @Test
    void everyObjectMatchesTheKubernetesSchema() throws Exception {
        Result check = run(CHECK, 1, "node", "validate.mjs", STANDALONE.toString());
        System.out.println(check.output());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("4 valid, 0 invalid");
    }

    @Test
    void theSchemaCheckRefusesABrokenManifest() throws Exception {
        String statefulSet = Files.readString(STANDALONE.resolve("statefulset.yaml"), StandardCharsets.UTF_8);
        Files.writeString(temp.resolve("statefulset.yaml"), statefulSet
                .replace("containerPort: 19530", "containerPort: \"19530\"")
                .replace("- name: vectorvault\n", "- nam: vectorvault\n"));
        Result check = run(CHECK, 1, "node", "validate.mjs", temp.toString());
        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).contains("containerPort must be integer", "must have required property name");
    }

    @Test
    void theStatefulSetRunsTheServerWithTheConfigMapTheVolumeAndTheTlsSecret() throws Exception {
        List<Map<String, Object>> objects = objects();
        Map<String, Object> statefulSet = only(objects, "StatefulSet");
        Map<String, Object> configMap = only(objects, "ConfigMap");
        Map<String, Object> spec = map(statefulSet, "spec");
        Map<String, Object> pod = map(map(spec, "template"), "spec");
        Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
        assertThat(podLabels).containsAllEntriesOf(map(map(spec, "selector"), "matchLabels"));
        assertThat(spec.get("replicas")).isEqualTo(1);

        Map<String, Object> container = maps(pod, "containers").get(0);
        assertThat(maps(container, "ports")).extracting(p -> p.get("containerPort"))
                .containsExactlyInAnyOrder(19530, 9091);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container, probe), "httpGet");
            assertThat(get.get("path")).as(probe).isEqualTo("/healthz");
            assertThat(containerPort(container, get.get("port"))).as(probe).isEqualTo(9091);
        }

        // --config names the ConfigMap's milvus.yaml through the volume mounted there.
        List<?> args = (List<?>) container.get("args");
        String configFile = (String) args.get(args.indexOf("--config") + 1);
        Map<String, Object> configMount = mountHolding(container, configFile);
        Map<String, Object> configVolume = volume(pod, (String) configMount.get("name"));
        assertThat(map(configVolume, "configMap").get("name")).isEqualTo(map(configMap, "metadata").get("name"));
        String key = configFile.substring(((String) configMount.get("mountPath")).length() + 1);
        Map<String, Object> milvusYaml = yaml().load((String) map(configMap, "data").get(key));

        Map<String, Object> common = map(milvusYaml, "common");
        assertThat(map(common, "security").get("authorizationEnabled")).isEqualTo(true);
        assertThat(common.get("metricsPort")).isEqualTo(9091);
        assertThat(map(milvusYaml, "proxy").get("port")).isEqualTo(19530);

        // localStorage.path is on the volume claim, not on the container's read-only root.
        String dataPath = (String) map(milvusYaml, "localStorage").get("path");
        Map<String, Object> dataMount = mountHolding(container, dataPath);
        assertThat(maps(spec, "volumeClaimTemplates")).extracting(c -> map(c, "metadata").get("name"))
                .containsExactly(dataMount.get("name"));

        // Every tls.* path is a key of the TLS Secret's volume.
        assertThat(map(common, "security").get("tlsMode")).isEqualTo(1);
        for (Object path : map(milvusYaml, "tls").values()) {
            Map<String, Object> tlsMount = mountHolding(container, (String) path);
            assertThat(tlsMount.get("readOnly")).isEqualTo(true);
            assertThat(map(volume(pod, (String) tlsMount.get("name")), "secret").get("secretName"))
                    .isEqualTo("vectorvault-tls");
        }
        assertThat(map(container, "securityContext").get("readOnlyRootFilesystem")).isEqualTo(true);
    }

    @Test
    void theServicesSelectThePodsAndTheStatefulSetNamesItsHeadlessService() throws Exception {
        List<Map<String, Object>> objects = objects();
        Map<String, Object> spec = map(only(objects, "StatefulSet"), "spec");
        Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
        Map<String, Object> container = maps(map(map(spec, "template"), "spec"), "containers").get(0);
        List<Map<String, Object>> services = objects.stream().filter(o -> "Service".equals(o.get("kind"))).toList();
        assertThat(services).hasSize(2);
        for (Map<String, Object> service : services) {
            Map<String, Object> serviceSpec = map(service, "spec");
            assertThat(podLabels).containsAllEntriesOf(map(serviceSpec, "selector"));
            for (Map<String, Object> port : maps(serviceSpec, "ports")) {
                assertThat(containerPort(container, port.get("targetPort"))).isEqualTo(port.get("port"));
            }
        }
        Map<String, Object> headless = services.stream()
                .filter(s -> map(s, "metadata").get("name").equals(spec.get("serviceName"))).findFirst().orElseThrow();
        assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
        Map<String, Object> client = services.stream().filter(s -> s != headless).findFirst().orElseThrow();
        assertThat(maps(map(client, "spec"), "ports")).extracting(p -> p.get("port"))
                .containsExactlyInAnyOrder(19530, 9091);
    }

    // --- reading the manifests ---

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static List<Map<String, Object>> objects() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(STANDALONE)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object document : yaml().loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
                    if (document != null) {
                        objects.add(cast(document));
                    }
                }
            }
        }
        return objects;
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> matching = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.get(0);
    }

    /** The container port a probe or Service names, by number or by the port's name. */
    private static Object containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Integer) {
            return port;
        }
        return maps(container, "ports").stream().filter(p -> port.equals(p.get("name")))
                .map(p -> p.get("containerPort")).findFirst().orElseThrow(() -> new AssertionError("no port " + port));
    }

    /** The volume mount whose folder holds {@code path}. */
    private static Map<String, Object> mountHolding(Map<String, Object> container, String path) {
        return maps(container, "volumeMounts").stream()
                .filter(m -> path.startsWith(m.get("mountPath") + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted above " + path));
    }

    private static Map<String, Object> volume(Map<String, Object> pod, String name) {
        return maps(pod, "volumes").stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return cast(value);
    }

    private static List<Map<String, Object>> maps(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(DeployManifestsTest::<Map<String, Object>>cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path dir, long timeoutMinutes, String... command) throws Exception {
        Path output = Files.createTempFile("deploy-check", ".out");
        try {
            Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutMinutes
                        + " minutes:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
