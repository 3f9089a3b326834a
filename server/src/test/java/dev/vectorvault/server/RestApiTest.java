package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.server.RestCalls.Reply;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.ShowCollectionsResponse;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RESTful API v2 on a real server: served on the gRPC port next to gRPC, authenticated, authorized and counted by
 * the gRPC port's own chain, Milvus's envelope and codes, bad input answered with a clear envelope.
 */
@Timeout(120)
class RestApiTest {
    private static final ObjectMapper JSON = RestCalls.JSON;
    private static final String ROOT = RestCalls.ROOT;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static LoopbackServer withAuth(Path dir, Map<String, String> more) throws Exception {
        Map<String, String> keys = new HashMap<>(more);
        keys.put("common.security.authorizationEnabled", "true");
        return LoopbackServer.start(dir, keys);
    }

    /** A REST client's idle keep-alive connection on the shared port is closed with the server, not waited for. */
    @Test
    void closingTheServerClosesAnIdleRestConnectionOnTheSharedPortWithoutWaitingOutTheGrace() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            try (LoopbackServer server = withAuth(dir, Map.of())) {
                Reply listed = post(server, "collections/list", ROOT, "{}"); // the client keeps its connection
                assertThat(listed.status()).isEqualTo(200);
            }
            assertThat(logs.warnings()).noneMatch(line -> line.contains("event=shutdown_forced"));
        }
    }

    @Test
    void restAndGrpcAnswerOnTheSamePort() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            Reply created = post(server, "collections/create", ROOT,
                    "{\"collectionName\":\"shared\",\"dimension\":4}");
            assertThat(created.status()).isEqualTo(200);
            assertThat(created.body().get("code").asInt()).as(created.body().toString()).isZero();

            ShowCollectionsResponse grpc = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null))
                    .showCollections(ShowCollectionsRequest.getDefaultInstance());
            assertThat(grpc.getCollectionNamesList()).containsExactly("shared");

            Reply listed = post(server, "collections/list", ROOT, "{}");
            assertThat(listed.body().get("data")).hasSize(1);
            assertThat(listed.body().get("data").get(0).asText()).isEqualTo("shared");
            // A client that offers an h2c upgrade still gets its HTTP/1.1 answer.
            HttpResponse<String> upgrade = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v2/vectordb/collections/has"))
                    .header("Authorization", ROOT)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"collectionName\":\"shared\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(upgrade.body()).at("/data/has").asBoolean()).isTrue();
        }
    }

    @Test
    void missingOrWrongCredentialsAre401WithMilvusCode1800() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            for (String authorization : new String[] {null, "Bearer root:wrong", "Bearer nosuchuser:password1",
                    "Bearer apikey-without-colon", "Bearer ", basic("root", "wrong")}) {
                Reply reply = post(server, "collections/list", authorization, "{}");
                assertThat(reply.status()).as(String.valueOf(authorization)).isEqualTo(401);
                assertThat(reply.body().get("code").asInt()).isEqualTo(1800);
                assertThat(reply.body().get("message").asText()).isEqualTo("user hasn't authenticated");
            }
            assertThat(post(server, "collections/list", basic("root", "Milvus"), "{}").body().get("code").asInt())
                    .isZero();
        }
    }

    @Test
    void hybridSearchFusesSubRequestsAndFieldsItCannotActOnAreRefused() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            Reply created = post(server, "collections/create", ROOT, "{\"collectionName\":\"h\",\"schema\":{"
                    + "\"fields\":[{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                    + "{\"fieldName\":\"a\",\"dataType\":\"FloatVector\",\"elementTypeParams\":{\"dim\":\"3\"}},"
                    + "{\"fieldName\":\"b\",\"dataType\":\"FloatVector\",\"elementTypeParams\":{\"dim\":\"3\"}}]},"
                    + "\"indexParams\":[{\"fieldName\":\"a\",\"metricType\":\"L2\",\"indexType\":\"FLAT\"},"
                    + "{\"fieldName\":\"b\",\"metricType\":\"IP\",\"indexType\":\"FLAT\"}]}");
            assertThat(code(created)).as(created.body().toString()).isZero();
            Reply inserted = post(server, "entities/insert", ROOT, "{\"collectionName\":\"h\",\"data\":["
                    + "{\"id\":1,\"a\":[1,0,0],\"b\":[0,0,1]},"
                    + "{\"id\":2,\"a\":[0,1,0],\"b\":[0,1,0]},"
                    + "{\"id\":3,\"a\":[0,0,1],\"b\":[1,0,0]}]}");
            assertThat(code(inserted)).as(inserted.body().toString()).isZero();
            post(server, "collections/load", ROOT, "{\"collectionName\":\"h\"}");

            // Weight 1 on "a" and 0 on "b": the order of the "a" search alone (nearest to [1,0,0] first).
            Reply weighted = post(server, "entities/hybrid_search", ROOT, "{\"collectionName\":\"h\",\"search\":["
                    + "{\"data\":[[0.9,0.1,0]],\"annsField\":\"a\",\"limit\":3},"
                    + "{\"data\":[[0.9,0.1,0]],\"annsField\":\"b\",\"limit\":3}],"
                    + "\"rerank\":{\"strategy\":\"weighted\",\"params\":{\"weights\":[1.0,0.0]}},\"limit\":3}");
            assertThat(code(weighted)).as(weighted.body().toString()).isZero();
            assertThat(weighted.body().get("data")).hasSize(3);
            assertThat(weighted.body().at("/data/0/id").asLong()).isEqualTo(1);
            assertThat(weighted.body().at("/data/1/id").asLong()).isEqualTo(2);
            // The same with the weights swapped follows "b" (inner product with [0.9,0.1,0]: id 3 first).
            Reply swapped = post(server, "entities/hybrid_search", ROOT, "{\"collectionName\":\"h\",\"search\":["
                    + "{\"data\":[[0.9,0.1,0]],\"annsField\":\"a\",\"limit\":3},"
                    + "{\"data\":[[0.9,0.1,0]],\"annsField\":\"b\",\"limit\":3}],"
                    + "\"rerank\":{\"strategy\":\"weighted\",\"params\":{\"weights\":[0.0,1.0]}},\"limit\":2}");
            assertThat(code(swapped)).as(swapped.body().toString()).isZero();
            assertThat(swapped.body().get("data")).hasSize(2);
            assertThat(swapped.body().at("/data/0/id").asLong()).isEqualTo(3);

            Reply rrf = post(server, "entities/hybrid_search", ROOT, "{\"collectionName\":\"h\",\"search\":["
                    + "{\"data\":[[0.9,0.1,0]],\"annsField\":\"a\"},{\"data\":[[0.9,0.1,0]],\"annsField\":\"b\"}],"
                    + "\"rerank\":{\"strategy\":\"rrf\",\"params\":{\"k\":60}},\"limit\":3}");
            assertThat(code(rrf)).as(rrf.body().toString()).isZero();
            assertThat(rrf.body().get("data")).hasSize(3);

            Reply templated = post(server, "entities/search", ROOT, "{\"collectionName\":\"h\",\"annsField\":\"a\","
                    + "\"data\":[[1,0,0]],\"filter\":\"id > {x}\",\"exprParams\":{\"x\":1}}");
            assertThat(code(templated)).isEqualTo(1100);
            assertThat(templated.body().get("message").asText()).contains("exprParams");
            Reply noSearch = post(server, "entities/hybrid_search", ROOT, "{\"collectionName\":\"h\"}");
            assertThat(code(noSearch)).isEqualTo(1802);
        }
    }

    @Test
    void quickSetupCollectionTakesInsertSearchQueryGetAndDelete() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            assertThat(code(post(server, "collections/create", ROOT,
                    "{\"collectionName\":\"docs\",\"dimension\":3,\"metricType\":\"L2\"}"))).isZero();
            Reply inserted = post(server, "entities/insert", ROOT, "{\"collectionName\":\"docs\",\"data\":["
                    + "{\"id\":1,\"vector\":[0,0,1],\"color\":\"red\"},"
                    + "{\"id\":2,\"vector\":[0,1,0],\"color\":\"blue\"},"
                    + "{\"id\":3,\"vector\":[1,0,0],\"color\":\"red\"}]}");
            assertThat(code(inserted)).as(inserted.body().toString()).isZero();
            assertThat(inserted.body().at("/data/insertCount").asLong()).isEqualTo(3);
            assertThat(inserted.body().at("/data/insertIds").toString()).isEqualTo("[1,2,3]");

            Reply search = post(server, "entities/search", ROOT, "{\"collectionName\":\"docs\",\"data\":[[1,0,0]],"
                    + "\"limit\":2,\"outputFields\":[\"color\"]}");
            assertThat(code(search)).as(search.body().toString()).isZero();
            assertThat(search.body().get("data")).hasSize(2);
            assertThat(search.body().at("/data/0/id").asLong()).isEqualTo(3);
            assertThat(search.body().at("/data/0/color").asText()).isEqualTo("red");
            assertThat(search.body().at("/data/0/distance").asDouble()).isEqualTo(0.0);

            Reply query = post(server, "entities/query", ROOT, "{\"collectionName\":\"docs\","
                    + "\"filter\":\"color == 'red'\",\"outputFields\":[\"id\",\"color\"]}");
            assertThat(code(query)).as(query.body().toString()).isZero();
            assertThat(query.body().get("data")).hasSize(2);

            Reply get = post(server, "entities/get", ROOT, "{\"collectionName\":\"docs\",\"id\":[2],"
                    + "\"outputFields\":[\"vector\",\"color\"]}");
            assertThat(code(get)).as(get.body().toString()).isZero();
            assertThat(get.body().at("/data/0/color").asText()).isEqualTo("blue");
            assertThat(get.body().at("/data/0/vector").toString()).isEqualTo("[0.0,1.0,0.0]");

            assertThat(code(post(server, "entities/delete", ROOT, "{\"collectionName\":\"docs\","
                    + "\"filter\":\"id in [1,3]\"}"))).isZero();
            Reply remaining = post(server, "entities/query", ROOT, "{\"collectionName\":\"docs\","
                    + "\"filter\":\"id > 0\",\"outputFields\":[\"id\"]}");
            assertThat(remaining.body().get("data")).hasSize(1);

            // JavaScript clients ask for 64-bit integers as strings.
            HttpResponse<String> asStrings = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + server.port() + "/v2/vectordb/entities/query"))
                    .header("Authorization", ROOT).header("Accept-Type-Allow-Int64", "false")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"collectionName\":\"docs\",\"filter\":\"id > 0\","
                            + "\"outputFields\":[\"id\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(asStrings.body()).at("/data/0/id").isTextual()).isTrue();

            Reply describe = post(server, "collections/describe", ROOT, "{\"collectionName\":\"docs\"}");
            assertThat(describe.body().at("/data/load").asText()).isEqualTo("LoadStateLoaded");
            assertThat(describe.body().at("/data/indexes/0/metricType").asText()).isEqualTo("L2");
            assertThat(describe.body().at("/data/enableDynamicField").asBoolean()).isTrue();
        }
    }

    @Test
    void privilegesAreCheckedByTheGrpcChainAndCounted() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            assertThat(code(post(server, "collections/create", ROOT,
                    "{\"collectionName\":\"guarded\",\"dimension\":2}"))).isZero();
            assertThat(code(post(server, "users/create", ROOT,
                    "{\"userName\":\"reader\",\"password\":\"reader-secret\"}"))).isZero();
            String reader = "Bearer reader:reader-secret";

            Reply denied = post(server, "entities/insert", reader,
                    "{\"collectionName\":\"guarded\",\"data\":[{\"id\":1,\"vector\":[1,2]}]}");
            assertThat(denied.status()).as(denied.body().toString()).isEqualTo(403);
            assertThat(denied.body().get("message").asText())
                    .isEqualTo("PrivilegeInsert: permission deny to reader in the `default` database");

            assertThat(code(post(server, "roles/create", ROOT, "{\"roleName\":\"writer\"}"))).isZero();
            assertThat(code(post(server, "roles/grant_privilege", ROOT, "{\"roleName\":\"writer\","
                    + "\"objectType\":\"Collection\",\"objectName\":\"guarded\",\"privilege\":\"Insert\"}"))).isZero();
            assertThat(code(post(server, "users/grant_role", ROOT,
                    "{\"userName\":\"reader\",\"roleName\":\"writer\"}"))).isZero();
            assertThat(code(post(server, "entities/insert", reader,
                    "{\"collectionName\":\"guarded\",\"data\":[{\"id\":1,\"vector\":[1,2]}]}"))).isZero();
            assertThat(post(server, "users/describe", ROOT, "{\"userName\":\"reader\"}").body().get("data")
                    .toString()).isEqualTo("[\"writer\"]");
            assertThat(post(server, "roles/describe", ROOT, "{\"roleName\":\"writer\"}").body()
                    .at("/data/0/privilege").asText()).isEqualTo("Insert");

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.server().managementPort() + "/metrics")).header("Authorization", basic("root", "Milvus"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("vectorvault_permission_denials_total\\{[^}]*Insert[^}]*\\} 1");
            assertThat(metrics.body()).containsPattern(
                    "milvus_proxy_req_count\\{function_name=\"Insert\",node_id=\"0\",status=\"success\"\\} 1");
        }
    }

    @Test
    void badRequestsGetAClearEnvelopeNeverAStackTrace() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of("proxy.http.maxRequestBodyBytes", "2048"))) {
            Reply notJson = post(server, "collections/list", ROOT, "{not json");
            assertThat(notJson.status()).isEqualTo(200);
            assertThat(code(notJson)).isEqualTo(1801);
            assertThat(notJson.body().get("message").asText()).startsWith("can only accept json format request");

            assertThat(code(post(server, "collections/list", ROOT, "[1,2]"))).isEqualTo(1801);
            Reply missing = post(server, "collections/describe", ROOT, "{}");
            assertThat(code(missing)).isEqualTo(1802);
            assertThat(missing.body().get("message").asText()).contains("collectionName");

            Reply unknown = post(server, "nothing/here", ROOT, "{}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().get("message").asText()).contains("no such endpoint");

            Reply tooLarge = post(server, "collections/list", ROOT, "{\"pad\":\"" + "x".repeat(4096) + "\"}");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body().get("message").asText()).contains("proxy.http.maxRequestBodyBytes");

            Reply wrongRow = post(server, "collections/create", ROOT, "{\"collectionName\":\"c\",\"dimension\":2}");
            assertThat(code(wrongRow)).isZero();
            Reply badRow = post(server, "entities/insert", ROOT,
                    "{\"collectionName\":\"c\",\"data\":[{\"id\":1,\"vector\":[1,2,3]}]}");
            assertThat(code(badRow)).isEqualTo(1804);
            assertThat(badRow.body().get("message").asText()).contains("vector");

            Reply hybrid = post(server, "entities/hybrid_search", ROOT, "{\"collectionName\":\"c\"}");
            assertThat(code(hybrid)).isEqualTo(1802);
            assertThat(hybrid.body().get("message").asText()).contains("search is required");
        }
    }

    @Test
    void passwordsChangeThroughRestAndTheOldOneStopsWorking() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of())) {
            assertThat(code(post(server, "users/create", ROOT, "{\"userName\":\"alice\",\"password\":\"first-pw\"}")))
                    .isZero();
            Reply tooShort = post(server, "users/create", ROOT, "{\"userName\":\"bob\",\"password\":\"12345\"}");
            assertThat(code(tooShort)).isEqualTo(1100);
            Reply twice = post(server, "users/create", ROOT, "{\"userName\":\"alice\",\"password\":\"first-pw\"}");
            assertThat(code(twice)).isEqualTo(65535);
            assertThat(code(post(server, "users/update_password", "Bearer alice:first-pw",
                    "{\"userName\":\"alice\",\"password\":\"first-pw\",\"newPassword\":\"second-pw\"}"))).isZero();
            assertThat(post(server, "collections/list", "Bearer alice:first-pw", "{}").status()).isEqualTo(401);
            assertThat(code(post(server, "collections/list", "Bearer alice:second-pw", "{}"))).isZero();
            assertThat(post(server, "users/list", ROOT, "{}").body().get("data").toString()).contains("alice");
        }
    }

    @Test
    void restCanHaveAPortOfItsOwn() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (LoopbackServer server = withAuth(dir, Map.of("proxy.http.port", Integer.toString(port)))) {
            assertThat(server.server().restPort()).isEqualTo(port);
            Reply reply = post(port, "/v2/vectordb/databases/list", ROOT, "{}");
            assertThat(reply.body().get("data").toString()).contains("default");
        }
    }

    @Test
    void restCanBeSwitchedOff() throws Exception {
        try (LoopbackServer server = withAuth(dir, Map.of("proxy.http.enabled", "false"))) {
            assertThat(server.server().restPort()).isEqualTo(-1);
            assertThat(MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null))
                    .showCollections(ShowCollectionsRequest.getDefaultInstance()).getStatus().getCode()).isZero();
        }
    }

    @Test
    void httpCredentialsBecomeTheGrpcAuthorizationValue() {
        String encoded = Base64.getEncoder().encodeToString("root:Mil:vus".getBytes(StandardCharsets.UTF_8));
        assertThat(RestApi.grpcAuthorization("Bearer root:Mil:vus")).isEqualTo(encoded);
        assertThat(RestApi.grpcAuthorization("bearer root:Mil:vus")).isEqualTo(encoded);
        assertThat(RestApi.grpcAuthorization("Basic " + encoded)).isEqualTo(encoded);
        assertThat(RestApi.grpcAuthorization("root:Mil:vus")).isEqualTo(encoded);
        assertThat(RestApi.grpcAuthorization("Bearer ")).isNull();
        assertThat(RestApi.grpcAuthorization(null)).isNull();
        assertThat(RestApi.grpcAuthorization("Bearer apikey")).isEqualTo(
                Base64.getEncoder().encodeToString("apikey".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void int64HeaderIsReadAsMilvusReadsIt() {
        assertThat(RestApi.allowInt64("false", true)).isFalse();
        assertThat(RestApi.allowInt64("0", true)).isFalse();
        assertThat(RestApi.allowInt64("True", false)).isTrue();
        assertThat(RestApi.allowInt64("maybe", true)).isTrue();
        assertThat(RestApi.allowInt64(null, false)).isFalse();
    }

    private static int code(Reply reply) {
        return reply.code();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
