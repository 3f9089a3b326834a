package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node ({@code mq.type: kafka}, real etcd and Kafka broker processes) with {@code kafka.maxMessageSize} at
 * its smallest (4 KiB), through the official Java SDK: a row that cannot fit in one Kafka record is refused with
 * 1100, alone or inside a batch of small rows, by insert and by upsert, and the refused request changes nothing;
 * small rows around it are written as usual.
 */
@Timeout(300)
class ClusterOversizedRowTest {
    private static final String COLLECTION = "big_rows";
    private static final int MAX_MESSAGE_BYTES = 4_096;

    @TempDir
    Path dir;

    @Test
    void aRowLargerThanOneKafkaRecordIsRefusedAndChangesNothing() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd")));
             KafkaBroker kafka = KafkaBroker.start()) {
            Map<String, String> settings = ServerProcess.kafkaNode(etcd, kafka);
            settings.put("kafka.maxMessageSize", Integer.toString(MAX_MESSAGE_BYTES));
            try (ServerProcess node = ServerProcess.start(Files.createDirectories(dir.resolve("node")), settings)) {
                MilvusClientV2 client = Clients.connect(node, b -> b);
                try {
                    client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).dimension(4)
                            .numShards(2).build());
                    client.insert(InsertReq.builder().collectionName(COLLECTION)
                            .data(List.of(row(1, 10), row(2, 10), row(3, 10))).build());

                    assertRefused(client, () -> client.insert(InsertReq.builder().collectionName(COLLECTION)
                            .data(List.of(row(4, 2 * MAX_MESSAGE_BYTES))).build()));
                    assertRefused(client, () -> client.insert(InsertReq.builder().collectionName(COLLECTION)
                            .data(List.of(row(5, 10), row(6, 2 * MAX_MESSAGE_BYTES), row(7, 10))).build()));
                    assertRefused(client, () -> client.upsert(UpsertReq.builder().collectionName(COLLECTION)
                            .data(List.of(row(1, 2 * MAX_MESSAGE_BYTES), row(8, 10))).build()));

                    // Rows just under the limit still go, many of them in one request (cut over several records).
                    List<JsonObject> many = new ArrayList<>();
                    for (int id = 100; id < 140; id++) {
                        many.add(row(id, MAX_MESSAGE_BYTES / 2));
                    }
                    client.insert(InsertReq.builder().collectionName(COLLECTION).data(many).build());
                    assertThat(ids(client)).hasSize(43).contains(1L, 2L, 3L, 100L, 139L)
                            .doesNotContain(4L, 5L, 6L, 7L, 8L);
                    assertThat(noteLength(client, 1)).isEqualTo(10);
                } finally {
                    client.close();
                }
            }
        }
    }

    private static void assertRefused(MilvusClientV2 client, Runnable write) {
        List<Long> before = ids(client);
        MilvusClientException e = catchThrowableOfType(MilvusClientException.class, write::run);
        assertThat(e).as("a row over kafka.maxMessageSize").isNotNull();
        assertThat(e.getServerErrCode()).as(e.getMessage()).isEqualTo(1100);
        assertThat(e.getMessage()).contains("kafka.maxMessageSize");
        assertThat(ids(client)).isEqualTo(before);
    }

    /** A row whose dynamic field {@code note} holds {@code noteLength} characters. */
    private static JsonObject row(long id, int noteLength) {
        JsonObject row = new JsonObject();
        row.addProperty("id", id);
        JsonArray vector = new JsonArray();
        for (int i = 0; i < 4; i++) {
            vector.add(id * 0.25f + i);
        }
        row.add("vector", vector);
        row.addProperty("note", "n".repeat(noteLength));
        return row;
    }

    private static List<Long> ids(MilvusClientV2 client) {
        return query(client, "id >= 0", "id").stream().map(r -> (Long) r.getEntity().get("id")).sorted().toList();
    }

    private static int noteLength(MilvusClientV2 client, long id) {
        return ((String) query(client, "id == " + id, "note").get(0).getEntity().get("note")).length();
    }

    private static List<QueryResp.QueryResult> query(MilvusClientV2 client, String filter, String field) {
        return client.query(QueryReq.builder().collectionName(COLLECTION).filter(filter).outputFields(List.of(field))
                .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults();
    }
}
