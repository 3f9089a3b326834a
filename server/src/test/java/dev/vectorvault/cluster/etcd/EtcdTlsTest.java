package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdTesting.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd with mutual TLS (certificates made by openssl for this test): the etcd.ssl.* keys reach it, and a client
 * without a certificate is refused.
 */
@Timeout(90)
class EtcdTlsTest {
    @TempDir
    Path dir;

    @Test
    void aClientWithTheConfiguredCertificatesTalksToEtcdOverMutualTls() throws Exception {
        makeCertificates();
        int clientPort = freePort();
        int peerPort = freePort();
        ProcessBuilder etcd = new ProcessBuilder("/usr/bin/etcd", "--name", "tls", "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls", "https://127.0.0.1:" + clientPort,
                "--advertise-client-urls", "https://127.0.0.1:" + clientPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "tls=http://127.0.0.1:" + peerPort,
                "--cert-file", dir.resolve("server.pem").toString(),
                "--key-file", dir.resolve("server.key").toString(),
                "--trusted-ca-file", dir.resolve("ca.pem").toString(),
                "--client-cert-auth", "--logger", "zap")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
        etcd.environment().keySet().removeIf(key -> key.startsWith("ETCD"));
        Process process = etcd.start();
        try {
            String endpoint = "127.0.0.1:" + clientPort;
            String[] tls = {"etcd.ssl.enabled", "true", "etcd.ssl.tlsCACert", dir.resolve("ca.pem").toString(),
                "etcd.ssl.tlsCert", dir.resolve("client.pem").toString(),
                "etcd.ssl.tlsKey", dir.resolve("client.key").toString(), "etcd.ssl.tlsMinVersion", "1.2"};
            EtcdCoordination coordination = connectWhenUp(endpoint, tls);
            try (coordination) {
                MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
                store.put("k", b("over tls"));
                assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("over tls")));
            }
            assertThatThrownBy(() -> EtcdTesting.connect(endpoint, "etcd.requestTimeout", "2000",
                    "etcd.ssl.enabled", "true", "etcd.ssl.tlsCACert", dir.resolve("ca.pem").toString()))
                    .as("no client certificate")
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.META_STORE_UNAVAILABLE))
                    .hasMessageContaining("https://" + endpoint);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private EtcdCoordination connectWhenUp(String endpoint, String[] tls) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return EtcdTesting.connect(endpoint, tls);
            } catch (MilvusException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("etcd with TLS never answered: " + e.getMessage() + "\n"
                            + Files.readString(dir.resolve("etcd.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=vectorvault-test-ca");
        for (String name : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + name);
            Files.writeString(dir.resolve(name + ".ext"), name.equals("server")
                    ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                    : "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
