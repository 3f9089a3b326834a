package dev.vectorvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A Milvus Operator resource ({@code kind: Milvus}) given to {@code --config}: its spec.config is milvus.yaml. */
@Timeout(10)
class OperatorResourceConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theProductDescriptionsExampleSwitchesAuthenticationOn() throws Exception {
        Path file = write("my-release.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata:
                  name: my-release
                  labels:
                    app: milvus
                spec:
                  config:
                    common:
                      security:
                        authorizationEnabled: true
                """);
        assertThat(ConfigLoader.load(file, List.of()).authorizationEnabled()).isTrue();
        // --set still wins over the file, as with a milvus.yaml.
        assertThat(ConfigLoader.load(file, List.of("common.security.authorizationEnabled=false"))
                .authorizationEnabled()).isFalse();
    }

    @Test
    void specConfigIsFlattenedExactlyAsTheSameMilvusYamlIs() throws Exception {
        String keys = """
                proxy:
                  port: 19533
                  maxPasswordLength: 128
                common:
                  security:
                    authorizationEnabled: true
                    superUsers: [alice, bob]
                localStorage:
                  path: /var/lib/milvus
                """;
        Path milvusYaml = write("milvus.yaml", keys);
        Path resource = write("resource.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata: {name: vdb}
                spec:
                  mode: standalone
                  config:
                """ + keys.indent(4));
        assertThat(ConfigLoader.readYaml(resource)).isEqualTo(ConfigLoader.readYaml(milvusYaml))
                .containsEntry("common.security.superUsers", "alice,bob")
                .containsEntry("proxy.port", "19533");
        ServerConfig config = ConfigLoader.load(resource, List.of());
        assertThat(config.port()).isEqualTo(19533);
        assertThat(config.superUsers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(config.limits().maxPasswordLength()).isEqualTo(128);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/milvus"));
    }

    @Test
    void onlySpecConfigIsRead() throws Exception {
        // metadata, status and the operator's own sections are not milvus.yaml keys, even when they look like some.
        Path file = write("resource.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata: {name: vdb, namespace: default}
                spec:
                  components: {proxy: {replicas: 2}}
                  config: {proxy: {port: 19534}}
                status: {status: Healthy}
                """);
        assertThat(ConfigLoader.readYaml(file)).containsOnlyKeys("proxy.port");
    }

    @Test
    void aResourceWithoutSpecGivesTheDefaults() throws Exception {
        Path file = write("resource.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata: {name: vdb}
                """);
        assertThat(ConfigLoader.readYaml(file)).isEmpty();
        assertThat(ConfigLoader.load(file, List.of()).authorizationEnabled()).isFalse();
    }

    @Test
    void otherSpecSectionsAreReportedOnceInOneLineThatNamesThemAndNoValue() throws Exception {
        Path file = write("my-release.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata: {name: my-release}
                spec:
                  mode: cluster
                  components:
                    image: milvusdb/milvus:v2.6.0
                    proxy: {replicas: 2}
                  dependencies:
                    etcd: {external: true, endpoints: ["etcd-0.etcd:2379"]}
                    msgStreamType: kafka
                  config:
                    minio: {secretAccessKey: s3cr3t-value-never-logged}
                    common: {security: {authorizationEnabled: true}}
                """);
        List<ILoggingEvent> events = captured(() -> ConfigLoader.load(file, List.of()));
        List<String> lines = events.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("event=operator_resource")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains("name=my-release", "applied=spec.config keys=2",
                        "notApplied=spec.mode,spec.components,spec.dependencies")
                .doesNotContain("s3cr3t", "etcd-0", "kafka:", "v2.6.0");
        assertThat(events.stream().filter(e -> e.getFormattedMessage().startsWith("event=operator_resource"))
                .findFirst().orElseThrow().getLevel().toString()).isEqualTo("WARN");
    }

    @Test
    void aResourceWithOnlySpecConfigReportsNothingUnapplied() throws Exception {
        Path file = write("resource.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                metadata: {name: vdb}
                spec: {config: {proxy: {port: 19535}}}
                """);
        List<String> lines = captured(() -> ConfigLoader.load(file, List.of())).stream()
                .map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("event=operator_resource")).toList();
        assertThat(lines).singleElement().asString().contains("keys=1").doesNotContain("notApplied");
    }

    @Test
    void anotherApiVersionOrKindIsAConfigErrorNamingTheField() throws Exception {
        Path alpha = write("alpha.yaml", """
                apiVersion: milvus.io/v1alpha1
                kind: MilvusCluster
                spec: {config: {}}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(alpha, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("apiVersion").hasMessageContaining("milvus.io/v1beta1")
                .hasMessageContaining("'milvus.io/v1alpha1'");
        Path deployment = write("deployment.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Deployment
                spec: {}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(deployment, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kind").hasMessageContaining("Milvus").hasMessageContaining("'Deployment'");
        Path kindOnly = write("kind-only.yaml", "kind: Milvus\n");
        assertThatThrownBy(() -> ConfigLoader.load(kindOnly, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("apiVersion").hasMessageContaining("got none");
    }

    @Test
    void specAndSpecConfigMustBeMappings() throws Exception {
        Path badSpec = write("bad-spec.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                spec: [config]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(badSpec, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid configuration spec:");
        Path badConfig = write("bad-config.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                spec: {config: "common.security.authorizationEnabled: true"}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(badConfig, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.config").hasMessageContaining("mapping");
    }

    @Test
    void aBadValueInsideSpecConfigNamesItsMilvusKey() throws Exception {
        Path file = write("resource.yaml", """
                apiVersion: milvus.io/v1beta1
                kind: Milvus
                spec: {config: {proxy: {port: not-a-port}}}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("proxy.port");
    }

    private static List<ILoggingEvent> captured(Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        return List.copyOf(appender.list);
    }
}
