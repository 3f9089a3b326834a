package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.JSON;
import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.ok;
import static dev.vectorvault.server.RestCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.server.RestCalls.Reply;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResults;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every vector type over REST v2 in Milvus's JSON shapes: sparse rows and BM25 functions, binary, Float16, BFloat16
 * and Int8 vectors are created, inserted, indexed, read back and searched, and each REST search returns what the
 * gRPC search returns for the same query; shapes that do not fit are refused and insert nothing.
 */
@Timeout(120)
class RestVectorTypesTest {
    @TempDir
    Path dir;

    private LoopbackServer server;
    private MilvusServiceGrpc.MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sparseRowsAndBm25TextsRoundTripAndSearchAsGrpcDoes() throws Exception {
        ok(server, "collections/create", "{\"collectionName\":\"s\",\"schema\":{\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                + "{\"fieldName\":\"text\",\"dataType\":\"VarChar\",\"elementTypeParams\":{\"max_length\":200,"
                + "\"enable_analyzer\":true,\"analyzer_params\":{\"type\":\"english\"}}},"
                + "{\"fieldName\":\"sv\",\"dataType\":\"SparseFloatVector\"},"
                + "{\"fieldName\":\"sp\",\"dataType\":\"SparseFloatVector\"}],"
                + "\"functions\":[{\"name\":\"bm25\",\"type\":\"BM25\",\"inputFieldNames\":[\"text\"],"
                + "\"outputFieldNames\":[\"sp\"],\"params\":{}}]}}");
        JsonNode described = ok(server, "collections/describe", "{\"collectionName\":\"s\"}");
        assertThat(described.at("/functions/0/type").asText()).isEqualTo("BM25");
        assertThat(described.at("/functions/0/outputFieldNames").toString()).isEqualTo("[\"sp\"]");

        // Both of Milvus's sparse shapes; the second row's keys are out of order, as JSON objects may be.
        ok(server, "entities/insert", "{\"collectionName\":\"s\",\"data\":["
                + "{\"id\":1,\"text\":\"How to cook rice\",\"sv\":{\"1\":0.5,\"7\":0.25}},"
                + "{\"id\":2,\"text\":\"Cooking pasta and rice, rice, rice\",\"sv\":{\"9\":1.0,\"1\":0.125}},"
                + "{\"id\":3,\"text\":\"The weather today\",\"sv\":{\"indices\":[3,7],\"values\":[2.0,0.75]}}]}");
        ok(server, "indexes/create", "{\"collectionName\":\"s\",\"indexParams\":["
                + "{\"fieldName\":\"sv\",\"indexName\":\"sv\",\"indexType\":\"SPARSE_INVERTED_INDEX\","
                + "\"metricType\":\"IP\",\"params\":{\"inverted_index_algo\":\"DAAT_MAXSCORE\"}},"
                + "{\"fieldName\":\"sp\",\"indexName\":\"sp\",\"indexType\":\"SPARSE_WAND\",\"metricType\":\"BM25\"}]}");
        ok(server, "collections/load", "{\"collectionName\":\"s\"}");

        JsonNode rows = ok(server, "entities/query", "{\"collectionName\":\"s\",\"filter\":\"id > 0\","
                + "\"outputFields\":[\"id\",\"sv\"]}");
        assertThat(byId(rows, 1).get("sv").toString()).isEqualTo("{\"1\":0.5,\"7\":0.25}");
        assertThat(byId(rows, 2).get("sv").toString()).isEqualTo("{\"1\":0.125,\"9\":1.0}");
        assertThat(byId(rows, 3).get("sv").toString()).isEqualTo("{\"3\":2.0,\"7\":0.75}");
        assertThat(ok(server, "entities/get", "{\"collectionName\":\"s\",\"id\":[3],\"outputFields\":[\"sv\"]}")
                .at("/0/sv").toString()).isEqualTo("{\"3\":2.0,\"7\":0.75}");

        JsonNode sparseHits = ok(server, "entities/search", "{\"collectionName\":\"s\",\"annsField\":\"sv\","
                + "\"data\":[{\"7\":1.0,\"1\":2.0}],\"limit\":3}");
        assertSameHits(sparseHits, grpcSearch("s", "sv", PlaceholderType.SparseFloatVector,
                List.of(sparseBytes(new long[] {1, 7}, new float[] {2f, 1f})), 3));
        assertThat(sparseHits).hasSize(3);

        JsonNode textHits = ok(server, "entities/search", "{\"collectionName\":\"s\",\"annsField\":\"sp\","
                + "\"data\":[\"rice\"],\"limit\":3,\"outputFields\":[\"text\"]}");
        assertSameHits(textHits, grpcSearch("s", "sp", PlaceholderType.VarChar,
                List.of(ByteString.copyFromUtf8("rice")), 3));
        assertThat(textHits.get(0).get("id").asLong()).isEqualTo(2);
        assertThat(textHits).hasSize(2);

        JsonNode hybrid = ok(server, "entities/hybrid_search", "{\"collectionName\":\"s\",\"search\":["
                + "{\"data\":[{\"3\":1.0}],\"annsField\":\"sv\",\"limit\":3},"
                + "{\"data\":[\"cook rice\"],\"annsField\":\"sp\",\"limit\":3}],"
                + "\"rerank\":{\"strategy\":\"rrf\",\"params\":{\"k\":60}},\"limit\":3}");
        assertThat(hybrid).hasSize(3);

        Reply raw = post(server, "entities/query", ROOT, "{\"collectionName\":\"s\",\"filter\":\"id > 0\","
                + "\"outputFields\":[\"sp\"]}");
        assertThat(raw.code()).isNotZero();
        assertThat(raw.body().get("message").asText()).contains("not allowed to retrieve raw data of field sp");
    }

    @Test
    void binaryVectorsRoundTripAsBase64AndSearchAsGrpcDoes() throws Exception {
        ok(server, "collections/create", "{\"collectionName\":\"b\",\"schema\":{\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                + "{\"fieldName\":\"h\",\"dataType\":\"BinaryVector\",\"elementTypeParams\":{\"dim\":16}},"
                + "{\"fieldName\":\"j\",\"dataType\":\"BinaryVector\",\"elementTypeParams\":{\"dim\":16}}]}}");
        byte[][] rows = {{(byte) 0xF0, 0x0F}, {(byte) 0xFF, 0x00}, {0x01, (byte) 0x80}, {0x0F, (byte) 0xF0}};
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            // Alternately the byte array and the base64 form, each accepted for either field.
            String asArray = "[" + (rows[i][0] & 0xFF) + "," + (rows[i][1] & 0xFF) + "]";
            String asBase64 = "\"" + base64(rows[i]) + "\"";
            data.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"h\":")
                    .append(i % 2 == 0 ? asArray : asBase64).append(",\"j\":")
                    .append(i % 2 == 0 ? asBase64 : asArray).append('}');
        }
        ok(server, "entities/insert", "{\"collectionName\":\"b\",\"data\":[" + data + "]}");
        ok(server, "indexes/create", "{\"collectionName\":\"b\",\"indexParams\":["
                + "{\"fieldName\":\"h\",\"indexName\":\"h\",\"indexType\":\"BIN_FLAT\",\"metricType\":\"HAMMING\"},"
                + "{\"fieldName\":\"j\",\"indexName\":\"j\",\"indexType\":\"BIN_IVF_FLAT\",\"metricType\":\"JACCARD\","
                + "\"params\":{\"nlist\":2}}]}");
        ok(server, "collections/load", "{\"collectionName\":\"b\"}");

        JsonNode read = ok(server, "entities/query", "{\"collectionName\":\"b\",\"filter\":\"id > 0\","
                + "\"outputFields\":[\"id\",\"h\",\"j\"]}");
        for (int i = 0; i < rows.length; i++) {
            assertThat(byId(read, i + 1).get("h").asText()).isEqualTo(base64(rows[i]));
            assertThat(byId(read, i + 1).get("j").asText()).isEqualTo(base64(rows[i]));
        }
        // An upsert replaces a row's vectors: it reads back (and is found) with the new bytes.
        ok(server, "entities/upsert", "{\"collectionName\":\"b\",\"data\":[{\"id\":4,\"h\":[170,85],"
                + "\"j\":\"qlU=\"}]}");
        rows[3] = new byte[] {(byte) 170, 85};
        JsonNode upserted = ok(server, "entities/get", "{\"collectionName\":\"b\",\"id\":[4],"
                + "\"outputFields\":[\"h\",\"j\"]}");
        assertThat(upserted.at("/0/h").asText()).isEqualTo(base64(rows[3])).isEqualTo("qlU=");
        assertThat(upserted.at("/0/j").asText()).isEqualTo("qlU=");

        byte[] query = {(byte) 0xF0, 0x00};
        JsonNode hamming = ok(server, "entities/search", "{\"collectionName\":\"b\",\"annsField\":\"h\","
                + "\"data\":[[240,0]],\"limit\":4,\"outputFields\":[\"h\"]}");
        assertSameHits(hamming, grpcSearch("b", "h", PlaceholderType.BinaryVector,
                List.of(ByteString.copyFrom(query)), 4));
        assertThat(hamming.get(0).get("h").asText()).isEqualTo(base64(rows[0]));
        JsonNode jaccard = ok(server, "entities/search", "{\"collectionName\":\"b\",\"annsField\":\"j\","
                + "\"data\":[\"" + base64(query) + "\"],\"limit\":4,\"searchParams\":{\"params\":{\"nprobe\":2}}}");
        assertSameHits(jaccard, grpcSearch("b", "j", PlaceholderType.BinaryVector,
                List.of(ByteString.copyFrom(query)), 4));
    }

