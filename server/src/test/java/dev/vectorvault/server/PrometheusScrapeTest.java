package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.ShowCollectionsRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}, installed by {@code .ci/run}) scrapes the management port
 * with the root user's credentials, and a value is read back through Prometheus's own query API.
 */
@Timeout(120)
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheMetricsWithCredentialsAndAnswersAQueryForThem() throws Exception {
        assertThat(PROMETHEUS).as("Debian's prometheus package (.ci/run installs it)").isExecutable();
        try (LoopbackServer server = LoopbackServer.start(dir.resolve("server"), Map.of(
                "common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null));
            for (int i = 0; i < 3; i++) {
                root.showCollections(ShowCollectionsRequest.newBuilder().build());
            }
            int webPort = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "scrape_configs:",
                    "  - job_name: vectorvault",
                    "    basic_auth:",
                    "      username: root",
                    "      password: Milvus",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + server.server().managementPort() + "']",
                    ""));
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + webPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                String query = "milvus_proxy_req_count{job=\"vectorvault\",function_name=\"ShowCollections\","
                        + "status=\"success\"}";
                URI uri = URI.create("http://127.0.0.1:" + webPort + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8));
                String answer = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < deadline && !answer.contains("\"3\"]")) {
                    Thread.sleep(500);
                    try {
                        answer = http.send(HttpRequest.newBuilder(uri).GET().build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                    } catch (IOException notUpYet) {
                        answer = "";
                    }
                }
                assertThat(answer).as("Prometheus's answer; its log:\n" + log(dir))
                        .contains("\"status\":\"success\"").contains("\"function_name\":\"ShowCollections\"")
                        .contains("\"3\"]");
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static String log(Path dir) throws IOException {
        Path log = dir.resolve("prometheus.log");
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
