package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.orm.iterator.QueryIterator;
import io.milvus.orm.iterator.SearchIteratorV2;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryIteratorReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchIteratorReqV2;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.BinaryVec;
import io.milvus.v2.service.vector.request.data.FloatVec;
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
 * Java SDK v2 with BinaryVector fields: rows inserted and upserted as the SDK sends them (packed bytes), BIN_IVF_FLAT
 * with HAMMING, BIN_FLAT with JACCARD and AUTOINDEX (BIN_IVF_FLAT, HAMMING), searches with BinaryVec queries whose
 * scores equal a plain bit count, a filtered range search, a group-by search, query output and both iterators
 * returning the inserted bytes, and Milvus's refusal of a float query.
 */
@Timeout(300)
class BinaryVectorTest {
    private static final int ROWS = 1500;
    private static final int HAMMING_DIM = 64;
    private static final int JACCARD_DIM = 128;

    @TempDir
    Path dataDir;

    /** Row {@code i}'s packed bits for a field of {@code dim} bits: a fixed mix of {@code i} and the salt. */
    private static byte[] bits(int i, int dim, long salt) {
        byte[] out = new byte[dim / 8];
        long x = i * 0x9E3779B97F4A7C15L + salt;
        for (int b = 0; b < out.length; b++) {
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 32;
            out[b] = (byte) x;
        }
        return out;
    }

    private static byte[] hammingRow(int i) {
        return bits(i, HAMMING_DIM, 1);
    }

    private static byte[] jaccardRow(int i) {
        return bits(i, JACCARD_DIM, 2);
    }