    @Test
    void halfAndInt8VectorsRoundTripAndSearchAsGrpcDoes() throws Exception {
        ok(server, "collections/create", "{\"collectionName\":\"v\",\"schema\":{\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                + "{\"fieldName\":\"f16\",\"dataType\":\"Float16Vector\",\"elementTypeParams\":{\"dim\":4}},"
                + "{\"fieldName\":\"bf16\",\"dataType\":\"BFloat16Vector\",\"elementTypeParams\":{\"dim\":4}},"
                + "{\"fieldName\":\"i8\",\"dataType\":\"Int8Vector\",\"elementTypeParams\":{\"dim\":4}}]},"
                + "\"indexParams\":[{\"fieldName\":\"f16\",\"indexType\":\"FLAT\",\"metricType\":\"L2\"},"
                + "{\"fieldName\":\"bf16\",\"indexType\":\"FLAT\",\"metricType\":\"IP\"},"
                + "{\"fieldName\":\"i8\",\"indexType\":\"HNSW\",\"metricType\":\"L2\","
                + "\"params\":{\"M\":8,\"efConstruction\":32}}]}");
        float[][] floats = {{0.5f, -1f, 2f, 0.25f}, {1.5f, 0f, -0.75f, 3f}, {-2f, 0.125f, 1f, -1f}};
        int[][] ints = {{1, -2, 3, -128}, {127, 0, -5, 9}, {-7, 8, 100, -100}};
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < floats.length; i++) {
            // Row 0 gives the half-width vectors as numbers, the others as base64 of their bytes.
            String f16 = i == 0 ? numbers(floats[i]) : "\"" + base64(half(floats[i], true)) + "\"";
            String bf16 = i == 0 ? numbers(floats[i]) : "\"" + base64(half(floats[i], false)) + "\"";
            data.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"f16\":").append(f16)
                    .append(",\"bf16\":").append(bf16).append(",\"i8\":").append(numbers(ints[i])).append('}');
        }
        ok(server, "entities/insert", "{\"collectionName\":\"v\",\"data\":[" + data + "]}");

