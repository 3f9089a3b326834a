package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.milvus.client.MilvusServiceClient;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.GetCollectionStatisticsResponse;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.SearchResults;
import io.milvus.param.ConnectParam;
import io.milvus.param.IndexType;
import io.milvus.param.MetricType;
import io.milvus.param.R;
import io.milvus.param.RpcStatus;
import io.milvus.param.collection.CreateCollectionParam;
import io.milvus.param.collection.DescribeCollectionParam;
import io.milvus.param.collection.DropCollectionParam;
import io.milvus.param.collection.FieldType;
import io.milvus.param.collection.GetCollectionStatisticsParam;
import io.milvus.param.collection.HasCollectionParam;
import io.milvus.param.collection.LoadCollectionParam;
import io.milvus.param.dml.DeleteParam;
import io.milvus.param.dml.InsertParam;
import io.milvus.param.dml.QueryParam;
import io.milvus.param.dml.SearchParam;
import io.milvus.param.index.CreateIndexParam;
import io.milvus.response.DescCollResponseWrapper;
import io.milvus.response.GetCollStatResponseWrapper;
import io.milvus.response.MutationResultWrapper;
import io.milvus.response.QueryResultsWrapper;
import io.milvus.response.SearchResultsWrapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK's v1 client ({@code MilvusServiceClient}) with authentication on, doing the classic flow:
 * schema with {@code FieldType}s, FLAT/L2 index, load, column-wise insert, search checked against brute force,
 * query (rows and {@code count(*)}), delete by expression, statistics and drop. Every call's {@code R} status is
 * checked, then its data.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JavaV1DataFlowTest {
    private static final int DIM = 8;
    private static final int ROWS = 300;
    private static final int TOP_K = 10;

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusServiceClient client;

    @BeforeAll
    static void start() {
        server = ServerProcess.startWithAuth(dataDir);
        client = new MilvusServiceClient(ConnectParam.newBuilder()
                .withHost("127.0.0.1").withPort(server.port())
                .withAuthorization("root", "Milvus")
                .withConnectTimeout(15, TimeUnit.SECONDS)
                .withRpcDeadline(15, TimeUnit.SECONDS)
                .build());
        client.withRetry(1);
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

    /** The call succeeded (status 0) and returned data; the message names what failed otherwise. */
    private static <T> T ok(R<T> response, String what) {
        assertThat(response.getStatus()).as("%s failed: %s", what, message(response)).isZero();
        assertThat(response.getData()).as("%s returned no data", what).isNotNull();
        return response.getData();
    }

    /** {@code R.getMessage()} throws on a success (it reads the absent exception). */
    private static String message(R<?> response) {
        return response.getException() == null ? "" : response.getMessage();
    }

    private static List<Float> vector(Random random) {
        List<Float> v = new ArrayList<>(DIM);
        for (int i = 0; i < DIM; i++) {
            v.add(random.nextFloat() * 2 - 1);
        }
        return v;
    }

    /** Squared Euclidean distance, which is what Milvus reports as the L2 score. */
    private static double squaredL2(List<Float> a, List<Float> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = a.get(i) - b.get(i);
            sum += d * d;
        }
        return sum;
    }

    private static List<FieldType> schema() {
        return List.of(
                FieldType.newBuilder().withName("id").withDataType(DataType.Int64).withPrimaryKey(true)
                        .withAutoID(false).build(),
                FieldType.newBuilder().withName("vec").withDataType(DataType.FloatVector).withDimension(DIM).build(),
                FieldType.newBuilder().withName("title").withDataType(DataType.VarChar).withMaxLength(32).build());
    }

    private static void createIndexedLoadedCollection(String name) {
        ok(client.createCollection(CreateCollectionParam.newBuilder().withCollectionName(name)
                .withFieldTypes(schema()).build()), "createCollection");
        ok(client.createIndex(CreateIndexParam.newBuilder().withCollectionName(name).withFieldName("vec")
                .withIndexType(IndexType.FLAT).withMetricType(MetricType.L2).build()), "createIndex");
        ok(client.loadCollection(LoadCollectionParam.newBuilder().withCollectionName(name).build()),
                "loadCollection");
    }

    /** The ids of the {@code k} stored vectors nearest to {@code query} among those {@code allowed}, nearest first. */
    private static List<Long> bruteForce(List<List<Float>> vectors, List<Float> query, int k, IntPredicate allowed) {
        return IntStream.range(0, vectors.size()).filter(allowed).boxed()
                .sorted(Comparator.comparingDouble(i -> squaredL2(vectors.get(i), query)))
                .limit(k).map(Integer::longValue).toList();
    }

    private static long count(String collection, String expr) {
        QueryParam.Builder query = QueryParam.newBuilder().withCollectionName(collection)
                .withOutFields(List.of("count(*)"));
        if (expr != null) {
            query.withExpr(expr);
        }
        QueryResultsWrapper wrapper = new QueryResultsWrapper(ok(client.query(query.build()), "count(*)"));
        List<?> values = wrapper.getFieldWrapper("count(*)").getFieldData();
        assertThat(values).hasSize(1);
        return (Long) values.get(0);
    }

    @Test
    void createIndexLoadInsertSearchQueryDeleteStatisticsAndDrop() {
        String name = "v1_flow";
        createIndexedLoadedCollection(name);
        assertThat(ok(client.hasCollection(HasCollectionParam.newBuilder().withCollectionName(name).build()),
                "hasCollection")).isTrue();
        DescribeCollectionResponse described = ok(client.describeCollection(DescribeCollectionParam.newBuilder()
                .withCollectionName(name).build()), "describeCollection");
        DescCollResponseWrapper schema = new DescCollResponseWrapper(described);
        assertThat(schema.getPrimaryField().getName()).isEqualTo("id");
        assertThat(schema.getVectorField().getName()).isEqualTo("vec");
        assertThat(schema.getVectorField().getDimension()).isEqualTo(DIM);
        assertThat(schema.getFieldByName("title").getMaxLength()).isEqualTo(32);

        Random random = new Random(20240611L);
        List<Long> ids = LongStream.range(0, ROWS).boxed().toList();
        List<List<Float>> vectors = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            vectors.add(vector(random));
            titles.add("title_" + i);
        }
        MutationResult inserted = ok(client.insert(InsertParam.newBuilder().withCollectionName(name)
                .withFields(List.of(new InsertParam.Field("id", ids), new InsertParam.Field("vec", vectors),
                        new InsertParam.Field("title", titles)))
                .build()), "insert");
        MutationResultWrapper insertResult = new MutationResultWrapper(inserted);
        assertThat(insertResult.getInsertCount()).isEqualTo(ROWS);
        assertThat(insertResult.getLongIDs()).isEqualTo(ids);

        // Three queries at once; each top 10 is exactly the brute-force top 10 (recall@10 = 1.0), in order.
        List<List<Float>> queries = List.of(vector(random), vector(random), vectors.get(123));
        SearchResults searched = ok(client.search(SearchParam.newBuilder().withCollectionName(name)
                .withVectorFieldName("vec").withMetricType(MetricType.L2).withTopK(TOP_K)
                .withFloatVectors(queries).withOutFields(List.of("title")).build()), "search");
        SearchResultsWrapper hits = new SearchResultsWrapper(searched.getResults());
        assertThat(hits.getNumQueries()).isEqualTo(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            List<SearchResultsWrapper.IDScore> perQuery = hits.getIDScore(q);
            List<Long> expected = bruteForce(vectors, queries.get(q), TOP_K, i -> true);
            List<Long> found = perQuery.stream().map(SearchResultsWrapper.IDScore::getLongID).toList();
            Set<Long> relevant = new HashSet<>(expected);
            double recall = found.stream().filter(relevant::contains).count() / (double) TOP_K;
            assertThat(recall).as("recall@10 of query %d", q).isEqualTo(1.0);
            assertThat(found).as("order of query %d", q).isEqualTo(expected);
            for (SearchResultsWrapper.IDScore hit : perQuery) {
                int id = (int) hit.getLongID();
                assertThat((double) hit.getScore()).isCloseTo(squaredL2(vectors.get(id), queries.get(q)),
                        within(1e-4));
                assertThat(hit.get("title")).isEqualTo(titles.get(id));
            }
        }
        // A stored vector finds itself first, at distance 0.
        assertThat(hits.getIDScore(2).get(0).getLongID()).isEqualTo(123L);
        assertThat(hits.getIDScore(2).get(0).getScore()).isZero();

        // Filtered search: only rows passing the expression, and again exactly the brute-force answer.
        List<Float> filteredQuery = vector(random);
        SearchResults filtered = ok(client.search(SearchParam.newBuilder().withCollectionName(name)
                .withVectorFieldName("vec").withMetricType(MetricType.L2).withTopK(TOP_K)
                .withFloatVectors(List.of(filteredQuery)).withExpr("id >= 150 and title != \"title_200\"")
                .build()), "filtered search");
        assertThat(new SearchResultsWrapper(filtered.getResults()).getIDScore(0).stream()
                .map(SearchResultsWrapper.IDScore::getLongID).toList())
                .isEqualTo(bruteForce(vectors, filteredQuery, TOP_K, i -> i >= 150 && i != 200));

        // Query rows by expression with output fields, the vector included.
        QueryResults queried = ok(client.query(QueryParam.newBuilder().withCollectionName(name)
                .withExpr("id in [5, 17, 250]").withOutFields(List.of("id", "title", "vec")).build()), "query");
        List<QueryResultsWrapper.RowRecord> rows = new QueryResultsWrapper(queried).getRowRecords();
        assertThat(rows).hasSize(3);
        Map<Long, QueryResultsWrapper.RowRecord> byId = rows.stream()
                .collect(Collectors.toMap(r -> (Long) r.get("id"), r -> r));
        assertThat(byId).containsOnlyKeys(5L, 17L, 250L);
        byId.forEach((id, row) -> {
            assertThat(row.get("title")).isEqualTo(titles.get(id.intValue()));
            assertThat(row.get("vec")).isEqualTo(vectors.get(id.intValue()));
        });

        assertThat(count(name, null)).isEqualTo(ROWS);
        // title_1, title_10..title_19, title_100..title_199
        assertThat(count(name, "title like \"title_1%\"")).isEqualTo(111);

        // Delete by expression: by primary keys, then by a range.
        MutationResult deleted = ok(client.delete(DeleteParam.newBuilder().withCollectionName(name)
                .withExpr("id in [0, 1, 2, 3, 4]").build()), "delete by ids");
        assertThat(new MutationResultWrapper(deleted).getDeleteCount()).isEqualTo(5);
        assertThat(count(name, null)).isEqualTo(ROWS - 5);
        assertThat(new QueryResultsWrapper(ok(client.query(QueryParam.newBuilder().withCollectionName(name)
                .withExpr("id in [0, 1, 2, 3, 4, 5]").withOutFields(List.of("id")).build()), "query deleted"))
                .getRowRecords()).extracting(r -> r.get("id")).containsExactly(5L);
        SearchResults afterDelete = ok(client.search(SearchParam.newBuilder().withCollectionName(name)
                .withVectorFieldName("vec").withMetricType(MetricType.L2).withTopK(TOP_K)
                .withFloatVectors(List.of(vectors.get(0))).build()), "search after delete");
        assertThat(new SearchResultsWrapper(afterDelete.getResults()).getIDScore(0).stream()
                .map(SearchResultsWrapper.IDScore::getLongID).toList())
                .isEqualTo(bruteForce(vectors, vectors.get(0), TOP_K, i -> i >= 5));

        MutationResult rangeDeleted = ok(client.delete(DeleteParam.newBuilder().withCollectionName(name)
                .withExpr("id >= 290").build()), "delete by range");
        assertThat(new MutationResultWrapper(rangeDeleted).getDeleteCount()).isEqualTo(10);
        assertThat(count(name, null)).isEqualTo(ROWS - 15);

        // Statistics (the v1 client flushes first by default) count live rows.
        GetCollectionStatisticsResponse stats = ok(client.getCollectionStatistics(GetCollectionStatisticsParam
                .newBuilder().withCollectionName(name).build()), "getCollectionStatistics");
        assertThat(new GetCollStatResponseWrapper(stats).getRowCount()).isEqualTo(ROWS - 15);

        ok(client.dropCollection(DropCollectionParam.newBuilder().withCollectionName(name).build()),
                "dropCollection");
        assertThat(ok(client.hasCollection(HasCollectionParam.newBuilder().withCollectionName(name).build()),
                "hasCollection after drop")).isFalse();
        R<RpcStatus> again = client.dropCollection(DropCollectionParam.newBuilder().withCollectionName(name)
                .build());
        assertThat(again.getStatus()).as("dropping a dropped collection: %s", message(again)).isZero();
    }

    @Test
    void failuresComeBackAsStatusesWithMilvusCodes() {
        String name = "v1_failures";
        createIndexedLoadedCollection(name);

        // (A wrong vector dimension never reaches the server: the v1 client checks it against the schema itself.)
        R<MutationResult> badDelete = client.delete(DeleteParam.newBuilder().withCollectionName(name)
                .withExpr("title ==").build());
        assertThat(badDelete.getStatus()).as(message(badDelete)).isEqualTo(1100);

        R<SearchResults> wrongMetric = client.search(SearchParam.newBuilder().withCollectionName(name)
                .withVectorFieldName("vec").withMetricType(MetricType.IP).withTopK(TOP_K)
                .withFloatVectors(List.of(vector(new Random(1)))).build());
        assertThat(wrongMetric.getStatus()).as("IP search on an L2 index: %s", message(wrongMetric)).isNotZero();
        assertThat(message(wrongMetric)).contains("metric type not match");

        R<QueryResults> badExpr = client.query(QueryParam.newBuilder().withCollectionName(name)
                .withExpr("id >").withOutFields(List.of("id")).build());
        assertThat(badExpr.getStatus()).isEqualTo(1100);
        assertThat(badExpr.getMessage()).contains("cannot parse expression");

        R<QueryResults> missing = client.query(QueryParam.newBuilder().withCollectionName("v1_missing")
                .withExpr("id > 0").withOutFields(List.of("id")).build());
        assertThat(missing.getStatus()).isEqualTo(100);
        assertThat(missing.getMessage()).contains("collection not found");

        ok(client.dropCollection(DropCollectionParam.newBuilder().withCollectionName(name).build()),
                "dropCollection");
    }
}
