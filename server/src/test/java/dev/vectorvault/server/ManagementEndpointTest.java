package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.ShowCollectionsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The management port: /healthz for anyone, /metrics only for administrators (or loopback with auth off). */
@Timeout(60)
class ManagementEndpointTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static MilvusServiceBlockingStub stub(LoopbackServer server, String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), null));
    }

    @Test
    void metricsNeedAnAdministratorsCredentialsWhileHealthNeedsNone() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of(
                "common.security.authorizationEnabled", "true"))) {
            int port = server.server().managementPort();
            assertThat(port).isPositive().isNotEqualTo(server.port());
            MilvusServiceBlockingStub root = stub(server, "root", "Milvus");
            root.createCredential(CreateCredentialRequest.newBuilder().setUsername("reader")
                    .setPassword(Base64.getEncoder().encodeToString("reader-password".getBytes())).build());
            root.createCredential(CreateCredentialRequest.newBuilder().setUsername("operator")
                    .setPassword(Base64.getEncoder().encodeToString("operator-password".getBytes())).build());
            root.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername("operator").setRoleName("admin")
                    .setType(OperateUserRoleType.AddUserToRole).build());
            for (int i = 0; i < 3; i++) {
                root.showCollections(ShowCollectionsRequest.newBuilder().build());
            }

            HttpResponse<String> health = get(port, "/healthz", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("OK\n");

            assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(port, "/metrics", null).headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(get(port, "/metrics", basic("root", "wrong-password")).statusCode()).isEqualTo(401);
            assertThat(get(port, "/metrics", basic("nobody", "wrong-password")).statusCode()).isEqualTo(401);
            assertThat(get(port, "/metrics", basic("reader", "reader-password")).statusCode()).isEqualTo(403);

            HttpResponse<String> scrape = get(port, "/metrics", basic("operator", "operator-password"));
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(get(port, "/metrics", "Bearer root:Milvus").statusCode()).isEqualTo(200);
            String text = scrape.body();
            assertThat(text).contains("milvus_proxy_req_count{function_name=\"ShowCollections\",node_id=\"0\","
                    + "status=\"success\"} 3");
            assertThat(text).contains("milvus_proxy_req_latency_bucket{function_name=\"ShowCollections\"");
            assertThat(text).contains("vectorvault_login_attempts_total{outcome=\"rejected\"}");
            assertThat(text).contains("vectorvault_credential_cache_lookups_total{result=\"hit\"}");
            assertThat(text).contains("jvm_memory_used_bytes");
            assertThat(text).doesNotContain("reader-password").doesNotContain("Milvus\"");
        }
    }

    @Test
    void refusedCallsAndPermissionDenialsAreCountedWithTheirOutcome() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of(
                "common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = stub(server, "root", "Milvus");
            root.createCredential(CreateCredentialRequest.newBuilder().setUsername("reader")
                    .setPassword(Base64.getEncoder().encodeToString("reader-password".getBytes())).build());
            MilvusServiceBlockingStub reader = stub(server, "reader", "reader-password");
            try {
                reader.createCredential(CreateCredentialRequest.newBuilder().setUsername("intruder")
                        .setPassword(Base64.getEncoder().encodeToString("intruder-password".getBytes())).build());
            } catch (io.grpc.StatusRuntimeException expected) {
                assertThat(expected.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            }
            String text = get(server.server().managementPort(), "/metrics", basic("root", "Milvus")).body();
            assertThat(text).contains("milvus_proxy_req_count{function_name=\"CreateCredential\",node_id=\"0\","
                    + "status=\"rejected\"} 1");
            assertThat(text).contains("milvus_proxy_req_count{function_name=\"CreateCredential\",node_id=\"0\","
                    + "status=\"success\"} 1");
            assertThat(text).contains("vectorvault_permission_denials_total{privilege=\"PrivilegeCreateOwnership\"} 1");
        }
    }

    @Test
    void withAuthenticationOffLoopbackClientsReadMetricsWithoutCredentials() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of())) {
            int port = server.server().managementPort();
            assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(get(port, "/metricsfoo", null).statusCode()).isEqualTo(404);
            assertThat(get(port, "/", null).statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aNegativePortSwitchesTheEndpointOff() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("common.metricsPort", "-1"))) {
            assertThat(server.server().managementPort()).isEqualTo(-1);
        }
    }

    @Test
    void healthNamesWhatIsWrongWithStatus503() throws Exception {
        AtomicReference<List<String>> problems = new AtomicReference<>(List.of());
        try (ManagementEndpoint endpoint = ManagementEndpoint.start(0, dev.vectorvault.metrics.ServerMetrics.NONE,
                problems::get, null, user -> false, true)) {
            assertThat(get(endpoint.port(), "/healthz", null).statusCode()).isEqualTo(200);
            problems.set(List.of("the write-ahead log failed and refuses writes until it has recovered"));
            HttpResponse<String> sick = get(endpoint.port(), "/healthz", null);
            assertThat(sick.statusCode()).isEqualTo(503);
            assertThat(sick.body()).contains("write-ahead log failed");
        }
    }
}
