package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.wal.Durability;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.ComponentStates;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.GetComponentStatesRequest;
import io.milvus.grpc.GetMetricsRequest;
import io.milvus.grpc.GetMetricsResponse;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.StateCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GetComponentStates and GetMetrics(system_info): the system view Milvus tools read, from the node's real state. */
@Timeout(60)
class SystemViewRpcTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static MilvusServiceBlockingStub as(LoopbackServer server, String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), null));
    }

    private static GetMetricsRequest metrics(String json) {
        return GetMetricsRequest.newBuilder().setRequest(json).build();
    }

    @Test
    void aHealthyNodeAnswersHealthyAndDescribesItselfAsMilvusDoes() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = as(server, "root", "Milvus");
            ComponentStates states = root.getComponentStates(GetComponentStatesRequest.getDefaultInstance());
            assertThat(states.getStatus().getCode()).isZero();
            assertThat(states.getState().getStateCode()).isEqualTo(StateCode.Healthy);
            assertThat(states.getState().getRole()).isEqualTo("proxy");
            assertThat(states.getState().getNodeID()).isZero();
            assertThat(states.getState().getExtraInfoList()).isEmpty();
            // /healthz reads the same state.
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().managementPort() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            GetMetricsResponse response = root.getMetrics(metrics("{\"metric_type\": \"system_info\"}"));
            assertThat(response.getStatus().getCode()).isZero();
            assertThat(response.getComponentName()).isEqualTo("proxy0");
            JsonNode nodes = JSON.readTree(response.getResponse()).get("nodes_info");
            assertThat(nodes).hasSize(1);
            assertThat(nodes.get(0).get("identifier").asLong()).isZero();
            assertThat(nodes.get(0).get("connected").isArray()).isTrue();
            JsonNode infos = nodes.get(0).get("infos");
            assertThat(infos.get("type").asText()).isEqualTo("proxy");
            assertThat(infos.get("name").asText()).isEqualTo("proxy0");
            assertThat(infos.get("has_error").asBoolean()).isFalse();
            assertThat(infos.get("error_reason").asText()).isEmpty();
            JsonNode hardware = infos.get("hardware_infos");
            assertThat(hardware.get("cpu_core_count").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(hardware.get("memory").asLong()).isPositive();
            assertThat(hardware.get("disk").asLong()).isPositive();
            assertThat(hardware.get("disk_usage").asLong()).isBetween(0L, hardware.get("disk").asLong());
            JsonNode system = infos.get("system_info");
            assertThat(system.get("system_version").asText()).isEqualTo(MilvusServiceAdapter.COMPATIBLE_VERSION);
            assertThat(system.get("deploy_mode").asText()).isEqualTo("STANDALONE");
            assertThat(system.get("build_version").asText()).startsWith("vectorvault ");
            assertThat(Instant.parse(infos.get("created_time").asText())).isBeforeOrEqualTo(Instant.now());
            assertThat(infos.get("system_configurations").get("default_partition_name").asText())
                    .isEqualTo("_default");
            // Milvus's other spelling of the key.
            assertThat(root.getMetrics(metrics("{\"metricType\":\"system_info\"}")).getStatus().getCode()).isZero();
        }
    }

    @Test
    void otherMetricTypesAndMalformedRequestsAreRefusedWithMilvusCodes() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = as(server, "root", "Milvus");
            GetMetricsResponse unknown = root.getMetrics(metrics("{\"metric_type\": \"qc_segment\"}"));
            assertThat(unknown.getStatus().getCode()).isEqualTo(1200);
            assertThat(unknown.getStatus().getReason())
                    .isEqualTo("metric not found[metric=qc_segment]: this server answers metric_type system_info only");
            assertThat(unknown.getResponse()).isEmpty();
            for (String malformed : new String[] {"", "{}", "not json", "[\"system_info\"]",
                    "{\"metric_type\": 7}", "{\"metric_type\": null}"}) {
                GetMetricsResponse refused = root.getMetrics(metrics(malformed));
                assertThat(refused.getStatus().getCode()).as(malformed).isEqualTo(1100);
                assertThat(refused.getStatus().getReason()).as(malformed).contains("metric_type");
            }
            String longName = "x".repeat(10_000);
            assertThat(root.getMetrics(metrics("{\"metric_type\": \"" + longName + "\"}")).getStatus().getReason())
                    .hasSizeLessThan(200);
        }
    }

    @Test
    void anyAuthenticatedUserMayAskAsInMilvusButNobodyUnauthenticated() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("common.security.authorizationEnabled", "true"))) {
            as(server, "root", "Milvus").createCredential(CreateCredentialRequest.newBuilder().setUsername("alice")
                    .setPassword(Base64.getEncoder().encodeToString("alice-password".getBytes(StandardCharsets.UTF_8)))
                    .build());
            MilvusServiceBlockingStub alice = as(server, "alice", "alice-password");
            assertThat(alice.getComponentStates(GetComponentStatesRequest.getDefaultInstance()).getState()
                    .getStateCode()).isEqualTo(StateCode.Healthy);
            assertThat(alice.getMetrics(metrics("{\"metric_type\":\"system_info\"}")).getStatus().getCode()).isZero();
            MilvusServiceBlockingStub anonymous = MilvusServiceGrpc.newBlockingStub(server.channel());
            assertThatThrownBy(() -> anonymous.getComponentStates(GetComponentStatesRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThatThrownBy(() -> anonymous.getMetrics(metrics("{\"metric_type\":\"system_info\"}")))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
    }

    @Test
    void aStoppedIndexBuilderMakesTheNodeAbnormalEverywhere() throws Exception {
        DataExecutors executors = new DataExecutors();
        try (MvMetaStore meta = MvMetaStore.inMemory();
             DataStore data = DataStore.open(dir.resolve("data"), Durability.FSYNC, meta, id -> Optional.empty(),
                     1000, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors)) {
            NodeHealth health = new NodeHealth(data, executors, null);
            SystemInfoRpc system = new SystemInfoRpc(health, 0, false, "127.0.0.1", dir, Instant.now(), "now");
            assertThat(system.componentStates().getState().getStateCode()).isEqualTo(StateCode.Healthy);

            executors.close();

            ComponentStates states = system.componentStates();
            assertThat(states.getStatus().getCode()).isZero();
            assertThat(states.getState().getStateCode()).isEqualTo(StateCode.Abnormal);
            assertThat(states.getState().getExtraInfoList()).extracting(KeyValuePair::getValue)
                    .containsExactly("the index builder has stopped");
            JsonNode infos = JSON.readTree(system.metrics(metrics("{\"metric_type\":\"system_info\"}"))
                    .getResponse()).get("nodes_info").get(0).get("infos");
            assertThat(infos.get("has_error").asBoolean()).isTrue();
            assertThat(infos.get("error_reason").asText()).isEqualTo("the index builder has stopped");
            assertThat(system.problems()).containsExactly("the index builder has stopped");
        } finally {
            executors.close();
        }
    }

    @Test
    void checkHealthReportsTheSameState() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of())) {
            var health = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .checkHealth(CheckHealthRequest.getDefaultInstance());
            assertThat(health.getIsHealthy()).isTrue();
            assertThat(health.getReasonsList()).isEmpty();
        }
    }
}
