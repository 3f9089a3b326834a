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
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
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
