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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the official Node SDK's acceptance tests ({@code acceptance/node/*.test.mjs}: users, data, RBAC, full-text and
 * hybrid search, binary / half-width / Int8 vectors, schema changes, scalar indexes, partial load, partition keys,
 * IVF_SQ8, truncate, partial upsert, REST; pinned {@code @zilliz/milvus2-sdk-node}) with {@code node --test} against
 * the real server process with authentication on. {@code -Dnode.tests=a.test.mjs,b.test.mjs} runs only those files.
 * Needs {@code node} and {@code npm} on the PATH; dependencies are installed with {@code npm ci} on first use.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NodeSdkAcceptanceTest {
    private static final long NPM_CI_TIMEOUT_MINUTES = 4;
    private static final long NODE_TEST_TIMEOUT_MINUTES = 5;
    /** Every password the node test uses starts with this (see PASSWORD_MARKER there). */
    private static final String PASSWORD_MARKER = "NodeP";
    /** Base64 of "NodePw", the first six characters of every password of six or more characters. */
    private static final String PASSWORD_MARKER_BASE64 = "Tm9kZVB3";

    @TempDir
    Path tempDir;

    @Test
    void nodeSdkUserLifecycleWorksAgainstTheServer() throws Exception {
        Path nodeProject = Path.of(System.getProperty("node.project", "node")).toAbsolutePath();
        assertThat(nodeProject.resolve("auth.test.mjs")).isRegularFile();
        assertThat(nodeProject.resolve("rbac.test.mjs")).isRegularFile();
        assertThat(nodeProject.resolve("fulltext.test.mjs")).isRegularFile();
        assertThat(nodeProject.resolve("vectors.test.mjs")).isRegularFile();
        assertThat(nodeProject.resolve("indexes.test.mjs")).isRegularFile();
        assertThat(nodeProject.resolve("collections.test.mjs")).isRegularFile();
        List<String> command = new ArrayList<>(List.of("node", "--test"));
        for (String file : System.getProperty("node.tests", "").split(",")) {
            if (!file.isBlank()) {
                assertThat(nodeProject.resolve(file.strip())).isRegularFile();
                command.add(file.strip());
            }
        }
        if (!Files.isDirectory(nodeProject.resolve("node_modules"))) {
            Result install = run(nodeProject, Map.of(), NPM_CI_TIMEOUT_MINUTES, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(install.exitCode()).as("npm ci failed:%n%s", install.output()).isZero();
        }

        try (ServerProcess server = ServerProcess.startWithAuth(tempDir.resolve("data"))) {
            Result test = run(nodeProject, Map.of("MILVUS_ADDRESS", "127.0.0.1:" + server.port()),
                    NODE_TEST_TIMEOUT_MINUTES, command.toArray(String[]::new));
            System.out.println(test.output());
            assertThat(test.exitCode()).as("node --test failed:%n%s", test.output()).isZero();

            String log = server.log();
            if (command.size() == 2) {
                // The node test's users show up in the audit log, so this is the log the run wrote to.
                assertThat(log).contains("nodesdk_");
            }
            assertThat(log).as("server log leaks a password").doesNotContain(PASSWORD_MARKER, PASSWORD_MARKER_BASE64);
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
            String partial = Files.readString(output, StandardCharsets.UTF_8);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutMinutes
                    + " minutes:\n" + partial);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
