package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.ok;
import static dev.vectorvault.server.RestCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectorvault.server.RestCalls.Reply;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST v2 {@code entities/upsert} with Milvus's {@code fieldOps}: the ops reach the same merge as gRPC's
 * {@code field_ops}; an op name it does not know is refused with 1100 and changes nothing.
 */
@Timeout(120)
class RestUpsertFieldOpsTest {
    @TempDir
    Path dir;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, Map.of());
        ok(server, "collections/create", "{\"collectionName\":\"t\",\"schema\":{\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                + "{\"fieldName\":\"vec\",\"dataType\":\"FloatVector\",\"elementTypeParams\":{\"dim\":2}},"
                + "{\"fieldName\":\"tags\",\"dataType\":\"Array\",\"elementDataType\":\"Int64\","
                + "\"elementTypeParams\":{\"max_capacity\":4}}]},"
                + "\"indexParams\":[{\"fieldName\":\"vec\",\"indexName\":\"vec\",\"metricType\":\"L2\"}]}");
        ok(server, "entities/insert", "{\"collectionName\":\"t\",\"data\":[{\"id\":1,\"vec\":[1,0],\"tags\":[1,2,1]}]}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode tags() throws Exception {
        return ok(server, "entities/query", "{\"collectionName\":\"t\",\"filter\":\"id == 1\","
                + "\"outputFields\":[\"tags\"]}").get(0).get("tags");
    }

    @Test
    void fieldOpsAppendToAndRemoveFromTheStoredArray() throws Exception {
        ok(server, "entities/upsert", "{\"collectionName\":\"t\",\"data\":[{\"id\":1,\"vec\":[1,0],\"tags\":[1]}],"
                + "\"fieldOps\":[{\"fieldName\":\"tags\",\"op\":\"ARRAY_REMOVE\"}]}");
        assertThat(tags().toString()).isEqualTo("[2]");
        ok(server, "entities/upsert", "{\"collectionName\":\"t\",\"data\":[{\"id\":1,\"vec\":[1,0],\"tags\":[5]}],"
                + "\"fieldOps\":[{\"fieldName\":\"tags\",\"op\":\"ARRAY_APPEND\"}]}");
        assertThat(tags().toString()).isEqualTo("[2,5]");
    }

    @Test
    void anOpNameItDoesNotKnowIsRefusedAndChangesNothing() throws Exception {
        Reply reply = post(server, "entities/upsert", ROOT, "{\"collectionName\":\"t\",\"data\":[{\"id\":1,"
                + "\"vec\":[1,0],\"tags\":[9]}],\"fieldOps\":[{\"fieldName\":\"tags\",\"op\":\"PATH_REPLACE\"}]}");
        assertThat(reply.code()).isEqualTo(1100);
        assertThat(reply.body().get("message").asText()).contains("unsupported partial update op: PATH_REPLACE");
        Reply capacity = post(server, "entities/upsert", ROOT, "{\"collectionName\":\"t\",\"data\":[{\"id\":1,"
                + "\"vec\":[1,0],\"tags\":[7,8]}],\"fieldOps\":[{\"fieldName\":\"tags\",\"op\":\"ARRAY_APPEND\"}]}");
        assertThat(capacity.code()).isEqualTo(1100);
        assertThat(capacity.body().get("message").asText()).contains("max_capacity 4");
        assertThat(tags().toString()).isEqualTo("[1,2,1]");
    }
}