    private static int hamming(byte[] a, byte[] b) {
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            count += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
        }
        return count;
    }

    private static double jaccard(byte[] a, byte[] b) {
        int both = 0;
        int either = 0;
        for (int i = 0; i < a.length; i++) {
            both += Integer.bitCount(a[i] & b[i] & 0xFF);
            either += Integer.bitCount((a[i] | b[i]) & 0xFF);
        }
        return either == 0 ? 0 : 1 - (double) both / either;
    }

    private static byte[] bytes(Object buffer) {
        ByteBuffer copy = ((ByteBuffer) buffer).duplicate();
        copy.rewind();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static JsonObject row(Gson gson, int i, byte[] hammingBits) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", (long) i);
        values.put("tag", (long) (i % 3));
        values.put("bin", hammingBits);
        values.put("jac", jaccardRow(i));
        values.put("auto", bits(i, HAMMING_DIM, 3));
        return gson.toJsonTree(values).getAsJsonObject();
    }

    @Test
    void binaryFieldsInsertSearchQueryAndIterateThroughTheSdk() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows", "1024")) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("tag").dataType(DataType.Int64).build());
            schema.addField(AddFieldReq.builder().fieldName("bin").dataType(DataType.BinaryVector)
                    .dimension(HAMMING_DIM).build());
            schema.addField(AddFieldReq.builder().fieldName("jac").dataType(DataType.BinaryVector)
                    .dimension(JACCARD_DIM).build());
            schema.addField(AddFieldReq.builder().fieldName("auto").dataType(DataType.BinaryVector)
                    .dimension(HAMMING_DIM).build());
            List<IndexParam> indexes = List.of(
                    IndexParam.builder().fieldName("bin").indexType(IndexParam.IndexType.BIN_IVF_FLAT)
                            .metricType(IndexParam.MetricType.HAMMING).extraParams(Map.of("nlist", 16)).build(),
                    IndexParam.builder().fieldName("jac").indexType(IndexParam.IndexType.BIN_FLAT)
                            .metricType(IndexParam.MetricType.JACCARD).build(),
                    IndexParam.builder().fieldName("auto").indexType(IndexParam.IndexType.AUTOINDEX).build());
            client.createCollection(CreateCollectionReq.builder().collectionName("bins").collectionSchema(schema)
                    .indexParams(indexes).build());
            DescribeIndexResp auto = client.describeIndex(DescribeIndexReq.builder().collectionName("bins")
                    .fieldName("auto").build());
            assertThat(auto.getIndexDescriptions().get(0).getIndexType()).isEqualTo(IndexParam.IndexType.BIN_IVF_FLAT);
            assertThat(auto.getIndexDescriptions().get(0).getMetricType()).isEqualTo(IndexParam.MetricType.HAMMING);

            Gson gson = new Gson();
            Map<Integer, byte[]> stored = new LinkedHashMap<>();
            for (int start = 0; start < ROWS; start += 500) {
                List<JsonObject> rows = new ArrayList<>();
                for (int i = start; i < start + 500; i++) {
                    stored.put(i, hammingRow(i));
                    rows.add(row(gson, i, hammingRow(i)));
                }
                client.insert(InsertReq.builder().collectionName("bins").data(rows).build());
            }
            // Upsert: row 5 takes row 9's bits inverted.
            byte[] upserted = hammingRow(9).clone();
            for (int b = 0; b < upserted.length; b++) {
                upserted[b] = (byte) ~upserted[b];
            }
            stored.put(5, upserted);
            client.upsert(UpsertReq.builder().collectionName("bins").data(List.of(row(gson, 5, upserted))).build());
            Thread.sleep(500); // let the sealed segment's index build; the answers are the same either way

            // HAMMING on BIN_IVF_FLAT probing every list: the exact answer.
            byte[] query = hammingRow(777);
            SearchResp resp = client.search(SearchReq.builder().collectionName("bins").annsField("bin")
                    .data(List.of(new BinaryVec(query))).limit(10).outputFields(List.of("bin"))
                    .searchParams(Map.of("nprobe", 16)).build());
            List<SearchResp.SearchResult> hits = resp.getSearchResults().get(0);
            assertThat(hits).hasSize(10);
            assertThat(hits.get(0).getId()).isEqualTo(777L);
            assertThat(hits.get(0).getScore()).isZero();
            List<Integer> model = stored.values().stream().map(v -> hamming(query, v)).sorted().toList();
            for (int i = 0; i < hits.size(); i++) {
                SearchResp.SearchResult hit = hits.get(i);
                byte[] bits = stored.get(((Long) hit.getId()).intValue());
                assertThat((double) hit.getScore()).as("rank " + i).isEqualTo((double) hamming(query, bits))
                        .isEqualTo((double) model.get(i));
                assertThat(bytes(hit.getEntity().get("bin"))).isEqualTo(bits);
            }

            // JACCARD on BIN_FLAT.
            byte[] jaccardQuery = jaccardRow(31);
            List<SearchResp.SearchResult> jaccardHits = client.search(SearchReq.builder().collectionName("bins")
                    .annsField("jac").data(List.of(new BinaryVec(jaccardQuery))).limit(5).build())
                    .getSearchResults().get(0);
            assertThat(jaccardHits.get(0).getId()).isEqualTo(31L);
            for (SearchResp.SearchResult hit : jaccardHits) {
                assertThat((double) hit.getScore()).isCloseTo(jaccard(jaccardQuery,
                        jaccardRow(((Long) hit.getId()).intValue())), org.assertj.core.data.Offset.offset(1e-6));
            }

            // A filtered range search: range_filter <= d < radius, tag == 1 only.
            List<SearchResp.SearchResult> ranged = client.search(SearchReq.builder().collectionName("bins")
                    .annsField("bin").data(List.of(new BinaryVec(query))).limit(1000).filter("tag == 1")
                    .searchParams(Map.of("radius", 28, "range_filter", 20)).build()).getSearchResults().get(0);
            long inWindow = stored.entrySet().stream().filter(e -> e.getKey() % 3 == 1)
                    .map(e -> hamming(query, e.getValue())).filter(d -> d >= 20 && d < 28).count();
            assertThat(ranged).hasSize((int) inWindow);
            assertThat(ranged).allSatisfy(h -> assertThat(h.getScore()).isBetween(20f, 27f));

            // Group by tag: the best row of each of the three tags.
            List<SearchResp.SearchResult> grouped = client.search(SearchReq.builder().collectionName("bins")
                    .annsField("bin").data(List.of(new BinaryVec(query))).limit(3).groupByFieldName("tag")
                    .outputFields(List.of("tag")).searchParams(Map.of("nprobe", 16)).build())
                    .getSearchResults().get(0);
            assertThat(grouped).hasSize(3);
            assertThat(grouped.stream().map(h -> h.getEntity().get("tag")).toList())
                    .containsExactlyInAnyOrder(0L, 1L, 2L);

            assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName("bins").annsField("bin")
                    .data(List.of(new FloatVec(new float[HAMMING_DIM]))).limit(3).build()))
                    .hasMessageContaining("vector type must be the same: field type BinaryVector, search type FloatVector");

            QueryResp queried = client.query(QueryReq.builder().collectionName("bins").filter("id in [0, 5, 1499]")
                    .outputFields(List.of("bin", "jac")).build());
            assertThat(queried.getQueryResults()).hasSize(3);
            for (QueryResp.QueryResult r : queried.getQueryResults()) {
                int id = ((Long) r.getEntity().get("id")).intValue();
                assertThat(bytes(r.getEntity().get("bin"))).isEqualTo(stored.get(id));
                assertThat(bytes(r.getEntity().get("jac"))).isEqualTo(jaccardRow(id));
            }

            // The search iterator pages in distance order and never returns a row twice; each score is the bit count.
            SearchIteratorV2 searching = client.searchIteratorV2(SearchIteratorReqV2.builder()
                    .collectionName("bins").vectorFieldName("jac").metricType(IndexParam.MetricType.JACCARD)
                    .vectors(List.of(new BinaryVec(jaccardQuery))).batchSize(50).limit(200).build());
            List<Float> scores = new ArrayList<>();
            Set<Object> seen = new HashSet<>();
            List<SearchResp.SearchResult> page;
            while (!(page = searching.next()).isEmpty()) {
                for (SearchResp.SearchResult hit : page) {
                    scores.add(hit.getScore());
                    assertThat(seen.add(hit.getId())).as("row %s once", hit.getId()).isTrue();
                    assertThat((double) hit.getScore()).isCloseTo(jaccard(jaccardQuery,
                            jaccardRow(((Long) hit.getId()).intValue())), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
            searching.close();
            assertThat(scores).isNotEmpty().isSorted();
            QueryIterator querying = client.queryIterator(QueryIteratorReq.builder().collectionName("bins")
                    .expr("id < 120").outputFields(List.of("bin")).batchSize(50).build());
            int rows = 0;
            List<QueryResultsWrapper.RowRecord> records;
            while (!(records = querying.next()).isEmpty()) {
                for (QueryResultsWrapper.RowRecord r : records) {
                    int id = ((Long) r.get("id")).intValue();
                    assertThat(bytes(r.get("bin"))).isEqualTo(stored.get(id));
                    rows++;
                }
            }
            querying.close();
            assertThat(rows).isEqualTo(120);
            client.close();
        }
    }
}
