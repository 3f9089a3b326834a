package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import java.nio.file.Path;
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
}
