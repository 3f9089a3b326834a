package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexBuildState;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.request.DropIndexReq;
import io.milvus.v2.service.index.request.ListIndexesReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 with scalar indexes answering filters: STL_SORT on an Int64, INVERTED on a VarChar, BITMAP on a
 * small-cardinality Int32 and AUTOINDEX on an Int16, built on sealed segments of 1,500 rows (segments under 1,024 rows
 * are scanned, README "Scalar indexes"), listed and described as Finished once built. Queries and filtered searches
 * with equality, ranges, {@code in}, {@code like "prefix%"}, {@code not} and combinations return exactly the rows the
 * inserted data gives (computed here) before the indexes exist, while they exist, and after they are dropped.
 */
@Timeout(300)
class ScalarIndexTest {
    private static final int ROWS = 6000;
    private static final String COLLECTION = "shop";
    private static final String[] PREFIXES = {"alpha", "beta", "gamma", "delta"};

    @TempDir
    Path dataDir;

    private record Case(String filter, IntPredicate expected) {}

    private static long price(int id) {
        return (id * 37L) % 1000;
    }

    private static String tag(int id) {
        return PREFIXES[id % PREFIXES.length] + "-" + (id % 97);
    }

    private static int color(int id) {
        return id % 5;
    }

    private static int rank(int id) {
        return id % 13;
    }

    /** Filters over every indexed field and their answers from the inserted data. */
    private static List<Case> cases() {
        return List.of(
                new Case("price == 123", id -> price(id) == 123),
                new Case("price >= 100 and price < 140", id -> price(id) >= 100 && price(id) < 140),
                new Case("200 < price <= 230", id -> price(id) > 200 && price(id) <= 230),
                new Case("price != 5 and price < 20", id -> price(id) != 5 && price(id) < 20),
                new Case("tag == \"gamma-5\"", id -> tag(id).equals("gamma-5")),
                new Case("tag in [\"beta-1\", \"delta-3\", \"alpha-96\", \"nobody\"]",
                        id -> List.of("beta-1", "delta-3", "alpha-96").contains(tag(id))),
                new Case("tag like \"beta-1%\"", id -> tag(id).startsWith("beta-1")),
                new Case("color in [1, 3]", id -> color(id) == 1 || color(id) == 3),
                new Case("color == 4 and rank == 12", id -> color(id) == 4 && rank(id) == 12),
                new Case("rank >= 11", id -> rank(id) >= 11),
                new Case("(color == 2 and price > 900) or (tag like \"delta-1%\" and rank != 3)",
                        id -> (color(id) == 2 && price(id) > 900) || (tag(id).startsWith("delta-1") && rank(id) != 3)),
                new Case("not (color in [0, 1, 2]) and rank <= 4 and price < 500",
                        id -> color(id) > 2 && rank(id) <= 4 && price(id) < 500),
                new Case("tag like \"alpha%\" and color not in [0, 4] and id % 2 == 0",
                        id -> tag(id).startsWith("alpha") && color(id) != 0 && color(id) != 4 && id % 2 == 0));
    }