        JsonNode read = ok(server, "entities/query", "{\"collectionName\":\"v\",\"filter\":\"id > 0\","
                + "\"outputFields\":[\"f16\",\"bf16\",\"i8\"]}");
        for (int i = 0; i < floats.length; i++) {
            JsonNode row = byId(read, i + 1);
            assertThat(row.get("f16").asText()).isEqualTo(base64(half(floats[i], true)));
            assertThat(row.get("bf16").asText()).isEqualTo(base64(half(floats[i], false)));
            assertThat(row.get("i8").toString()).isEqualTo(numbers(ints[i]));
        }

        float[] q = {1f, 0f, -1f, 2f};
        // Integral numbers, then a fraction (read as a float query without the schema), then base64.
        for (String f16Query : List.of(numbers(q), "[1.0,0.5,-1,2]", "\"" + base64(half(q, true)) + "\"")) {
            JsonNode hits = ok(server, "entities/search", "{\"collectionName\":\"v\",\"annsField\":\"f16\","
                    + "\"data\":[" + f16Query + "],\"limit\":3}");
            float[] sent = f16Query.contains("0.5") ? new float[] {1f, 0.5f, -1f, 2f} : q;
            assertSameHits(hits, grpcSearch("v", "f16", PlaceholderType.Float16Vector,
                    List.of(ByteString.copyFrom(half(sent, true))), 3));
        }
        assertSameHits(ok(server, "entities/search", "{\"collectionName\":\"v\",\"annsField\":\"bf16\","
                        + "\"data\":[" + numbers(q) + "],\"limit\":3}"),
                grpcSearch("v", "bf16", PlaceholderType.BFloat16Vector, List.of(ByteString.copyFrom(half(q, false))),
                        3));
        byte[] i8Query = {5, -3, 90, -60};
        assertSameHits(ok(server, "entities/search", "{\"collectionName\":\"v\",\"annsField\":\"i8\","
                        + "\"data\":[[5,-3,90,-60]],\"limit\":3,\"outputFields\":[\"i8\"]}"),
                grpcSearch("v", "i8", PlaceholderType.Int8Vector, List.of(ByteString.copyFrom(i8Query)), 3));
    }

    @Test
    void shapesThatDoNotFitAreRefusedAndInsertNothing() throws Exception {
        ok(server, "collections/create", "{\"collectionName\":\"x\",\"schema\":{\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true},"
                + "{\"fieldName\":\"b\",\"dataType\":\"BinaryVector\",\"elementTypeParams\":{\"dim\":16}},"
                + "{\"fieldName\":\"f16\",\"dataType\":\"Float16Vector\",\"elementTypeParams\":{\"dim\":2}},"
                + "{\"fieldName\":\"i8\",\"dataType\":\"Int8Vector\",\"elementTypeParams\":{\"dim\":2}},"
                + "{\"fieldName\":\"sv\",\"dataType\":\"SparseFloatVector\"}]}}");
        String good = "{\"id\":1,\"b\":[1,2],\"f16\":[0.5,1],\"i8\":[1,2],\"sv\":{\"1\":1.0}}";
        String[][] bad = {
            {"\"b\":[1,2,3]", "must be an array of 2 bytes"},
            {"\"b\":[1,256]", "must be an array of 2 bytes"},
            {"\"b\":\"AQID\"", "must hold 2 bytes"},
            {"\"b\":\"%%%\"", "is not valid base64"},
            {"\"f16\":[1]", "must be an array of 2 numbers"},
            {"\"f16\":[1,\"x\"]", "must be an array of numbers"},
            {"\"i8\":[1,128]", "integers (-128..127)"},
            {"\"i8\":\"AQI=\"", "integers (-128..127)"},
            {"\"sv\":[1,2]", "must be a sparse vector"},
            {"\"sv\":{\"a\":1}", "is not an index"},
            {"\"sv\":{\"-1\":1}", "outside uint32"},
            {"\"sv\":{\"indices\":[1],\"values\":[1,2]}", "same length"},
            {"\"sv\":{\"1\":\"x\"}", "not a number"},
        };
        for (String[] c : bad) {
            String field = c[0].substring(1, c[0].indexOf('"', 1));
            String row = good.replaceFirst("\"" + field + "\":(\\[[^\\]]*\\]|\\{[^}]*\\}|\"[^\"]*\")", c[0]);
            Reply reply = post(server, "entities/insert", ROOT, "{\"collectionName\":\"x\",\"data\":["
                    + good.replace("\"id\":1", "\"id\":2") + "," + row + "]}");
            assertThat(reply.code()).as(row).isEqualTo(1804);
            assertThat(reply.body().get("message").asText()).as(row).contains("row 1: field " + field)
                    .contains(c[1]);
        }
        // Values the shape allows but the data does not (a negative sparse value) fail the gRPC insert itself.
        assertThat(post(server, "entities/insert", ROOT, "{\"collectionName\":\"x\",\"data\":["
                + good.replace("{\"1\":1.0}", "{\"1\":-1.0}") + "]}").code()).isNotZero();
        ok(server, "collections/flush", "{\"collectionName\":\"x\"}");
        assertThat(ok(server, "collections/get_stats", "{\"collectionName\":\"x\"}").get("rowCount").asLong())
                .isZero();

        ok(server, "entities/insert", "{\"collectionName\":\"x\",\"data\":[" + good + "]}");
        ok(server, "indexes/create", "{\"collectionName\":\"x\",\"indexParams\":["
                + "{\"fieldName\":\"b\",\"indexType\":\"BIN_FLAT\",\"metricType\":\"HAMMING\"},"
                + "{\"fieldName\":\"f16\",\"indexType\":\"FLAT\",\"metricType\":\"L2\"},"
                + "{\"fieldName\":\"i8\",\"indexType\":\"FLAT\",\"metricType\":\"L2\"},"
                + "{\"fieldName\":\"sv\",\"indexType\":\"SPARSE_INVERTED_INDEX\",\"metricType\":\"IP\"}]}");
        ok(server, "collections/load", "{\"collectionName\":\"x\"}");
        String[][] badQueries = {
            {"b", "[[1,2,3]]", "query vector 0 must be an array of 2 bytes"},
            {"i8", "[[1,2],[3]]", "query vector 1 must be an array of 2 integers"},
            {"sv", "[{\"x\":1}]", "query vector 0 has key \"x\""},
            {"sv", "[\"text\"]", "BM25"},
        };
        for (String[] c : badQueries) {
            Reply reply = post(server, "entities/search", ROOT, "{\"collectionName\":\"x\",\"annsField\":\"" + c[0]
                    + "\",\"data\":" + c[1] + ",\"limit\":1}");
            assertThat(reply.code()).as(c[1]).isNotZero();
            assertThat(reply.body().get("message").asText()).as(c[1]).contains(c[2]);
        }
    }

    // ------------------------------------------------------------------ helpers

    private SearchResults grpcSearch(String collection, String field, PlaceholderType type, List<ByteString> values,
                                     int limit) {
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0").setType(type);
        values.forEach(value::addValues);
        SearchResults results = stub.search(SearchRequest.newBuilder().setCollectionName(collection)
                .setPlaceholderGroup(PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString())
                .setNq(1).addSearchParams(pair("anns_field", field)).addSearchParams(pair("topk",
                        Integer.toString(limit))).build());
        assertThat(results.getStatus().getCode()).as(results.getStatus().getReason()).isZero();
        return results;
    }

    private static void assertSameHits(JsonNode rest, SearchResults grpc) {
        List<Long> restIds = new ArrayList<>();
        List<Float> restScores = new ArrayList<>();
        rest.forEach(hit -> {
            restIds.add(hit.get("id").asLong());
            restScores.add((float) hit.get("distance").asDouble());
        });
        assertThat(restIds).isNotEmpty().isEqualTo(grpc.getResults().getIds().getIntId().getDataList());
        assertThat(restScores).isEqualTo(grpc.getResults().getScoresList());
    }

    private static JsonNode byId(JsonNode rows, long id) {
        for (JsonNode row : rows) {
            if (row.get("id").asLong() == id) {
                return row;
            }
        }
        throw new AssertionError("no row " + id + " in " + rows);
    }

    private static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String numbers(float[] values) throws Exception {
        return JSON.writeValueAsString(values);
    }

    private static String numbers(int[] values) throws Exception {
        return JSON.writeValueAsString(values);
    }

    /** Little-endian float16 (round to nearest) or bfloat16 (truncated) bytes of exactly representable values. */
    private static byte[] half(float[] values, boolean float16) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            out.putShort(float16 ? dev.vectorvault.index.VectorEncoding.floatToHalf(x)
                    : (short) (Float.floatToRawIntBits(x) >>> 16));
        }
        return out.array();
    }

    private static ByteString sparseBytes(long[] indices, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(indices.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < indices.length; i++) {
            out.putInt((int) indices[i]).putFloat(values[i]);
        }
        return ByteString.copyFrom(out.array());
    }
}
