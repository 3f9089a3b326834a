package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.common.utils.Float16Utils;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.orm.iterator.SearchIteratorV2;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.SearchIteratorReqV2;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BFloat16Vec;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.Float16Vec;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.data.Int8Vec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with Float16Vector, BFloat16Vector and Int8Vector fields in one collection: rows inserted as the SDK
 * sends them (Milvus's bytes), HNSW / IVF_FLAT / FLAT indexes, searches with Float16Vec, BFloat16Vec and Int8Vec
 * queries (and a FloatVec on the half-precision fields, which the server converts), query output returning the
 * inserted bytes, and Milvus's refusal of a query of another type.
 */
@Timeout(300)
class NarrowVectorTest {
    private static final int ROWS = 1500;
    private static final int DIM = 8;

    @TempDir
    Path dataDir;

    /** Row {@code i}'s components: small integers, exact in float16, bfloat16 and int8. */
    private static List<Float> components(int i) {
        List<Float> out = new ArrayList<>();
        for (int d = 0; d < DIM - 1; d++) {
            out.add((float) (((i * 7 + d * 13) % 41) - 20));
        }
        out.add((float) (i % 97 - 48)); // with the others, no two of the 1500 rows are equal
        return out;
    }

    private static byte[] int8(List<Float> v) {
        byte[] out = new byte[v.size()];
        for (int d = 0; d < out.length; d++) {
            out[d] = (byte) v.get(d).intValue();
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        copy.rewind();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static double l2(List<Float> a, List<Float> b) {
        double sum = 0;
        for (int d = 0; d < a.size(); d++) {
            sum += (a.get(d) - b.get(d)) * (a.get(d) - b.get(d));
        }
        return sum;
    }

    @Test
    void halfPrecisionAndInt8FieldsInsertSearchAndQueryThroughTheSdk() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows", "1024")) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("fp16").dataType(DataType.Float16Vector).dimension(DIM)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("bf16").dataType(DataType.BFloat16Vector).dimension(DIM)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("i8").dataType(DataType.Int8Vector).dimension(DIM)
                    .build());
            List<IndexParam> indexes = List.of(
                    IndexParam.builder().fieldName("fp16").indexType(IndexParam.IndexType.HNSW)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("M", 16, "efConstruction", 128))
                            .build(),
                    IndexParam.builder().fieldName("bf16").indexType(IndexParam.IndexType.IVF_FLAT)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("nlist", 4)).build(),
                    IndexParam.builder().fieldName("i8").indexType(IndexParam.IndexType.HNSW)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("M", 16, "efConstruction", 128))
                            .build());
            client.createCollection(CreateCollectionReq.builder().collectionName("narrow").collectionSchema(schema)
                    .indexParams(indexes).build());
            Gson gson = new Gson();
            for (int start = 0; start < ROWS; start += 500) {
                List<JsonObject> rows = new ArrayList<>();
                for (int i = start; i < start + 500; i++) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("id", (long) i);
                    values.put("fp16", bytes(Float16Utils.f32VectorToFp16Buffer(components(i))));
                    values.put("bf16", bytes(Float16Utils.f32VectorToBf16Buffer(components(i))));
                    values.put("i8", int8(components(i)));
                    rows.add(gson.toJsonTree(values).getAsJsonObject());
                }
                client.insert(InsertReq.builder().collectionName("narrow").data(rows).build());
            }
            Thread.sleep(500); // let the sealed segment's indexes build; the answers are the same either way

            int target = 777;
            List<Float> query = components(target);
            Map<String, BaseVector> queries = Map.of(
                    "fp16", new Float16Vec(Float16Utils.f32VectorToFp16Buffer(query)),
                    "bf16", new BFloat16Vec(Float16Utils.f32VectorToBf16Buffer(query)),
                    "i8", new Int8Vec(int8(query)));
            for (Map.Entry<String, BaseVector> q : queries.entrySet()) {
                SearchResp resp = client.search(SearchReq.builder().collectionName("narrow").annsField(q.getKey())
                        .data(List.of(q.getValue())).limit(5).outputFields(List.of(q.getKey()))
                        .searchParams(q.getKey().equals("bf16") ? Map.of("nprobe", 4) : Map.of("ef", 64)).build());
                List<SearchResp.SearchResult> hits = resp.getSearchResults().get(0);
                assertThat(hits).as(q.getKey()).hasSize(5);
                assertThat(hits.get(0).getScore()).as(q.getKey()).isZero();
                for (SearchResp.SearchResult hit : hits) {
                    int id = ((Long) hit.getId()).intValue();
                    assertThat((double) hit.getScore()).as(q.getKey() + " row " + id)
                            .isEqualTo(l2(query, components(id)));
                }
                assertThat(bytes((ByteBuffer) hits.get(0).getEntity().get(q.getKey()))).as(q.getKey())
                        .isEqualTo(bytes((ByteBuffer) q.getValue().getData()));
            }
            for (String field : List.of("fp16", "bf16")) {
                SearchResp asFloat = client.search(SearchReq.builder().collectionName("narrow").annsField(field)
                        .data(List.of(new FloatVec(query))).limit(3).build());
                assertThat(asFloat.getSearchResults().get(0).get(0).getScore()).as(field).isZero();
            }
            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("narrow").annsField("i8")
                    .data(List.of(new FloatVec(query))).limit(3).build()))
                    .hasMessageContaining("vector type must be the same: field type Int8Vector, search type FloatVector");

            QueryResp queried = client.query(QueryReq.builder().collectionName("narrow").filter("id in [0, 7, 1499]")
                    .outputFields(List.of("fp16", "bf16", "i8")).build());
            assertThat(queried.getQueryResults()).hasSize(3);
            for (QueryResp.QueryResult r : queried.getQueryResults()) {
                int id = ((Long) r.getEntity().get("id")).intValue();
                assertThat(bytes((ByteBuffer) r.getEntity().get("fp16")))
                        .isEqualTo(bytes(Float16Utils.f32VectorToFp16Buffer(components(id))));
                assertThat(bytes((ByteBuffer) r.getEntity().get("bf16")))
                        .isEqualTo(bytes(Float16Utils.f32VectorToBf16Buffer(components(id))));
                assertThat(bytes((ByteBuffer) r.getEntity().get("i8"))).isEqualTo(int8(components(id)));
            }

            // The iterators page through a Float16 field: the search iterator in score order, each row once (a
            // query with fractional components, so that no two rows tie at a page boundary).
            List<Float> fractional = new ArrayList<>();
            for (int d = 0; d < DIM; d++) {
                fractional.add(0.37f + d * 0.11f);
            }
            SearchIteratorV2 searching = client.searchIteratorV2(SearchIteratorReqV2.builder()
                    .collectionName("narrow").vectorFieldName("fp16").metricType(IndexParam.MetricType.L2)
                    .vectors(List.of(new Float16Vec(Float16Utils.f32VectorToFp16Buffer(fractional))))
                    .batchSize(50).limit(200).build());
            List<Float> scores = new ArrayList<>();
            Set<Object> seen = new HashSet<>();
            List<SearchResp.SearchResult> page;
            while (!(page = searching.next()).isEmpty()) {
                page.forEach(hit -> {
                    scores.add(hit.getScore());
                    seen.add(hit.getId());
                });
            }
            searching.close();
            assertThat(scores).hasSize(200).isSorted();
            assertThat(seen).hasSize(200);
            QueryIterator querying = client.queryIterator(QueryIteratorReq.builder().collectionName("narrow")
                    .expr("id < 120").outputFields(List.of("fp16")).batchSize(50).build());
            int rows = 0;
            List<QueryResultsWrapper.RowRecord> records;
            while (!(records = querying.next()).isEmpty()) {
                for (QueryResultsWrapper.RowRecord r : records) {
                    int id = ((Long) r.get("id")).intValue();
                    assertThat(bytes((ByteBuffer) r.get("fp16")))
                            .isEqualTo(bytes(Float16Utils.f32VectorToFp16Buffer(components(id))));
                    rows++;
                }
            }
            querying.close();
            assertThat(rows).isEqualTo(120);
            client.close();
        }
    }
}
