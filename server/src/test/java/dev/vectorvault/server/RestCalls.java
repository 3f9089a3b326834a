package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** REST v2 calls for server tests: one POST, its HTTP status and parsed envelope. */
final class RestCalls {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROOT = "Bearer root:Milvus";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RestCalls() {}

    record Reply(int status, JsonNode body) {
        int code() {
            return body.get("code").asInt();
        }
    }

    static Reply post(int port, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    static Reply post(LoopbackServer server, String route, String authorization, String body) throws Exception {
        return post(server.port(), "/v2/vectordb/" + route, authorization, body);
    }

    /** A loopback server with authentication on (root has the default password). */
    static LoopbackServer serverWithAuth(java.nio.file.Path dir) throws Exception {
        return LoopbackServer.start(dir, java.util.Map.of("common.security.authorizationEnabled", "true"));
    }

    /** A call as root that must succeed; its {@code data}. */
    static JsonNode ok(LoopbackServer server, String route, String body) throws Exception {
        Reply reply = post(server, route, ROOT, body);
        if (reply.status() != 200 || reply.code() != 0) {
            throw new AssertionError(route + " " + body + " answered " + reply.status() + " " + reply.body());
        }
        return reply.body().get("data");
    }
}
