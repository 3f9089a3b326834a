package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.ok;
import static dev.vectorvault.server.RestCalls.post;
import static dev.vectorvault.server.RestCalls.serverWithAuth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.server.RestCalls.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST v2 upkeep routes of Milvus 2.6 on a real server: compact and its state, refresh_load, truncate,
 * common/run_analyzer, and entities/advanced_search (hybrid_search's first name).
 */
@Timeout(120)
class RestUpkeepRoutesTest {
    @TempDir
    Path dir;

    private static void collectionWithRows(LoopbackServer server) throws Exception {
        ok(server, "collections/create", "{\"collectionName\":\"c\",\"dimension\":2}");
        ok(server, "entities/insert", "{\"collectionName\":\"c\",\"data\":[{\"id\":1,\"vector\":[1,0]},"
                + "{\"id\":2,\"vector\":[0,1]}]}");
        ok(server, "collections/flush", "{\"collectionName\":\"c\"}");
    }

    @Test
    void compactionAnswersAnIdWhoseStateIsAskedByMilvusNameOrTheNodeSdkName() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            collectionWithRows(server);
            JsonNode compacted = ok(server, "collections/compact", "{\"collectionName\":\"c\"}");
            long id = compacted.get("compactionID").asLong();

            JsonNode byJobId = ok(server, "collections/get_compaction_state", "{\"jobID\":" + id + "}");
            assertThat(byJobId.get("compactionID").asLong()).isEqualTo(id);
            assertThat(byJobId.get("state").asText()).isEqualTo("Completed");
            assertThat(byJobId.has("executingPlanNumber")).isTrue();
            assertThat(byJobId.has("timeoutPlanNumber")).isTrue();
            assertThat(byJobId.has("completedPlanNumber")).isTrue();
            JsonNode byCompactionId = ok(server, "collections/get_compaction_state", "{\"compactionID\":" + id + "}");
            assertThat(byCompactionId).isEqualTo(byJobId);

            Reply neither = post(server, "collections/get_compaction_state", ROOT, "{}");
            assertThat(neither.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
            Reply disagree = post(server, "collections/get_compaction_state", ROOT,
                    "{\"jobID\":" + id + ",\"compactionID\":" + (id + 1) + "}");
            assertThat(disagree.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
        }
    }

    @Test
    void clusteringCompactionIsRefusedByTheGrpcCallNotDoneAsAnotherKind() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            collectionWithRows(server);
            Reply clustering = post(server, "collections/compact", ROOT,
                    "{\"collectionName\":\"c\",\"isClustering\":true}");
            assertThat(clustering.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
            assertThat(clustering.body().get("message").asText()).contains("clustering");
        }
    }

    @Test
    void refreshLoadKeepsALoadedCollectionLoadedAndTruncateEmptiesIt() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            collectionWithRows(server);
            ok(server, "collections/refresh_load", "{\"collectionName\":\"c\"}");
            assertThat(ok(server, "collections/get_load_state", "{\"collectionName\":\"c\"}").get("loadState")
                    .asText()).isEqualTo("LoadStateLoaded");
            assertThat(ok(server, "entities/query", "{\"collectionName\":\"c\",\"filter\":\"id > 0\"}"))
                    .hasSize(2);

            ok(server, "collections/truncate", "{\"collectionName\":\"c\"}");
            assertThat(ok(server, "entities/query", "{\"collectionName\":\"c\",\"filter\":\"id > 0\","
                    + "\"consistencyLevel\":\"Strong\"}")).isEmpty();
            Reply unknown = post(server, "collections/truncate", ROOT, "{\"collectionName\":\"absent\"}");
            assertThat(unknown.code()).isEqualTo(ErrorCode.COLLECTION_NOT_FOUND.code());
        }
    }

    @Test
    void runAnalyzerAnswersTokensPerTextWithDetailAndHashOnlyWhenAsked() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            JsonNode plain = ok(server, "common/run_analyzer", "{\"text\":[\"Hello World\",\"one\"],"
                    + "\"analyzerParams\":\"{\\\"type\\\":\\\"standard\\\"}\"}");
            assertThat(plain.get("results")).hasSize(2);
            assertThat(plain.at("/results/0/tokens/0/token").asText()).isEqualTo("hello");
            assertThat(plain.at("/results/0/tokens/1/token").asText()).isEqualTo("world");
            assertThat(plain.at("/results/0/tokens/0").has("startOffset")).isFalse();
            assertThat(plain.at("/results/0/tokens/0").has("hash")).isFalse();

            JsonNode detailed = ok(server, "common/run_analyzer", "{\"text\":[\"Hello World\"],"
                    + "\"analyzerParams\":{\"type\":\"standard\"},\"withDetail\":true,\"withHash\":true}");
            JsonNode world = detailed.at("/results/0/tokens/1");
            assertThat(world.get("startOffset").asLong()).isEqualTo(6);
            assertThat(world.get("endOffset").asLong()).isEqualTo(11);
            assertThat(world.get("position").asLong()).isEqualTo(1);
            assertThat(world.has("hash")).isTrue();

            Reply noText = post(server, "common/run_analyzer", ROOT, "{}");
            assertThat(noText.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
        }
    }

    @Test
    void advancedSearchIsHybridSearchUnderItsOldName() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            collectionWithRows(server);
            String body = "{\"collectionName\":\"c\",\"search\":[{\"data\":[[1,0]],\"annsField\":\"vector\","
                    + "\"limit\":2}],\"rerank\":{\"strategy\":\"rrf\",\"params\":{\"k\":60}},\"limit\":2}";
            JsonNode advanced = ok(server, "entities/advanced_search", body);
            JsonNode hybrid = ok(server, "entities/hybrid_search", body);
            assertThat(advanced).hasSize(2);
            assertThat(advanced.get(0).get("id").asLong()).isEqualTo(1);
            assertThat(advanced).isEqualTo(hybrid);
        }
    }
}
