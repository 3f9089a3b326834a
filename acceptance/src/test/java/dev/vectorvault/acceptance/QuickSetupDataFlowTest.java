package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetCollectionStatsReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.utility.request.CompactReq;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.utility.request.GetCompactionStateReq;
import io.milvus.v2.service.utility.request.GetPersistentSegmentInfoReq;
import io.milvus.v2.service.utility.request.GetQuerySegmentInfoReq;
import io.milvus.v2.service.utility.response.CompactResp;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.GetReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 SDK's everyday flow with authentication on: quick setup, insert, search, query, delete, upsert, count,
 * and an exact search checked against a brute-force answer computed here; compaction and the segment views.
 */
@Timeout(300)
class QuickSetupDataFlowTest {
    private static final int DIM = 8;

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusClientV2 client;

    @BeforeAll
    static void start() {
        server = ServerProcess.startWithAuth(dataDir);
        client = Clients.root(server);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static JsonObject row(long id, float[] v, String color) {
        JsonObject row = new JsonObject();
        row.addProperty("id", id);
        com.google.gson.JsonArray array = new com.google.gson.JsonArray();
        for (float f : v) {
            array.add(f);
        }
        row.add("vector", array);
        row.addProperty("color", color); // not in the schema: goes to the dynamic field
        return row;
    }

    private static List<Float> list(float[] v) {
        List<Float> out = new ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void quickSetupInsertSearchQueryDeleteUpsertCount() {
        client.createCollection(CreateCollectionReq.builder().collectionName("quick").dimension(DIM).build());
        assertThat(client.hasCollection(HasCollectionReq.builder().collectionName("quick").build())).isTrue();

        Random random = new Random(42);
        List<float[]> vectors = new ArrayList<>();
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] v = vector(random);
            vectors.add(v);
            rows.add(row(i, v, i % 2 == 0 ? "red" : "blue"));
        }
        assertThat(client.insert(InsertReq.builder().collectionName("quick").data(rows).build()).getInsertCnt())
                .isEqualTo(200);

        // Exact search: the top 10 must be exactly the brute-force top 10 (recall@10 = 1.0).
        float[] query = vector(random);
        SearchResp found = client.search(SearchReq.builder().collectionName("quick")
                .data(List.<BaseVector>of(new FloatVec(list(query)))).topK(10).outputFields(List.of("color"))
                .build());
        List<Long> expected = IntStream.range(0, 200).boxed()
                .sorted(Comparator.comparingDouble(i -> -cosine(vectors.get(i), query)))
                .limit(10).map(Integer::longValue).toList();
        List<SearchResp.SearchResult> hits = found.getSearchResults().get(0);
        assertThat(hits.stream().map(h -> (Long) h.getId()).toList()).isEqualTo(expected);
        assertThat(hits.get(0).getScore()).isCloseTo((float) cosine(vectors.get(expected.get(0).intValue()), query),
                org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(hits.get(0).getEntity()).containsKey("color");

        // Filtered search and batch search.
        SearchResp red = client.search(SearchReq.builder().collectionName("quick")
                .data(List.<BaseVector>of(new FloatVec(list(query)), new FloatVec(list(vector(random)))))
                .topK(5).filter("color == \"red\"").outputFields(List.of("color")).build());
        assertThat(red.getSearchResults()).hasSize(2);
        red.getSearchResults().forEach(perQuery -> assertThat(perQuery).hasSize(5)
                .allSatisfy(h -> assertThat(h.getEntity().get("color")).isEqualTo("red")));

        QueryResp queried = client.query(QueryReq.builder().collectionName("quick").filter("id < 5")
                .outputFields(List.of("id", "color")).build());
        assertThat(queried.getQueryResults()).hasSize(5);

        client.delete(DeleteReq.builder().collectionName("quick").ids(List.of(0L, 1L, 2L)).build());
        client.delete(DeleteReq.builder().collectionName("quick").filter("id >= 190").build());
        assertThat(count("quick")).isEqualTo(187);
        assertThat(client.get(GetReq.builder().collectionName("quick").ids(List.of(0L, 3L)).build())
                .getGetResults()).hasSize(1);

        client.upsert(UpsertReq.builder().collectionName("quick")
                .data(List.of(row(3, vector(random), "green"), row(0, vector(random), "green"))).build());
        assertThat(count("quick")).isEqualTo(188);
        assertThat(client.query(QueryReq.builder().collectionName("quick").filter("color == \"green\"")
                .outputFields(List.of("id")).build()).getQueryResults()).hasSize(2);

        assertThat(client.getCollectionStats(GetCollectionStatsReq.builder().collectionName("quick").build())
                .getNumOfEntities()).isEqualTo(188);

        client.releaseCollection(ReleaseCollectionReq.builder().collectionName("quick").build());
        assertThatThrownBy(() -> client.query(QueryReq.builder().collectionName("quick").filter("id > 0")
                .build())).hasMessageContaining("collection not loaded");
        client.dropCollection(DropCollectionReq.builder().collectionName("quick").build());
        client.dropCollection(DropCollectionReq.builder().collectionName("quick").build()); // idempotent
        assertThat(client.hasCollection(HasCollectionReq.builder().collectionName("quick").build())).isFalse();
    }

    @Test
    void compactMergesFlushedSegmentsAndTheSegmentViewsShowIt() {
        client.createCollection(CreateCollectionReq.builder().collectionName("compacted").dimension(DIM).build());
        Random random = new Random(7);
        for (int batch = 0; batch < 2; batch++) {
            List<JsonObject> rows = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                rows.add(row(batch * 20L + i, vector(random), "red"));
            }
            client.insert(InsertReq.builder().collectionName("compacted").data(rows).build());
            client.flush(FlushReq.builder().collectionNames(List.of("compacted")).build());
        }
        client.delete(DeleteReq.builder().collectionName("compacted").filter("id < 5").build());
        assertThat(client.getPersistentSegmentInfo(GetPersistentSegmentInfoReq.builder()
                .collectionName("compacted").build()).getSegmentInfos())
                .extracting(s -> s.getNumOfRows(), s -> s.getState())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(20L, "Flushed"),
                        org.assertj.core.groups.Tuple.tuple(20L, "Flushed"));

        CompactResp compaction = client.compact(CompactReq.builder().collectionName("compacted").build());
        assertThat(client.getCompactionState(GetCompactionStateReq.builder()
                .compactionID(compaction.getCompactionID()).build()).getState())
                .isEqualTo(io.milvus.v2.common.CompactionState.Completed);

        assertThat(client.getPersistentSegmentInfo(GetPersistentSegmentInfoReq.builder()
                .collectionName("compacted").build()).getSegmentInfos())
                .extracting(s -> s.getNumOfRows()).containsExactly(35L);
        assertThat(client.getQuerySegmentInfo(GetQuerySegmentInfoReq.builder().collectionName("compacted")
                .build()).getSegmentInfos()).extracting(s -> s.getNumOfRows()).containsExactly(35L);
        assertThat(count("compacted")).isEqualTo(35);
        assertThatThrownBy(() -> client.compact(CompactReq.builder().collectionName("compacted").isClustering(true)
                .build())).hasMessageContaining("clustering key");
    }

    private static long count(String collection) {
        QueryResp resp = client.query(QueryReq.builder().collectionName(collection)
                .outputFields(List.of("count(*)")).build());
        return (Long) resp.getQueryResults().get(0).getEntity().get("count(*)");
    }
}
