package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with the quantized indexes: IVF_SQ8 (L2) and HNSW_SQ (COSINE, refine FP32) created through the SDK's
 * index types, described with their parameters, searched with {@code nprobe} and {@code ef}/{@code refine_k} once the
 * sealed segments are indexed, and an sq_type this server does not build refused with code 1100; once flushed every
 * segment's vectors of each quantized field go from the heap to its segment file (the server logs
 * {@code event=vectors_stored} for each, before and after a restart), and vector output fields still come back exact.
 * IVF_PQ the same way, in a collection of its own.
 *
 * <p>Segments are {@value #SEGMENT_ROWS} rows: {@value #ROWS} rows fill two, the first sealed by the inserts (indexed
 * before the flush writes it), the second by the flush (written before it is indexed). Segments under 1024 rows get
 * no index at all (Milvus's minimum), so they would be searched exactly and keep their vectors.
 */
@Timeout(300)
class QuantizedIndexTest {
    private static final int ROWS = 3000;
    private static final int SEGMENT_ROWS = 1500;
    private static final int DIM = 24;
    private static final Pattern VECTORS_STORED = Pattern.compile("event=vectors_stored segment=(\\d+) field=(\\d+)");

    @TempDir
    Path dataDir;

    private static float[] vector(Random random, int cluster) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) (((cluster * 7 + d) % 5) - 2 + random.nextGaussian() * 0.3);
        }
        return v;
    }

    private static List<Float> list(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    @Test
    void ivfSq8AndHnswSqAreCreatedDescribedAndSearchedThroughTheSdk() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows",
                Integer.toString(SEGMENT_ROWS))) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("sq8").dataType(DataType.FloatVector).dimension(DIM)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("hsq").dataType(DataType.FloatVector).dimension(DIM)
                    .build());
            client.createCollection(CreateCollectionReq.builder().collectionName("quant").collectionSchema(schema)
                    .build());
            client.createIndex(CreateIndexReq.builder().collectionName("quant").indexParams(List.of(
                    IndexParam.builder().fieldName("sq8").indexType(IndexParam.IndexType.IVF_SQ8)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("nlist", 16)).build(),
                    IndexParam.builder().fieldName("hsq").indexType(IndexParam.IndexType.HNSW_SQ)
                            .metricType(IndexParam.MetricType.COSINE).extraParams(Map.of("M", 12,
                                    "efConstruction", 100, "sq_type", "SQ8", "refine", true, "refine_type", "FP32"))
                            .build())).build());
            client.loadCollection(LoadCollectionReq.builder().collectionName("quant").build());

            DescribeIndexResp.IndexDesc sq8 = client.describeIndex(DescribeIndexReq.builder().collectionName("quant")
                    .fieldName("sq8").build()).getIndexDescriptions().get(0);
            assertThat(sq8.getIndexType()).isEqualTo(IndexParam.IndexType.IVF_SQ8);
            assertThat(sq8.getExtraParams()).containsEntry("nlist", "16");
            DescribeIndexResp.IndexDesc hsq = client.describeIndex(DescribeIndexReq.builder().collectionName("quant")
                    .fieldName("hsq").build()).getIndexDescriptions().get(0);
            assertThat(hsq.getIndexType()).isEqualTo(IndexParam.IndexType.HNSW_SQ);
            assertThat(hsq.getMetricType()).isEqualTo(IndexParam.MetricType.COSINE);
            assertThat(hsq.getExtraParams()).containsEntry("sq_type", "SQ8").containsEntry("refine", "true")
                    .containsEntry("refine_type", "FP32").containsEntry("M", "12");

            List<float[]> stored = insert(client, "quant", List.of("sq8", "hsq"), new Random(7));
            awaitIndexed(client, "sq8");
            awaitIndexed(client, "hsq");

            float[] query = stored.get(1234);
            List<SearchResp.SearchResult> byCodes = client.search(SearchReq.builder().collectionName("quant")
                    .annsField("sq8").data(List.of(new FloatVec(query))).limit(5)
                    .searchParams(Map.of("nprobe", 16)).build()).getSearchResults().get(0);
            assertThat(byCodes).hasSize(5);
            assertThat(byCodes.get(0).getId()).isEqualTo(1234L);
            assertThat(byCodes.get(0).getScore()).as("an 8-bit code's L2 to its own vector is small, not 0")
                    .isLessThan(0.05f);

            List<SearchResp.SearchResult> refined = client.search(SearchReq.builder().collectionName("quant")
                    .annsField("hsq").data(List.of(new FloatVec(query))).limit(5)
                    .searchParams(Map.of("ef", 64, "refine_k", 2)).build()).getSearchResults().get(0);
            assertThat(refined).hasSize(5);
            assertThat(refined.get(0).getId()).isEqualTo(1234L);
            assertThat((double) refined.get(0).getScore()).as("refined scores are exact cosines")
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

            assertThatThrownBy(() -> client.createIndex(CreateIndexReq.builder().collectionName("quant")
                    .indexParams(List.of(IndexParam.builder().fieldName("sq8").indexName("other")
                            .indexType(IndexParam.IndexType.HNSW_SQ).metricType(IndexParam.MetricType.L2)
                            .extraParams(Map.of("sq_type", "SQ6")).build())).build()))
                    .hasMessageContaining("sq_type SQ6 is not supported by this server");

            // Flushed, the sealed segments keep these vectors in their files, not on the heap; output fields (search
            // and query) still return them exactly, before and after a restart.
            client.flush(FlushReq.builder().collectionNames(List.of("quant")).build());
            awaitVectorsStored(server, 0, Set.of(1, 2));
            assertExactOutput(client, stored, query);
            client.close();
            int restartedAt = server.log().length();
            server.restart();
            MilvusClientV2 again = Clients.root(server);
            again.loadCollection(LoadCollectionReq.builder().collectionName("quant").build());
            awaitVectorsStored(server, restartedAt, Set.of(1, 2));
            assertExactOutput(again, stored, query);
        }
    }

    /**
     * IVF_PQ (L2, nlist 16, m 12 of a 24-dimension field, nbits 8) through the SDK's index type: described with its
     * parameters, searched with {@code nprobe} once the sealed segments are indexed (a stored vector finds itself
     * first, at a small code distance), an {@code m} that does not divide the dimension and an {@code nbits} this
     * server does not build refused with code 1100, and exact vectors still returned from the segment files once
     * flushed.
     */
    @Test
    void ivfPqIsCreatedDescribedAndSearchedThroughTheSdk() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows",
                Integer.toString(SEGMENT_ROWS))) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("pq").dataType(DataType.FloatVector).dimension(DIM)
                    .build());
            client.createCollection(CreateCollectionReq.builder().collectionName("pq").collectionSchema(schema)
                    .build());
            assertThatThrownBy(() -> client.createIndex(CreateIndexReq.builder().collectionName("pq")
                    .indexParams(List.of(IndexParam.builder().fieldName("pq").indexType(IndexParam.IndexType.IVF_PQ)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("nlist", 16, "m", 5)).build()))
                    .build())).hasMessageContaining("dimension must be abled to be divided by `m`, dimension: 24,"
                            + " m: 5");
            assertThatThrownBy(() -> client.createIndex(CreateIndexReq.builder().collectionName("pq")
                    .indexParams(List.of(IndexParam.builder().fieldName("pq").indexType(IndexParam.IndexType.IVF_PQ)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("m", 12, "nbits", 16))
                            .build())).build())).hasMessageContaining("nbits 16 is not supported by this server");
            client.createIndex(CreateIndexReq.builder().collectionName("pq").indexParams(List.of(
                    IndexParam.builder().fieldName("pq").indexType(IndexParam.IndexType.IVF_PQ)
                            .metricType(IndexParam.MetricType.L2).extraParams(Map.of("nlist", 16, "m", 12,
                                    "nbits", 8)).build())).build());
            client.loadCollection(LoadCollectionReq.builder().collectionName("pq").build());
            DescribeIndexResp.IndexDesc pq = client.describeIndex(DescribeIndexReq.builder().collectionName("pq")
                    .fieldName("pq").build()).getIndexDescriptions().get(0);
            assertThat(pq.getIndexType()).isEqualTo(IndexParam.IndexType.IVF_PQ);
            assertThat(pq.getExtraParams()).containsEntry("nlist", "16").containsEntry("m", "12")
                    .containsEntry("nbits", "8");

            List<float[]> stored = insert(client, "pq", List.of("pq"), new Random(11));
            awaitIndexed(client, "pq", "pq");

            float[] query = stored.get(2345);
            List<SearchResp.SearchResult> hits = client.search(SearchReq.builder().collectionName("pq")
                    .annsField("pq").data(List.of(new FloatVec(query))).limit(5)
                    .searchParams(Map.of("nprobe", 16)).build()).getSearchResults().get(0);
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).getId()).isEqualTo(2345L);
            assertThat(hits.get(0).getScore()).as("a PQ code's L2 to its own vector is small, not 0")
                    .isLessThan(0.5f);

            client.flush(FlushReq.builder().collectionNames(List.of("pq")).build());
            awaitVectorsStored(server, 0, Set.of(1));
            List<QueryResp.QueryResult> rows = client.query(QueryReq.builder().collectionName("pq")
                    .filter("id in [0, 999, 1000, 2999]").outputFields(List.of("id", "pq")).build())
                    .getQueryResults();
            assertThat(rows).hasSize(4);
            for (QueryResp.QueryResult row : rows) {
                long id = (Long) row.getEntity().get("id");
                assertThat(row.getEntity().get("pq")).as("id %d", id).isEqualTo(list(stored.get((int) id)));
            }
        }
    }

    /** {@link #ROWS} rows in batches of 500, ids from 0, the same vector in every named field; the vectors by id. */
    private static List<float[]> insert(MilvusClientV2 client, String collection, List<String> fields,
            Random random) {
        Gson gson = new Gson();
        List<float[]> stored = new ArrayList<>();
        for (int start = 0; start < ROWS; start += 500) {
            List<JsonObject> rows = new ArrayList<>();
            for (int i = start; i < start + 500; i++) {
                float[] v = vector(random, i % 9);
                stored.add(v);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", (long) i);
                fields.forEach(field -> row.put(field, v));
                rows.add(gson.toJsonTree(row).getAsJsonObject());
            }
            client.insert(InsertReq.builder().collectionName(collection).data(rows).build());
        }
        return stored;
    }

    private static void assertExactOutput(MilvusClientV2 client, List<float[]> stored, float[] query) {
        List<SearchResp.SearchResult> hits = client.search(SearchReq.builder().collectionName("quant")
                .annsField("hsq").data(List.of(new FloatVec(query))).limit(10).outputFields(List.of("sq8", "hsq"))
                .searchParams(Map.of("ef", 64, "refine_k", 2)).build()).getSearchResults().get(0);
        assertThat(hits).hasSize(10);
        for (SearchResp.SearchResult hit : hits) {
            List<Float> exact = list(stored.get((int) (long) (Long) hit.getId()));
            assertThat(hit.getEntity().get("sq8")).as("id %s", hit.getId()).isEqualTo(exact);
            assertThat(hit.getEntity().get("hsq")).as("id %s", hit.getId()).isEqualTo(exact);
        }
        List<QueryResp.QueryResult> rows = client.query(QueryReq.builder().collectionName("quant")
                .filter("id in [0, 999, 1000, 2999]").outputFields(List.of("id", "sq8")).build()).getQueryResults();
        assertThat(rows).hasSize(4);
        for (QueryResp.QueryResult row : rows) {
            long id = (Long) row.getEntity().get("id");
            assertThat(row.getEntity().get("sq8")).as("id %d", id).isEqualTo(list(stored.get((int) id)));
        }
    }

    /**
     * Waits until the server's log, from character {@code from} on, says that each of the {@value #ROWS} / {@value
     * #SEGMENT_ROWS} segments let the vectors of each field (by position in the schema, the primary key 0) go to its
     * segment file. Fails after a minute, or at once if a segment could not.
     */
    private static void awaitVectorsStored(ServerProcess server, int from, Set<Integer> fields)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<Integer, Set<Long>> segmentsByField = Map.of();
        while (System.nanoTime() < deadline) {
            String log = server.log().substring(from);
            assertThat(log).as("server log").doesNotContain("event=vectors_store_failed");
            segmentsByField = new HashMap<>();
            Matcher stored = VECTORS_STORED.matcher(log);
            while (stored.find()) {
                segmentsByField.computeIfAbsent(Integer.parseInt(stored.group(2)), f -> new HashSet<>())
                        .add(Long.parseLong(stored.group(1)));
            }
            if (segmentsByField.keySet().equals(fields)
                    && segmentsByField.values().stream().allMatch(s -> s.size() == ROWS / SEGMENT_ROWS)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(segmentsByField).as("segments whose vectors went to their files, by field, within a minute")
                .containsOnlyKeys(fields).allSatisfy((field, segments) -> assertThat(segments)
                        .hasSize(ROWS / SEGMENT_ROWS));
    }

    private static void awaitIndexed(MilvusClientV2 client, String field) throws InterruptedException {
        awaitIndexed(client, "quant", field);
    }

    private static void awaitIndexed(MilvusClientV2 client, String collection, String field)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        DescribeIndexResp.IndexDesc desc;
        do {
            Thread.sleep(100);
            desc = client.describeIndex(DescribeIndexReq.builder().collectionName(collection).fieldName(field).build())
                    .getIndexDescriptions().get(0);
        } while (desc.getPendingIndexRows() > 0 && System.nanoTime() < deadline);
        assertThat(desc.getPendingIndexRows()).as(field + " indexed within a minute").isZero();
    }
}
