package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.milvus.grpc.MilvusServiceGrpc;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST v2 {@code resource_groups/*}, Milvus 2.6's routes and bodies, served by the same resource-group RPCs as gRPC:
 * create, alter, describe (Milvus's {@code resource_group} beside the code), list, transfer_replica and drop; a user
 * without the cluster-level privilege is refused by the same authorization step as on gRPC.
 */
@Timeout(120)
class RestResourceGroupsTest {
    private static final String DEFAULT = "__default_resource_group";

    @TempDir
    Path dir;

    @Test
    void resourceGroupsAreManagedThroughRestAsThroughGrpc() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("common.security.authorizationEnabled",
                "true"))) {
            RestCalls.ok(server, "resource_groups/create", "{\"name\":\"rg\",\"config\":{\"requests\":{\"node_num\":0},"
                    + "\"limits\":{\"node_num\":0}}}");
            assertThat(strings(RestCalls.ok(server, "resource_groups/list", "{}"))).containsExactly(DEFAULT, "rg");
            RestCalls.Reply exists = post(server, "resource_groups/create", ROOT, "{\"name\":\"rg\",\"config\":{"
                    + "\"requests\":{\"node_num\":1},\"limits\":{\"node_num\":1}}}");
            assertThat(exists.code()).as(exists.body().toString()).isEqualTo(301);

            // Loaded into the default group, which holds the node until rg asks for it.
            SmallCollection.create(MilvusServiceGrpc.newBlockingStub(server.channel()).withInterceptors(
                    new WireHeaders(WireHeaders.basic("root", "Milvus"), null)).withDeadlineAfter(60, TimeUnit.SECONDS), 5);
            RestCalls.ok(server, "resource_groups/alter", "{\"resource_groups\":{\"rg\":{\"requests\":{\"node_num\":1},"
                    + "\"limits\":{\"node_num\":1},\"transfer_from\":[{\"resource_group\":\"" + DEFAULT + "\"}],"
                    + "\"node_filter\":{\"node_labels\":{}}}}}");
            JsonNode rg = post(server, "resource_groups/describe", ROOT, "{\"name\":\"rg\"}").body()
                    .get("resource_group");
            assertThat(rg.get("name").asText()).isEqualTo("rg");
            assertThat(rg.get("num_available_node").asInt()).isEqualTo(1);
            assertThat(rg.at("/config/requests/node_num").asInt()).isEqualTo(1);
            assertThat(rg.at("/config/transfer_from/0/resource_group").asText()).isEqualTo(DEFAULT);
            assertThat(rg.at("/nodes/0/node_id").isIntegralNumber()).isTrue();

            RestCalls.ok(server, "resource_groups/transfer_replica", "{\"sourceRgName\":\"" + DEFAULT + "\","
                    + "\"targetRgName\":\"rg\",\"collectionName\":\"c\",\"replicaNum\":1}");
            JsonNode moved = post(server, "resource_groups/describe", ROOT, "{\"name\":\"rg\"}").body()
                    .get("resource_group");
            assertThat(moved.at("/num_loaded_replica/c").asInt()).isEqualTo(1);
            RestCalls.Reply loaded = post(server, "resource_groups/drop", ROOT, "{\"name\":\"rg\"}");
            assertThat(loaded.code()).as(loaded.body().toString()).isEqualTo(1100);
            assertThat(loaded.body().get("message").asText()).contains("some replicas still loaded");

            RestCalls.Reply missing = post(server, "resource_groups/transfer_replica", ROOT, "{\"sourceRgName\":\"rg\"}");
            assertThat(missing.code()).isEqualTo(1802);
            RestCalls.Reply unknown = post(server, "resource_groups/describe", ROOT, "{\"name\":\"nope\"}");
            assertThat(unknown.code()).isEqualTo(300);

            RestCalls.ok(server, "users/create", "{\"userName\":\"eve\",\"password\":\"Eve-pass-123\"}");
            for (String route : List.of("create", "drop", "alter", "describe", "list", "transfer_replica")) {
                RestCalls.Reply denied = post(server, "resource_groups/" + route, "Bearer eve:Eve-pass-123",
                        "{\"name\":\"rg\",\"config\":{\"requests\":{\"node_num\":0},\"limits\":{\"node_num\":0}},"
                                + "\"resource_groups\":{},\"sourceRgName\":\"rg\",\"targetRgName\":\"" + DEFAULT
                                + "\",\"collectionName\":\"c\",\"replicaNum\":1}");
                assertThat(denied.status()).as(route + " " + denied.body()).isEqualTo(403);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
