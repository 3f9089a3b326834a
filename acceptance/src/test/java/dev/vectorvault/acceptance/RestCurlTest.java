package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RESTful API v2 with plain {@code curl} against the real server process, authentication on, on the gRPC port:
 * the flows of Milvus's REST documentation (create a user, a wrong password, a collection, insert, search, query,
 * delete, a privilege denial), each checked for Milvus's HTTP status, code and message.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestCurlTest {
    private static final String ROOT = "root:Milvus";
    private static final String SECRET = "CurlSecret-42";

    @TempDir
    Path tempDir;

    private record Reply(int status, JsonObject body) {
        int code() {
            return body.get("code").getAsInt();
        }
    }

    /** {@code curl -X POST <server>/v2/vectordb/<route> -H "Authorization: Bearer <token>" -d <body>}. */
    private Reply curl(ServerProcess server, String route, String token, String body) throws Exception {
        return curl(server.uri(), List.of(), route, token, body);
    }

    private Reply curl(String base, List<String> options, String route, String token, String body) throws Exception {
        Path out = Files.createTempFile(tempDir, "curl", ".json");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w", "%{http_code}",
                "-X", "POST", base + "/v2/vectordb/" + route,
                "-H", "Content-Type: application/json", "-d", body));
        command.addAll(options);
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("curl failed: %s", status).isZero();
        String json = Files.readString(out, StandardCharsets.UTF_8);
        return new Reply(Integer.parseInt(status), JsonParser.parseString(json).getAsJsonObject());
    }

    @Test
    void curlFlowWithAuthenticationOn() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(tempDir.resolve("data"))) {
            Reply created = curl(server, "users/create", ROOT,
                    "{\"userName\":\"curl_user\",\"password\":\"" + SECRET + "\"}");
            assertThat(created.status()).isEqualTo(200);
            assertThat(created.code()).as(created.body().toString()).isZero();

            Reply wrong = curl(server, "collections/list", "curl_user:not-the-password", "{}");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo(1800);
            assertThat(wrong.body().get("message").getAsString()).isEqualTo("user hasn't authenticated");
            assertThat(curl(server, "collections/list", null, "{}").status()).isEqualTo(401);

            assertThat(curl(server, "collections/create", ROOT, "{\"collectionName\":\"curl_docs\",\"dimension\":4,"
                    + "\"metricType\":\"L2\"}").code()).isZero();
            Reply inserted = curl(server, "entities/insert", ROOT, "{\"collectionName\":\"curl_docs\",\"data\":["
                    + "{\"id\":1,\"vector\":[1,0,0,0],\"kind\":\"x\"},{\"id\":2,\"vector\":[0,1,0,0],\"kind\":\"y\"},"
                    + "{\"id\":3,\"vector\":[0,0,1,0],\"kind\":\"x\"}]}");
            assertThat(inserted.code()).as(inserted.body().toString()).isZero();
            assertThat(inserted.body().getAsJsonObject("data").get("insertCount").getAsInt()).isEqualTo(3);

            Reply search = curl(server, "entities/search", ROOT, "{\"collectionName\":\"curl_docs\","
                    + "\"data\":[[0,1,0,0]],\"limit\":1,\"outputFields\":[\"kind\"]}");
            assertThat(search.code()).as(search.body().toString()).isZero();
            JsonObject hit = search.body().getAsJsonArray("data").get(0).getAsJsonObject();
            assertThat(hit.get("id").getAsLong()).isEqualTo(2);
            assertThat(hit.get("kind").getAsString()).isEqualTo("y");

            Reply query = curl(server, "entities/query", ROOT, "{\"collectionName\":\"curl_docs\","
                    + "\"filter\":\"kind == 'x'\",\"outputFields\":[\"id\"]}");
            assertThat(query.body().getAsJsonArray("data")).hasSize(2);
            assertThat(curl(server, "entities/delete", ROOT, "{\"collectionName\":\"curl_docs\","
                    + "\"filter\":\"id == 1\"}").code()).isZero();
            assertThat(curl(server, "entities/query", ROOT, "{\"collectionName\":\"curl_docs\","
                    + "\"filter\":\"kind == 'x'\",\"outputFields\":[\"id\"]}").body().getAsJsonArray("data"))
                    .hasSize(1);

            Reply denied = curl(server, "entities/search", "curl_user:" + SECRET, "{\"collectionName\":\"curl_docs\","
                    + "\"data\":[[0,1,0,0]],\"limit\":1}");
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.body().get("message").getAsString())
                    .isEqualTo("PrivilegeSearch: permission deny to curl_user in the `default` database");

            Reply badJson = curl(server, "collections/list", ROOT, "{oops");
            assertThat(badJson.code()).isEqualTo(1801);

            String log = server.log();
            assertThat(log).as("server log leaks a password").doesNotContain(SECRET, "not-the-password");
            assertThat(log).doesNotContain("Exception");
        }
    }

    @Test
    void restSharesTheTlsPortWithGrpc() throws Exception {
        TestCertificates certs = new TestCertificates(tempDir.resolve("certs"));
        try (ServerProcess server = ServerProcess.startWithAuth(tempDir.resolve("data"),
                "common.security.tlsMode", "2",
                "tls.serverPemPath", certs.serverPem.toString(),
                "tls.serverKeyPath", certs.serverKey.toString(),
                "tls.caPemPath", certs.caPem.toString())) {
            String base = "https://localhost:" + server.port();
            List<String> withCertificate = List.of("--cacert", certs.caPem.toString(),
                    "--cert", certs.clientPem.toString(), "--key", certs.clientKey.toString());
            assertThat(curl(base, withCertificate, "collections/create", ROOT,
                    "{\"collectionName\":\"tls_docs\",\"dimension\":2}").code()).isZero();
            // gRPC on the same port, same TLS, sees what REST created.
            io.milvus.v2.client.MilvusClientV2 client = Clients.connect(server, b -> b.uri(base)
                    .token(ROOT).caPemPath(certs.caPem.toString())
                    .clientPemPath(certs.clientPem.toString()).clientKeyPath(certs.clientKey.toString())
                    .serverName("localhost"));
            try {
                assertThat(client.listCollections().getCollectionNames()).containsExactly("tls_docs");
            } finally {
                client.close();
            }
            // Mutual TLS holds for REST too: no client certificate, no answer.
            Process noCertificate = new ProcessBuilder("curl", "-sS", "--cacert", certs.caPem.toString(), "-X", "POST",
                    base + "/v2/vectordb/collections/list", "-H", "Authorization: Bearer " + ROOT, "-d", "{}")
                    .redirectErrorStream(true).start();
            noCertificate.getInputStream().readAllBytes();
            assertThat(noCertificate.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(noCertificate.exitValue()).isNotZero();
        }
    }

    @Test
    void grpcStillWorksOnThePortThatServesRest() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(tempDir.resolve("data"))) {
            io.milvus.v2.client.MilvusClientV2 client = Clients.root(server);
            try {
                assertThat(curl(server, "collections/create", ROOT, "{\"collectionName\":\"both\",\"dimension\":2}")
                        .code()).isZero();
                assertThat(client.listCollections().getCollectionNames()).containsExactly("both");
                // And REST still answers while the gRPC client keeps its connection open.
                assertThat(curl(server, "collections/has", ROOT, "{\"collectionName\":\"both\"}").body()
                        .getAsJsonObject("data").get("has").getAsBoolean()).isTrue();
            } finally {
                client.close();
            }
        }
    }
}
