package dev.vectorvault.bench.ann;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's collection as an application builds it with the Java SDK v2: an Int64 primary key and the data
 * set's vectors, created together with an HNSW index, filled in batches of {@value #BATCH} rows and flushed; then
 * searched with topK 10 and a given ef. Row ids are the data set's ordinals, so answers compare with the ground
 * truth as they are.
 */
final class SdkCollection {
    static final int BATCH = 2_000;
    static final String NAME = "ann_e2e";
    private static final long INDEX_WAIT_SECONDS = 4 * 3600;

    /** How the index build ended: DescribeIndex's state and indexed rows, and the seconds waited for them. */
    record IndexWait(double seconds, String state, long indexedRows) {}

    private final float[][] base;
    private final List<List<BaseVector>> requests;

    SdkCollection(Dataset data) {
        this.base = data.base();
        this.requests = new ArrayList<>(data.queries().length);
        for (float[] query : data.queries()) {
            requests.add(List.of(new FloatVec(query)));
        }
    }

    void create(MilvusClientV2 client, Dataset data, int m, int efConstruction) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true)
                .autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector)
                .dimension(data.dim()).build());
        IndexParam index = IndexParam.builder().fieldName("vector").indexType(IndexParam.IndexType.HNSW)
                .metricType(IndexParam.MetricType.valueOf(data.metric().name()))
                .extraParams(Map.of("M", m, "efConstruction", efConstruction)).build();
        client.createCollection(CreateCollectionReq.builder().collectionName(NAME)
                .collectionSchema(schema).indexParams(List.of(index)).build());
    }

    /** Inserts every stored vector; returns the seconds it took. */
    double insert(MilvusClientV2 client) {
        long start = System.nanoTime();
        for (int from = 0; from < base.length; from += BATCH) {
            List<JsonObject> rows = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(base.length, from + BATCH); i++) {
                JsonObject row = new JsonObject();
                row.addProperty("id", (long) i);
                JsonArray vector = new JsonArray(base[i].length);
                for (float f : base[i]) {
                    vector.add(f);
                }
                row.add("vector", vector);
                rows.add(row);
            }
            client.insert(InsertReq.builder().collectionName(NAME).data(rows).build());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Flushes and polls DescribeIndex every 200 ms until it says Finished (or Failed, or every row is indexed). */
    IndexWait flushAndAwaitIndex(MilvusClientV2 client) throws InterruptedException {
        long start = System.nanoTime();
        client.flush(FlushReq.builder().collectionNames(List.of(NAME)).build());
        long deadline = start + TimeUnit.SECONDS.toNanos(INDEX_WAIT_SECONDS);
        long indexed = 0;
        String state = "?";
        while (System.nanoTime() < deadline) {
            DescribeIndexResp.IndexDesc desc = client.describeIndex(DescribeIndexReq.builder()
                    .collectionName(NAME).fieldName("vector").build()).getIndexDescriptions().get(0);
            indexed = desc.getIndexedRows();
            state = String.valueOf(desc.getIndexState());
            if ("Finished".equalsIgnoreCase(state) || "Failed".equalsIgnoreCase(state)) {
                break;
            }
            Thread.sleep(200);
        }
        return new IndexWait((System.nanoTime() - start) / 1e9, state, indexed);
    }

    /** One query of the data set through {@code client}: topK 10 at search beam {@code ef}; the hits' ids. */
    ClosedLoop.Query search(MilvusClientV2 client, int ef) {
        Map<String, Object> params = Map.of("ef", ef);
        return q -> {
            SearchResp response = client.search(SearchReq.builder().collectionName(NAME)
                    .data(requests.get(q)).topK(SweepRunner.K).searchParams(params).build());
            List<SearchResp.SearchResult> hits = response.getSearchResults().get(0);
            int[] ids = new int[hits.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ((Number) hits.get(i).getId()).intValue();
            }
            return ids;
        };
    }

    int queryCount() {
        return requests.size();
    }
}