    @Test
    void filtersAnsweredFromStlSortInvertedBitmapAndAutoindexEqualTheScannedAnswers() throws Exception {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir, "localStorage.segmentRows", "1500")) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(4)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("price").dataType(DataType.Int64).build());
            schema.addField(AddFieldReq.builder().fieldName("tag").dataType(DataType.VarChar).maxLength(32).build());
            schema.addField(AddFieldReq.builder().fieldName("color").dataType(DataType.Int32).build());
            schema.addField(AddFieldReq.builder().fieldName("rank").dataType(DataType.Int16).build());
            IndexParam flat = IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                    .metricType(IndexParam.MetricType.L2).build();
            client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
                    .indexParams(List.of(flat)).build());
            client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());
            insert(client);
            client.flush(FlushReq.builder().collectionNames(List.of(COLLECTION)).build());

            assertAnswers(client, "before the scalar indexes");

            client.createIndex(CreateIndexReq.builder().collectionName(COLLECTION).indexParams(List.of(
                    IndexParam.builder().fieldName("price").indexName("price_sort")
                            .indexType(IndexParam.IndexType.STL_SORT).build(),
                    IndexParam.builder().fieldName("tag").indexName("tag_inverted")
                            .indexType(IndexParam.IndexType.INVERTED).build(),
                    IndexParam.builder().fieldName("color").indexName("color_bitmap")
                            .indexType(IndexParam.IndexType.BITMAP).build(),
                    IndexParam.builder().fieldName("rank").indexName("rank_auto")
                            .indexType(IndexParam.IndexType.AUTOINDEX).build())).build());
            assertThat(client.listIndexes(ListIndexesReq.builder().collectionName(COLLECTION).build()))
                    .contains("price_sort", "tag_inverted", "color_bitmap", "rank_auto");
            Map<String, IndexParam.IndexType> types = Map.of("price_sort", IndexParam.IndexType.STL_SORT,
                    "tag_inverted", IndexParam.IndexType.INVERTED, "color_bitmap", IndexParam.IndexType.BITMAP,
                    "rank_auto", IndexParam.IndexType.AUTOINDEX);
            for (Map.Entry<String, IndexParam.IndexType> index : types.entrySet()) {
                DescribeIndexResp.IndexDesc desc = awaitBuilt(client, index.getKey());
                assertThat(desc.getIndexType()).as(index.getKey()).isEqualTo(index.getValue());
                assertThat(desc.getTotalRows()).as(index.getKey()).isEqualTo(ROWS);
                assertThat(desc.getIndexedRows()).as(index.getKey()).isEqualTo(ROWS);
            }
            assertAnswers(client, "with the scalar indexes");

            for (String index : types.keySet()) {
                client.dropIndex(DropIndexReq.builder().collectionName(COLLECTION).indexName(index).build());
            }
            assertThat(client.listIndexes(ListIndexesReq.builder().collectionName(COLLECTION).build()))
                    .doesNotContain("price_sort", "tag_inverted", "color_bitmap", "rank_auto");
            assertAnswers(client, "after DropIndex");
        }
    }

    /** Ids 0..ROWS-1 in batches of 1,000; id i's vector is (i / 1000, 0, 0, 0): its L2 from the origin grows with i. */
    private static void insert(MilvusClientV2 client) {
        Gson gson = new Gson();
        for (int start = 0; start < ROWS; start += 1000) {
            List<JsonObject> rows = new ArrayList<>();
            for (int id = start; id < start + 1000; id++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", (long) id);
                row.put("vec", List.of(id / 1000f, 0f, 0f, 0f));
                row.put("price", price(id));
                row.put("tag", tag(id));
                row.put("color", color(id));
                row.put("rank", rank(id));
                rows.add(gson.toJsonTree(row).getAsJsonObject());
            }
            client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build());
        }
    }

    private static void assertAnswers(MilvusClientV2 client, String when) {
        for (Case c : cases()) {
            List<Long> expected = IntStream.range(0, ROWS).filter(c.expected()).mapToObj(id -> (long) id).toList();
            assertThat(expected).as("%s selects something", c.filter()).isNotEmpty();
            List<Long> queried = client.query(QueryReq.builder().collectionName(COLLECTION).filter(c.filter())
                    .outputFields(List.of("id", "price", "tag", "color", "rank")).build()).getQueryResults().stream()
                    .peek(r -> {
                        int id = (int) (long) (Long) r.getEntity().get("id");
                        assertThat(r.getEntity()).as("row %d", id).containsEntry("price", price(id))
                                .containsEntry("tag", tag(id)).containsEntry("color", color(id))
                                .containsEntry("rank", rank(id));
                    })
                    .map(r -> (Long) r.getEntity().get("id")).sorted().toList();
            assertThat(queried).as("query %s %s", c.filter(), when).isEqualTo(expected);

            // The nearest rows to the origin are the matching rows of smallest id, in id order.
            int limit = 50;
            List<Object> searched = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("vec")
                    .data(List.of(new FloatVec(new float[] {0f, 0f, 0f, 0f}))).limit(limit).filter(c.filter())
                    .build()).getSearchResults().get(0).stream().map(h -> h.getId()).toList();
            assertThat(searched).as("search %s %s", c.filter(), when)
                    .isEqualTo(expected.subList(0, Math.min(limit, expected.size())));
        }
    }

    /** Waits until the index has no pending rows and reports Finished; returns its description. */
    private static DescribeIndexResp.IndexDesc awaitBuilt(MilvusClientV2 client, String index)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        DescribeIndexResp.IndexDesc desc;
        do {
            Thread.sleep(100);
            desc = client.describeIndex(DescribeIndexReq.builder().collectionName(COLLECTION).indexName(index)
                    .build()).getIndexDescriptions().get(0);
        } while ((desc.getPendingIndexRows() > 0 || desc.getIndexState() != IndexBuildState.Finished)
                && System.nanoTime() < deadline);
        assertThat(desc.getPendingIndexRows()).as(index + " built within a minute").isZero();
        assertThat(desc.getIndexState()).as(index).isEqualTo(IndexBuildState.Finished);
        assertThat(desc.getIndexName()).isEqualTo(index);
        return desc;
    }
}
