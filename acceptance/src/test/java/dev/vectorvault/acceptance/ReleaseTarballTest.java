package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball ({@code mvn package} writes {@code vectorvault-<version>-bin.tar.gz}) unpacked into an empty
 * folder and started as a person would start it, {@code bin/server --config milvus.yaml}, with nothing on the PATH but
 * a Java runtime: no Maven, no source checkout. Its sample configuration switches authentication on, so an
 * unauthenticated call is refused and root's is served; /healthz answers on the management port; SIGTERM stops it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReleaseTarballTest {
    @TempDir
    Path empty;

    @Test
    void theUnpackedReleaseRunsWithOnlyAJavaRuntime() throws Exception {
        Path tarball = Path.of(System.getProperty("release.tarball", "missing"));
        assertThat(tarball).as("set by failsafe (acceptance/pom.xml); run through Maven").isRegularFile();
        String version = System.getProperty("release.version");
        assertThat(run(empty, "tar", "-xzf", tarball.toString(), "-C", empty.toString())).isZero();

        Path home = empty.resolve("vectorvault-" + version);
        assertThat(home.resolve("vectorvault-server.jar")).isRegularFile();
        assertThat(home.resolve("milvus.yaml")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("deploy/standalone/statefulset.yaml")).isRegularFile();
        try (var libraries = Files.list(home.resolve("lib"))) {
            assertThat(libraries.filter(p -> p.toString().endsWith(".jar")).count()).isPositive();
        }
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/server")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

        // The PATH holds a java and nothing else: the start script needs no other program.
        Path onlyJava = Files.createDirectories(empty.resolve("path"));
        Files.createSymbolicLink(onlyJava.resolve("java"),
                Path.of(System.getProperty("java.home"), "bin", "java"));
        Path work = Files.createDirectories(empty.resolve("work"));
        int port = ServerProcess.freePort();
        int managementPort = ServerProcess.freePort();
        Path log = empty.resolve("server.log");
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/server").toString(),
                "--config", home.resolve("milvus.yaml").toString(),
                "--set", "proxy.port=" + port,
                "--set", "common.metricsPort=" + managementPort)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        start.environment().clear();
        start.environment().put("PATH", onlyJava.toString());
        start.environment().put("JAVA_OPTS", "-Xmx256m");
        Process server = start.start();
        try {
            awaitListening(server, port, log);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(read(log)).isEqualTo(200);
            assertThat(health.body()).isEqualTo("OK\n");

            assertThatThrownBy(() -> client(port, b -> b)).hasMessageContaining("missing authorization in header");
            MilvusClientV2 root = client(port, b -> b.token("root:Milvus"));
            try {
                assertThat(root.listUsers()).containsExactly("root");
                assertThat(root.checkHealth().getIsHealthy()).isTrue();
            } finally {
                root.close();
            }
            // The sample's data folder is relative to where the server was started.
            assertThat(work.resolve("data/meta")).isDirectory();
        } finally {
            server.destroy(); // SIGTERM: exec'd java runs its shutdown hook
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
        assertThat(read(log)).contains("event=started").contains("authorizationEnabled=true");
        Files.delete(onlyJava.resolve("java")); // the link only: JUnit would warn about a link leaving the temp dir
    }

    private static MilvusClientV2 client(int port, UnaryOperator<ConnectConfig.ConnectConfigBuilder> options) {
        MilvusClientV2 client = new MilvusClientV2(options.apply(ConnectConfig.builder()
                .uri("http://127.0.0.1:" + port).connectTimeoutMs(15_000).rpcDeadlineMs(15_000)).build());
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        return client;
    }

    private static void awaitListening(Process server, int port, Path log) throws Exception {
        while (true) {
            if (!server.isAlive()) {
                throw new AssertionError("the release's server exited with " + server.exitValue() + ":\n" + read(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100); // the class timeout bounds the wait
            }
        }
    }

    private static int run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).inheritIO().start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return process.exitValue();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
