package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.orm.iterator.SearchIteratorV2;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchIteratorReqV2;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The v2 SDK's search iterator and range search (radius / range_filter). */
@Timeout(300)
class SearchIteratorTest {
    @TempDir
    Path dataDir;

    @Test
    void searchIteratorPagesThroughEveryMatchOnceInScoreOrder() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            client.createCollection(CreateCollectionReq.builder().collectionName("line").dimension(2)
                    .metricType("L2").build());
            List<JsonObject> rows = new ArrayList<>();
            for (int i = 0; i < 95; i++) {
                JsonObject row = new JsonObject();
                row.addProperty("id", i);
                JsonArray v = new JsonArray();
                v.add(i * 1.0f);
                v.add(0f);
                row.add("vector", v);
                rows.add(row);
            }
            client.insert(InsertReq.builder().collectionName("line").data(rows).build());
            List<BaseVector> origin = List.of(new FloatVec(List.of(0f, 0f)));

            SearchIteratorV2 iterator = client.searchIteratorV2(SearchIteratorReqV2.builder()
                    .collectionName("line").vectors(origin).batchSize(10).limit(60).build());
            List<Long> ids = new ArrayList<>();
            List<SearchResp.SearchResult> page;
            while (!(page = iterator.next()).isEmpty()) {
                page.forEach(hit -> ids.add((Long) hit.getId()));
            }
            iterator.close();
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < 60; i++) {
                expected.add(i);
            }
            assertThat(ids).isEqualTo(expected);

            // Range search: L2 keeps range_filter <= distance < radius (squared distances 4 .. 24 here).
            SearchResp ranged = client.search(SearchReq.builder().collectionName("line").data(origin).topK(50)
                    .searchParams(Map.of("radius", 25.0, "range_filter", 4.0)).build());
            Set<Long> inRange = new HashSet<>();
            ranged.getSearchResults().get(0).forEach(hit -> inRange.add((Long) hit.getId()));
            assertThat(inRange).containsExactlyInAnyOrder(2L, 3L, 4L);
            client.close();
        }
    }
}
