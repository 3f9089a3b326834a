package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java SDK v2 upsert with {@code partialUpdate(true)} (Milvus 2.6): a row whose key exists keeps every field the
 * request leaves out and the dynamic keys it does not send (the SDK sends a {@code $meta} column, {@code {}} for a row
 * without dynamic keys, with every write to a dynamic collection: the keys are merged, as Milvus merges them), a
 * complete row with a new key is inserted, and a new key missing a required field is refused with Milvus's message,
 * changing nothing. Without {@code partialUpdate} an upsert replaces the whole row, dynamic keys included.
 * {@code fieldOps} (Milvus 2.6.17) append to or remove from the stored arrays, embedded and in a cluster.
 */
@Timeout(300)
class PartialUpdateTest {
    private static final String COLLECTION = "articles";
    private static final Gson GSON = new Gson();

    @TempDir
    Path dataDir;

    private static JsonObject json(Map<String, Object> row) {
        return GSON.toJsonTree(row).getAsJsonObject();
    }

    private static Map<String, Object> row(long id, List<Float> vec, String title, int rank, String color) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("vec", vec);
        row.put("title", title);
        row.put("rank", rank);
        if (color != null) {
            row.put("color", color);
        }
        return row;
    }

    @Test
    void partialUpsertKeepsTheFieldsItLeavesOutAndInsertsCompleteNewRows() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder()
                    .enableDynamicField(true).build();
            schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
            schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(4)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.VarChar).maxLength(32)
                    .build());
            schema.addField(AddFieldReq.builder().fieldName("rank").dataType(DataType.Int32).build());
            client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
                    .indexParams(List.of(IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                            .metricType(IndexParam.MetricType.L2).build())).build());
            Map<Long, Map<String, Object>> expected = new TreeMap<>();
            for (long id = 0; id < 4; id++) {
                expected.put(id, row(id, List.of((float) id, 0.5f, 0.25f, 0f), "t" + id, (int) id * 10, "c" + id));
            }
            client.insert(InsertReq.builder().collectionName(COLLECTION)
                    .data(expected.values().stream().map(PartialUpdateTest::json).toList()).build());

            // Every row of one partial upsert carries the same fields.
            assertThat(client.upsert(UpsertReq.builder().collectionName(COLLECTION).partialUpdate(true)
                    .data(List.of(json(Map.of("id", 1L, "rank", 99)), json(Map.of("id", 3L, "rank", 33)))).build())
                    .getUpsertCnt()).isEqualTo(2);
            expected.get(1L).put("rank", 99);
            expected.get(3L).put("rank", 33);
            assertThat(client.upsert(UpsertReq.builder().collectionName(COLLECTION).partialUpdate(true)
                    .data(List.of(json(Map.of("id", 2L, "title", "renamed", "color", "teal")))).build())
                    .getUpsertCnt()).isEqualTo(1);
            expected.get(2L).put("title", "renamed");
            expected.get(2L).put("color", "teal");
            Map<String, Object> fresh = row(9, List.of(9f, 9f, 9f, 9f), "new", 90, "c9");
            Map<String, Object> replaced = row(0, List.of(0f, 1f, 1f, 1f), "zero", 7, "c0b");
            assertThat(client.upsert(UpsertReq.builder().collectionName(COLLECTION).partialUpdate(true)
                    .data(List.of(json(replaced), json(fresh))).build()).getUpsertCnt()).isEqualTo(2);
            expected.put(0L, replaced);
            expected.put(9L, fresh);
            assertThat(rows(client)).isEqualTo(expected);

            assertThatThrownBy(() -> client.upsert(UpsertReq.builder().collectionName(COLLECTION)
                    .partialUpdate(true).data(List.of(json(Map.of("id", 20L, "rank", 1)))).build()))
                    .hasMessageContaining("field vec is missing in the data");
            assertThat(rows(client)).isEqualTo(expected);

            Map<String, Object> whole = row(1, List.of(1f, 1f, 1f, 1f), "whole", 1, null);
            client.upsert(UpsertReq.builder().collectionName(COLLECTION).data(List.of(json(whole))).build());
            expected.put(1L, whole);
            assertThat(rows(client)).isEqualTo(expected);
        }
    }

    @Test
    void arrayAppendAndRemoveApplyTheSentElementsToTheStoredArrays() {
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = Clients.root(server);
            createTagged(client);
            arrayOperations(client);
        }
    }

    /**
     * In a cluster ({@code mq.type: kafka}, real etcd and Kafka processes) the owner merges the row before it is
     * logged: the same results, and the same again after the node restarts and reads its log back.
     */
    @Test
    void arrayOperationsInAClusterAreLoggedAsMergedRows() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1, Files.createDirectories(dataDir.resolve("etcd")));
             KafkaBroker kafka = KafkaBroker.start()) {
            Map<String, String> settings = ServerProcess.kafkaNode(etcd, kafka);
            Path nodeDir = Files.createDirectories(dataDir.resolve("node"));
            Map<Long, Map<String, Object>> merged;
            try (ServerProcess node = ServerProcess.start(nodeDir, settings)) {
                MilvusClientV2 client = Clients.connect(node, b -> b);
                try {
                    createTagged(client);
                    merged = arrayOperations(client);
                } finally {
                    client.close();
                }
            }
            try (ServerProcess node = ServerProcess.start(nodeDir, settings)) {
                MilvusClientV2 client = Clients.connect(node, b -> b);
                try {
                    client.loadCollection(LoadCollectionReq.builder().collectionName(TAGGED).build());
                    assertThat(tagged(client)).isEqualTo(merged);
                } finally {
                    client.close();
                }
            }
        }
    }

    private static final String TAGGED = "tagged";

    private static void createTagged(MilvusClientV2 client) {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
        schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(2).build());
        schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.VarChar).maxLength(16).build());
        schema.addField(AddFieldReq.builder().fieldName("tags").dataType(DataType.Array)
                .elementType(DataType.Int64).maxCapacity(4).build());
        schema.addField(AddFieldReq.builder().fieldName("words").dataType(DataType.Array)
                .elementType(DataType.VarChar).maxLength(8).maxCapacity(4).build());
        schema.addField(AddFieldReq.builder().fieldName("ratios").dataType(DataType.Array)
                .elementType(DataType.Float).maxCapacity(4).isNullable(true).build());
        client.createCollection(CreateCollectionReq.builder().collectionName(TAGGED).collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder().fieldName("vec").indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.L2).build())).build());
    }

    /** Appends and removes through the SDK's {@code fieldOps}; returns the rows as they end. */
    private static Map<Long, Map<String, Object>> arrayOperations(MilvusClientV2 client) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("id", 1L);
        one.put("vec", List.of(1f, 0f));
        one.put("title", "one");
        one.put("tags", List.of(1L, 2L, 1L));
        one.put("words", List.of("a", "b"));
        one.put("ratios", List.of(0.5f, 0.25f));
        Map<String, Object> two = new LinkedHashMap<>(one);
        two.put("id", 2L);
        two.put("title", "two");
        two.put("tags", List.of(7L));
        two.put("ratios", null);
        client.insert(InsertReq.builder().collectionName(TAGGED).data(List.of(json(one), json(two))).build());

        // The SDK sets partial_update itself once an operation is not REPLACE.
        assertThat(client.upsert(UpsertReq.builder().collectionName(TAGGED)
                .data(List.of(json(Map.of("id", 1L, "tags", List.of(1L, 9L), "ratios", List.of(0.25f))),
                        json(Map.of("id", 2L, "tags", List.of(1L), "ratios", List.of(0.75f)))))
                .fieldOps(List.of(op("tags", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_REMOVE),
                        op("ratios", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_APPEND))).build())
                .getUpsertCnt()).isEqualTo(2);
        assertThat(client.upsert(UpsertReq.builder().collectionName(TAGGED).partialUpdate(true)
                .data(List.of(json(Map.of("id", 1L, "tags", List.of(3L, 3L), "words", List.of("a")))))
                .fieldOps(List.of(op("tags", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_APPEND),
                        op("words", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_REMOVE))).build())
                .getUpsertCnt()).isEqualTo(1);
        Map<Long, Map<String, Object>> expected = new TreeMap<>();
        expected.put(1L, Map.of("id", 1L, "title", "one", "tags", List.of(2L, 3L, 3L), "words", List.of("b"),
                "ratios", List.of(0.5f, 0.25f, 0.25f)));
        expected.put(2L, Map.of("id", 2L, "title", "two", "tags", List.of(7L), "words", List.of("a", "b"),
                "ratios", List.of(0.75f)));
        assertThat(tagged(client)).isEqualTo(expected);

        // Over max_capacity (3 stored + 2 sent > 4) or on a field that is not an array: refused, nothing changes.
        assertThatThrownBy(() -> client.upsert(UpsertReq.builder().collectionName(TAGGED)
                .data(List.of(json(Map.of("id", 2L, "tags", List.of(8L))),
                        json(Map.of("id", 1L, "tags", List.of(4L, 5L)))))
                .fieldOps(List.of(op("tags", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_APPEND))).build()))
                .hasMessageContaining("max_capacity 4");
        assertThatThrownBy(() -> client.upsert(UpsertReq.builder().collectionName(TAGGED)
                .data(List.of(json(Map.of("id", 1L, "title", "x"))))
                .fieldOps(List.of(op("title", UpsertReq.FieldPartialUpdateOp.OpType.ARRAY_APPEND))).build()))
                .hasMessageContaining("requires Array field");
        assertThat(tagged(client)).isEqualTo(expected);
        return expected;
    }

    private static UpsertReq.FieldPartialUpdateOp op(String field, UpsertReq.FieldPartialUpdateOp.OpType type) {
        return UpsertReq.FieldPartialUpdateOp.builder().fieldName(field).opType(type).build();
    }

    private static Map<Long, Map<String, Object>> tagged(MilvusClientV2 client) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (QueryResp.QueryResult result : client.query(QueryReq.builder().collectionName(TAGGED)
                .filter("id >= 0").outputFields(List.of("id", "title", "tags", "words", "ratios"))
                .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults()) {
            rows.put((Long) result.getEntity().get("id"), new LinkedHashMap<>(result.getEntity()));
        }
        return rows;
    }

    /** Every row by id, with its fields and its dynamic keys as the SDK returns them. */
    private static Map<Long, Map<String, Object>> rows(MilvusClientV2 client) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (QueryResp.QueryResult result : client.query(QueryReq.builder().collectionName(COLLECTION)
                .filter("id >= 0").outputFields(List.of("*")).build()).getQueryResults()) {
            Map<String, Object> row = new LinkedHashMap<>(result.getEntity());
            rows.put((Long) row.get("id"), row);
        }
        return rows;
    }
}
