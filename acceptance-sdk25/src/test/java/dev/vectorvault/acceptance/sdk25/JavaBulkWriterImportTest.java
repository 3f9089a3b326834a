package dev.vectorvault.acceptance.sdk25;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.vectorvault.acceptance.ServerProcess;
import io.milvus.bulkwriter.BulkImport;
import io.milvus.bulkwriter.LocalBulkWriter;
import io.milvus.bulkwriter.LocalBulkWriterParam;
import io.milvus.bulkwriter.common.clientenum.BulkFileType;
import io.milvus.bulkwriter.request.describe.MilvusDescribeImportRequest;
import io.milvus.bulkwriter.request.import_.MilvusImportRequest;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of Milvus's own Java BulkWriter ({@code io.milvus:milvus-sdk-java-bulkwriter}, {@link LocalBulkWriter})
 * import unchanged, the way an application loads them: rows and the collection's schema go to the writer, its
 * committed files go to REST {@code jobs/import/create} through the same artifact's {@link BulkImport}, and every
 * field of every row reads back as written. Milvus would take the files as object keys of its bucket; here they are
 * keys under the server's import root, so the writer writes there. The writer's only release on Maven Central, 2.5.5,
 * calls SDK 2.5.x methods that 2.6.x removed, hence this module.
 *
 * <p>Rows are random; the seed is printed, replay with {@code -Dbulkwriter.seed=N}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JavaBulkWriterImportTest {
    private static final int DIM = 8;
    private static final int ROWS = 300;
    private static final String ROOT_TOKEN = "root:Milvus";

    @TempDir
    Path dataDir;

    @Test
    void rowsWrittenByTheOfficialBulkWriterInEachFormatImportAndReadBackUnchanged() throws Exception {
        // Cluster mode without object storage refuses bulk import; see README "Bulk import in a cluster".
        Assumptions.assumeFalse(Boolean.getBoolean("acceptance.cluster"));
        long seed = Long.getLong("bulkwriter.seed", System.nanoTime());
        System.out.println("JavaBulkWriterImportTest seed=" + seed + " (replay: -Dbulkwriter.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<Long, JsonObject> written = new HashMap<>();
        for (int i = 0; i < ROWS; i++) {
            JsonObject row = row(random, i);
            written.put(row.get("id").getAsLong(), row);
        }
        try (ServerProcess server = ServerProcess.startWithAuth(dataDir)) {
            MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(server.uri()).token(ROOT_TOKEN)
                    .connectTimeoutMs(15_000).rpcDeadlineMs(15_000).build());
            try {
                for (BulkFileType format : BulkFileType.values()) {
                    String collection = "written_" + format.name().toLowerCase(Locale.ROOT);
                    client.createCollection(CreateCollectionReq.builder().collectionName(collection)
                            .collectionSchema(schema()).indexParams(List.of(IndexParam.builder().fieldName("vec")
                                    .indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2)
                                    .build())).build());
                    List<List<String>> keys = write(format, written.values());
                    JsonObject job = awaitJob(server, BulkImport.bulkImport(server.uri(), MilvusImportRequest
                            .builder().collectionName(collection).files(keys).apiKey(ROOT_TOKEN).build()));
                    assertThat(job.get("state").getAsString()).as("%s job %s, files %s", format, job, keys)
                            .isEqualTo("Completed");
                    assertThat(job.get("importedRows").getAsLong()).as(format.name()).isEqualTo(ROWS);
                    assertReadBack(client, collection, written, format + " seed=" + seed);
                }
            } finally {
                client.close();
            }
        }
    }

    /** The writer's committed files, as keys under the import root (one list per batch, as Milvus takes them). */
    private List<List<String>> write(BulkFileType format, Collection<JsonObject> rows) throws Exception {
        Path importRoot = dataDir.resolve("import");
        Path writerDir = Files.createDirectories(importRoot.resolve(format.name().toLowerCase(Locale.ROOT)));
        List<List<String>> keys = new ArrayList<>();
        try (LocalBulkWriter writer = new LocalBulkWriter(LocalBulkWriterParam.newBuilder()
                .withCollectionSchema(schema()).withLocalPath(writerDir.toString()).withFileType(format).build())) {
            for (JsonObject row : rows) {
                writer.appendRow(row.deepCopy());
            }
            writer.commit(false);
            for (List<String> batch : writer.getBatchFiles()) {
                List<String> group = new ArrayList<>();
                batch.forEach(file -> group.add(importRoot.relativize(Path.of(file)).toString()));
                keys.add(group);
            }
        }
        assertThat(keys).as("files the writer committed").isNotEmpty();
        return keys;
    }

    private static void assertReadBack(MilvusClientV2 client, String collection, Map<Long, JsonObject> written,
                                       String seed) {
        QueryResp read = client.query(QueryReq.builder().collectionName(collection).filter("id >= 0")
                .outputFields(List.of("*")).limit(ROWS + 1).build());
        assertThat(read.getQueryResults()).hasSize(ROWS);
        for (QueryResp.QueryResult result : read.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            JsonObject row = written.get((Long) entity.get("id"));
            String context = seed + " row=" + row;
            assertThat(entity.get("title")).as(context).isEqualTo(row.get("title").getAsString());
            assertThat(entity.get("score")).as(context).isEqualTo(row.get("score").getAsFloat());
            assertThat(entity.get("flag")).as(context).isEqualTo(row.get("flag").getAsBoolean());
            assertThat(JsonParser.parseString(entity.get("meta").toString())).as(context)
                    .isEqualTo(row.get("meta"));
            assertThat(entity.get("tags")).as(context).isEqualTo(longs(row.getAsJsonArray("tags")));
            assertThat(entity.get("vec")).as(context).isEqualTo(floats(row.getAsJsonArray("vec")));
            JsonElement note = row.get("note");
            assertThat(entity.get("note")).as(context).isEqualTo(note.isJsonNull() ? null : note.getAsString());
            // a dynamic field: kept in $meta, read back by its own name
            assertThat(entity.get("color")).as(context).isEqualTo(row.get("color").getAsString());
        }

        JsonObject probe = written.values().iterator().next();
        SearchResp found = client.search(SearchReq.builder().collectionName(collection)
                .data(List.of(new FloatVec(floats(probe.getAsJsonArray("vec"))))).annsField("vec").topK(1)
                .build());
        assertThat(found.getSearchResults().get(0).get(0).getId()).as(seed).isEqualTo(probe.get("id").getAsLong());
    }

    private static CreateCollectionReq.CollectionSchema schema() {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder()
                .enableDynamicField(true).build();
        schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true)
                .autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.VarChar).maxLength(64).build());
        schema.addField(AddFieldReq.builder().fieldName("score").dataType(DataType.Float).build());
        schema.addField(AddFieldReq.builder().fieldName("flag").dataType(DataType.Bool).build());
        schema.addField(AddFieldReq.builder().fieldName("meta").dataType(DataType.JSON).build());
        schema.addField(AddFieldReq.builder().fieldName("tags").dataType(DataType.Array)
                .elementType(DataType.Int64).maxCapacity(8).build());
        schema.addField(AddFieldReq.builder().fieldName("note").dataType(DataType.VarChar).maxLength(32)
                .isNullable(true).build());
        schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM)
                .build());
        return schema;
    }

    /** Values of every kind the writer converts: text with quotes and commas (CSV), negatives, empty lists. */
    private static JsonObject row(Random random, int i) {
        JsonObject row = new JsonObject();
        row.addProperty("id", i * 7L + random.nextInt(7));
        row.addProperty("title", "title \"" + i + "\", " + Long.toHexString(random.nextLong()));
        row.addProperty("score", random.nextFloat() * 200 - 100);
        row.addProperty("flag", random.nextBoolean());
        JsonObject meta = new JsonObject();
        meta.addProperty("n", random.nextInt(1000) - 500);
        meta.addProperty("label", "l" + random.nextInt(10));
        JsonArray list = new JsonArray();
        list.add(random.nextInt(5));
        meta.add("list", list);
        row.add("meta", meta);
        JsonArray tags = new JsonArray();
        for (int t = random.nextInt(5); t > 0; t--) {
            tags.add(random.nextLong() >> random.nextInt(64));
        }
        row.add("tags", tags);
        row.add("note", random.nextInt(3) == 0 ? JsonNull.INSTANCE : new JsonPrimitive("n" + i));
        JsonArray vec = new JsonArray();
        for (int d = 0; d < DIM; d++) {
            vec.add(random.nextFloat() * 2 - 1);
        }
        row.add("vec", vec);
        row.addProperty("color", random.nextBoolean() ? "red" : "blue");
        return row;
    }

    /** Polls REST {@code jobs/import/describe} (the writer artifact's getImportProgress) until the job ends. */
    private static JsonObject awaitJob(ServerProcess server, String createResponse) throws InterruptedException {
        JsonObject created = JsonParser.parseString(createResponse).getAsJsonObject();
        assertThat(created.get("code").getAsInt()).as(createResponse).isZero();
        String jobId = created.getAsJsonObject("data").get("jobId").getAsString();
        while (true) {
            String progress = BulkImport.getImportProgress(server.uri(), MilvusDescribeImportRequest.builder()
                    .jobId(jobId).apiKey(ROOT_TOKEN).build());
            JsonObject response = JsonParser.parseString(progress).getAsJsonObject();
            assertThat(response.get("code").getAsInt()).as(progress).isZero();
            JsonObject job = response.getAsJsonObject("data");
            String state = job.get("state").getAsString();
            if (state.equals("Completed") || state.equals("Failed")) {
                return job;
            }
            Thread.sleep(50);
        }
    }

    private static List<Long> longs(JsonArray array) {
        List<Long> values = new ArrayList<>();
        array.forEach(e -> values.add(e.getAsLong()));
        return values;
    }

    private static List<Float> floats(JsonArray array) {
        List<Float> values = new ArrayList<>();
        array.forEach(e -> values.add(e.getAsFloat()));
        return values;
    }
}
