package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end in headless Chromium ({@code acceptance/node/console.e2e.mjs}, driven by
 * {@code playwright-core} with Debian's {@code chromium} as its executable): log in (a wrong password refused first),
 * see a collection with its rows, create a role with a grant, create a user and grant it the role, search, read the
 * audit page, a request without the CSRF token refused, log out.
 * <p>
 * Chromium comes from {@code CHROMIUM_PATH} or {@code /usr/bin/chromium} ({@code .ci/run} installs it). Without it
 * the test is skipped with a message, except in CI ({@code CI} set), where it fails. {@code -Dconsole.screenshots=DIR}
 * writes the pages' screenshots there (the README's come from {@code docs/console}).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WebConsoleBrowserTest {
    @TempDir
    Path tempDir;

    @Test
    void consoleLoginUserRoleCollectionAndLogoutWorkInChromium() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            assertThat(System.getenv("CI")).as("CI is set but Chromium is missing at %s (.ci/run installs Debian's"
                    + " chromium)", chromium).isNull();
            Assumptions.abort("Chromium not found at " + chromium + ": web console browser test skipped (install"
                    + " Debian's chromium or set CHROMIUM_PATH; in CI it is required)");
        }
        Path nodeProject = Path.of(System.getProperty("node.project", "node")).toAbsolutePath();
        if (!Files.isDirectory(nodeProject.resolve("node_modules/playwright-core"))) {
            Result install = run(nodeProject, Map.of(), 4, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(install.exitCode()).as("npm ci failed:%n%s", install.output()).isZero();
        }
        int managementPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            managementPort = socket.getLocalPort();
        }
        try (ServerProcess server = ServerProcess.startWithAuth(tempDir.resolve("data"),
                "common.metricsPort", Integer.toString(managementPort))) {
            rest(server, "collections/create", "{\"collectionName\":\"console_docs\",\"dimension\":4}");
            rest(server, "entities/insert", "{\"collectionName\":\"console_docs\",\"data\":["
                    + "{\"id\":1,\"vector\":[0.1,0.2,0.3,0.4]},{\"id\":2,\"vector\":[0.2,0.1,0.4,0.3]},"
                    + "{\"id\":3,\"vector\":[0.9,0.8,0.7,0.6]}]}");
            awaitHealthy(managementPort);
            String screenshots = System.getProperty("console.screenshots", "");
            if (!screenshots.isEmpty()) {
                Files.createDirectories(Path.of(screenshots));
            }
            Result test = run(nodeProject, Map.of(
                    "CONSOLE_URL", "http://127.0.0.1:" + managementPort + "/webui/",
                    "CHROMIUM_PATH", chromium.toString(),
                    "SCREENSHOT_DIR", screenshots.isEmpty() ? "" : Path.of(screenshots).toAbsolutePath().toString()),
                    4, "node", "console.e2e.mjs");
            System.out.println(test.output());
            assertThat(test.exitCode()).as("console e2e failed:%n%s", test.output()).isZero();
            assertThat(test.output()).contains("console e2e: ok");
            String log = server.log();
            assertThat(log).contains("user_created").contains("console_user");
            assertThat(log).as("server log leaks a password").doesNotContain("Console-pw-1");
        }
    }

    private static void rest(ServerProcess server, String action, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.uri() + "/v2/vectordb/" + action))
                .header("Authorization", "Bearer root:Milvus").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).as(action).startsWith("{\"code\":0");
    }

    /** The management port opens just after the gRPC port; the test's timeout bounds the wait. */
    private static void awaitHealthy(int port) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
    }

    private record Result(int exitCode, String output) {}

    /** Runs a command in {@code dir}, stdout and stderr together; a run past the timeout is killed and fails. */
    private Result run(Path dir, Map<String, String> env, long timeoutMinutes, String... command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(tempDir, "process", ".out");
        ProcessBuilder builder = new ProcessBuilder(List.of(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutMinutes
                    + " minutes:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
