package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Milvus's search limits over the wire: nq, topk and offset + topk up to 16384 each (Milvus's messages, code 1100),
 * and nq x (topk + offset) result entries up to {@code proxy.maxResultEntries}; for plain, range and iterator
 * searches alike. A refused search does no work: two million query vectors are refused before they are decoded.
 */
@Timeout(120)
class SearchLimitsRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MilvusServiceBlockingStub start(Map<String, String> keys) throws Exception {
        server = LoopbackServer.start(dataDir, keys);
        MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        SmallCollection.create(stub, 20);
        return stub;
    }

    private static void refused(SearchResults results, String reason) {
        Status status = results.getStatus();
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(1100);
        assertThat(status.getReason()).isEqualTo(reason);
    }

    @Test
    void nqTopkAndOffsetAreHeldToMilvusLimitsWithMilvusMessages() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        refused(stub.search(SmallCollection.search(16_385, "topk", "1").build()),
                "nq [16385] is invalid, nq (number of search vector per search request) should be in range"
                        + " [1, 16384], but got 16385");
        refused(stub.search(SmallCollection.search(1, "topk", "16385").build()),
                "topk [16385] is invalid, it should be in range [1, 16384], but got 16385");
        refused(stub.search(SmallCollection.search(1, "topk", "0").build()),
                "topk [0] is invalid, it should be in range [1, 16384], but got 0");
        refused(stub.search(SmallCollection.search(1, "topk", "10", "offset", "16380").build()),
                "offset+topk [16390] is invalid, (offset+limit) should be in range [1, 16384], but got 16390");
        refused(stub.search(SmallCollection.search(1, "topk", "10", "radius", "100", "range_filter", "0",
                        "offset", "16380").build()),
                "offset+topk [16390] is invalid, (offset+limit) should be in range [1, 16384], but got 16390");
        refused(stub.search(SmallCollection.search(1, "search_iter_v2", "true", "search_iter_batch_size", "16385")
                        .build()),
                "search_iter_batch_size [16385] is invalid, it should be in range [1, 16384], but got 16385");
        // At the limits everything is answered.
        SearchResults atLimit = stub.search(SmallCollection.search(16_384, "topk", "1").build());
        SmallCollection.ok(atLimit.getStatus());
        assertThat(atLimit.getResults().getTopksCount()).isEqualTo(16_384);
        SmallCollection.ok(stub.search(SmallCollection.search(1, "topk", "16384").build()).getStatus());
    }

    @Test
    void twoMillionQueryVectorsAreRefusedBeforeAnyIsSearched() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        refused(stub.search(SmallCollection.search(2_000_000, "topk", "10").build()),
                "nq [2000000] is invalid, nq (number of search vector per search request) should be in range"
                        + " [1, 16384], but got 2000000");
    }

    @Test
    void resultEntriesAreBoundedByProxyMaxResultEntries() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        // 16384 x 100 = 1,638,400 entries > 1,000,000 (our default); each factor alone is within Milvus's limits.
        refused(stub.search(SmallCollection.search(16_384, "topk", "100").build()),
                "number of result entries is too large: nq [16384] x (topk + offset) [100] = 1638400 is more than"
                        + " proxy.maxResultEntries [1000000]");
        refused(stub.search(SmallCollection.search(1000, "topk", "900", "offset", "101").build()),
                "number of result entries is too large: nq [1000] x (topk + offset) [1001] = 1001000 is more than"
                        + " proxy.maxResultEntries [1000000]");
        SmallCollection.ok(stub.search(SmallCollection.search(1000, "topk", "1000").build()).getStatus());
    }

    @Test
    void everyLimitIsConfigurable() throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("quotaAndLimits.limits.nq", "3");
        keys.put("quotaAndLimits.limits.topK", "5");
        keys.put("quotaAndLimits.limits.maxQueryResultWindow", "7");
        keys.put("proxy.maxResultEntries", "12");
        MilvusServiceBlockingStub stub = start(keys);
        refused(stub.search(SmallCollection.search(4, "topk", "1").build()),
                "nq [4] is invalid, nq (number of search vector per search request) should be in range"
                        + " [1, 3], but got 4");
        refused(stub.search(SmallCollection.search(1, "topk", "6").build()),
                "topk [6] is invalid, it should be in range [1, 5], but got 6");
        refused(stub.search(SmallCollection.search(1, "topk", "5", "offset", "3").build()),
                "offset+topk [8] is invalid, (offset+limit) should be in range [1, 7], but got 8");
        refused(stub.search(SmallCollection.search(3, "topk", "5").build()),
                "number of result entries is too large: nq [3] x (topk + offset) [5] = 15 is more than"
                        + " proxy.maxResultEntries [12]");
        SmallCollection.ok(stub.search(SmallCollection.search(3, "topk", "4").build()).getStatus());
    }
}
