package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Milvus's common.security.tlsMode 1 (server certificate) and 2 (mutual TLS) with the Java SDK's TLS options. */
@Timeout(300)
class TlsTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new TestCertificates(dir.resolve("certs"));
    }

    private static ServerProcess start(int mode, String data) {
        return ServerProcess.startWithAuth(dir.resolve(data),
                "common.security.tlsMode", String.valueOf(mode),
                "tls.serverPemPath", certs.serverPem.toString(),
                "tls.serverKeyPath", certs.serverKey.toString(),
                "tls.caPemPath", certs.caPem.toString());
    }

    @Test
    void oneWayTlsServesClientsThatTrustTheServerCertificate() {
        try (ServerProcess server = start(1, "one-way")) {
            MilvusClientV2 client = Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:Milvus").serverPemPath(certs.caPem.toString()).serverName("localhost"));
            assertThat(client.checkHealth().getIsHealthy()).isTrue();
            client.close();

            // Authentication still applies inside TLS.
            assertThatThrownBy(() -> Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:wrong-pw").serverPemPath(certs.caPem.toString()).serverName("localhost")))
                    .hasMessageContaining("auth check failure");
            // A plaintext client cannot talk to a TLS port.
            assertThatThrownBy(() -> Clients.connect(server, b -> b.token("root:Milvus").connectTimeoutMs(3_000)))
                    .isInstanceOf(RuntimeException.class);
            // A client that trusts another CA refuses the server.
            assertThatThrownBy(() -> Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:Milvus").serverPemPath(certs.otherCaPem.toString()).serverName("localhost")
                    .connectTimeoutMs(3_000))).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void mutualTlsServesOnlyClientsWithACertificateFromTheConfiguredCa() {
        try (ServerProcess server = start(2, "mutual")) {
            MilvusClientV2 client = Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:Milvus").caPemPath(certs.caPem.toString())
                    .clientPemPath(certs.clientPem.toString()).clientKeyPath(certs.clientKey.toString())
                    .serverName("localhost"));
            assertThat(client.checkHealth().getIsHealthy()).isTrue();
            client.close();

            // No client certificate at all.
            assertThatThrownBy(() -> Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:Milvus").serverPemPath(certs.caPem.toString()).serverName("localhost")
                    .connectTimeoutMs(3_000))).isInstanceOf(RuntimeException.class);
            // A certificate signed by a CA the server does not trust.
            assertThatThrownBy(() -> Clients.connect(server, b -> b.uri("https://localhost:" + server.port())
                    .token("root:Milvus").caPemPath(certs.caPem.toString())
                    .clientPemPath(certs.strangerPem.toString()).clientKeyPath(certs.strangerKey.toString())
                    .serverName("localhost").connectTimeoutMs(3_000))).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void theManagementPortServesHttpsWhenAskedToWithTheServerCertificate() throws Exception {
        int management = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.startWithAuth(dir.resolve("management"),
                "common.security.tlsMode", "1",
                "tls.serverPemPath", certs.serverPem.toString(),
                "tls.serverKeyPath", certs.serverKey.toString(),
                "common.security.tlsManagementPort", "true",
                "common.metricsPort", Integer.toString(management))) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certs.caPem))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + management + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("OK\n");
            HttpResponse<String> metrics = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + management + "/metrics"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "root:Milvus".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("vectorvault_login_attempts_total");

            // Plain HTTP gets no answer, and a client trusting another CA refuses the server.
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + management + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
            HttpClient stranger = HttpClient.newBuilder().sslContext(trusting(certs.otherCaPem))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + management + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
