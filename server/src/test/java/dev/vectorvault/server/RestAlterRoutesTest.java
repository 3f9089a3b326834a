package dev.vectorvault.server;

import static dev.vectorvault.server.RestCalls.ROOT;
import static dev.vectorvault.server.RestCalls.ok;
import static dev.vectorvault.server.RestCalls.post;
import static dev.vectorvault.server.RestCalls.serverWithAuth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.server.RestCalls.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST v2 routes that change what exists (Milvus 2.6's alter/drop properties, fields/add, functions, roles/alter), on a
 * real server: each is its gRPC call, so the change shows in describe, and the call's refusals and privilege checks
 * reach the envelope.
 */
@Timeout(120)
class RestAlterRoutesTest {
    @TempDir
    Path dir;

    /** A server with authentication on and a quick-setup collection {@code c} (its index is named "vector"). */
    private LoopbackServer serverWithCollection() throws Exception {
        LoopbackServer server = serverWithAuth(dir);
        try {
            ok(server, "collections/create", "{\"collectionName\":\"c\",\"dimension\":2}");
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private static JsonNode property(JsonNode properties, String key) {
        for (JsonNode p : properties) {
            if (p.get("key").asText().equals(key)) {
                return p.get("value");
            }
        }
        return null;
    }

    private static JsonNode field(JsonNode describe, String name) {
        for (JsonNode f : describe.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void collectionPropertiesAreSetAndDroppedAndShowInDescribe() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            ok(server, "collections/alter_properties",
                    "{\"collectionName\":\"c\",\"properties\":{\"collection.ttl.seconds\":3600}}");
            JsonNode described = ok(server, "collections/describe", "{\"collectionName\":\"c\"}");
            assertThat(property(described.get("properties"), "collection.ttl.seconds").asText()).isEqualTo("3600");

            ok(server, "collections/drop_properties",
                    "{\"collectionName\":\"c\",\"propertyKeys\":[\"collection.ttl.seconds\"]}");
            described = ok(server, "collections/describe", "{\"collectionName\":\"c\"}");
            assertThat(property(described.get("properties"), "collection.ttl.seconds")).isNull();

            Reply missing = post(server, "collections/alter_properties", ROOT, "{\"properties\":{}}");
            assertThat(missing.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
            Reply notAList = post(server, "collections/drop_properties", ROOT,
                    "{\"collectionName\":\"c\",\"propertyKeys\":{\"a\":1}}");
            assertThat(notAList.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
        }
    }

    @Test
    void aFieldAddedThroughRestIsNullableInDescribeAndItsMaxLengthCanBeRaised() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            ok(server, "collections/fields/add", "{\"collectionName\":\"c\",\"schema\":{\"fieldName\":\"note\","
                    + "\"dataType\":\"VarChar\",\"nullable\":true,\"elementTypeParams\":{\"max_length\":64}}}");
            JsonNode note = field(ok(server, "collections/describe", "{\"collectionName\":\"c\"}"), "note");
            assertThat(note).isNotNull();
            assertThat(note.get("nullable").asBoolean()).isTrue();
            assertThat(property(note.get("params"), "max_length").asText()).isEqualTo("64");

            ok(server, "collections/fields/alter_properties",
                    "{\"collectionName\":\"c\",\"fieldName\":\"note\",\"fieldParams\":{\"max_length\":128}}");
            note = field(ok(server, "collections/describe", "{\"collectionName\":\"c\"}"), "note");
            assertThat(property(note.get("params"), "max_length").asText()).isEqualTo("128");
        }
    }

    @Test
    void addingAFieldTheGrpcCallRefusesCarriesItsErrorAndAClusteringKeyIsRefusedNotIgnored() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            // Milvus 2.6 adds only nullable fields to a collection that exists.
            Reply notNullable = post(server, "collections/fields/add", ROOT, "{\"collectionName\":\"c\","
                    + "\"schema\":{\"fieldName\":\"n\",\"dataType\":\"Int64\"}}");
            assertThat(notNullable.code()).as(notNullable.body().toString()).isNotZero();
            assertThat(field(ok(server, "collections/describe", "{\"collectionName\":\"c\"}"), "n")).isNull();

            Reply clustering = post(server, "collections/fields/add", ROOT, "{\"collectionName\":\"c\",\"schema\":"
                    + "{\"fieldName\":\"k\",\"dataType\":\"Int64\",\"nullable\":true,\"isClusteringKey\":true}}");
            assertThat(clustering.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
            assertThat(clustering.body().get("message").asText()).contains("isClusteringKey");

            Reply noSchema = post(server, "collections/fields/add", ROOT, "{\"collectionName\":\"c\"}");
            assertThat(noSchema.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
            assertThat(noSchema.body().get("message").asText()).contains("schema");
        }
    }

    @Test
    void functionRoutesCarryTheRefusalsOfTheirGrpcCalls() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            Reply added = post(server, "collections/add_function", ROOT, "{\"collectionName\":\"c\",\"function\":"
                    + "{\"name\":\"bm\",\"type\":\"BM25\",\"inputFieldNames\":[\"t\"],\"outputFieldNames\":[\"s\"]}}");
            assertThat(added.code()).isNotZero();
            assertThat(added.body().get("message").asText()).contains("does not support adding BM25 function");

            Reply altered = post(server, "collections/alter_function", ROOT, "{\"collectionName\":\"c\","
                    + "\"functionName\":\"other\",\"function\":{\"name\":\"bm\",\"type\":\"TextEmbedding\","
                    + "\"inputFieldNames\":[\"t\"],\"outputFieldNames\":[\"s\"]}}");
            assertThat(altered.body().get("message").asText()).contains("name not match");

            // Dropping a function the collection lacks succeeds, as Milvus's call does.
            ok(server, "collections/drop_function", "{\"collectionName\":\"c\",\"functionName\":\"absent\"}");
            Reply noFunction = post(server, "collections/add_function", ROOT, "{\"collectionName\":\"c\"}");
            assertThat(noFunction.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
        }
    }

    @Test
    void functionRefusalsNameTheBodyPathTheRouteReads() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            Reply unnamed = post(server, "collections/add_function", ROOT, "{\"collectionName\":\"c\","
                    + "\"function\":{\"type\":\"BM25\"}}");
            assertThat(unnamed.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
            assertThat(unnamed.body().get("message").asText()).contains("error: function.name and type are required");

            Reply notObject = post(server, "collections/alter_function", ROOT, "{\"collectionName\":\"c\","
                    + "\"functionName\":\"bm\",\"function\":[]}");
            assertThat(notObject.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
            assertThat(notObject.body().get("message").asText()).isEqualTo("function must be a JSON object");

            Reply inSchema = post(server, "collections/create", ROOT, "{\"collectionName\":\"f\",\"schema\":{"
                    + "\"fields\":[{\"fieldName\":\"id\",\"dataType\":\"Int64\",\"isPrimary\":true}],"
                    + "\"functions\":[{\"type\":\"BM25\"}]}}");
            assertThat(inSchema.body().get("message").asText())
                    .contains("error: schema.functions[].name and type are required");
        }
    }

    @Test
    void databasePropertiesAreSetAndDroppedAndIndexPropertiesAreRefusedByAlterIndex() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            ok(server, "databases/create", "{\"dbName\":\"d\"}");
            ok(server, "databases/alter_properties",
                    "{\"dbName\":\"d\",\"properties\":{\"database.max.collections\":7}}");
            JsonNode db = ok(server, "databases/describe", "{\"dbName\":\"d\"}");
            assertThat(property(db.get("properties"), "database.max.collections").asText()).isEqualTo("7");
            ok(server, "databases/drop_properties",
                    "{\"dbName\":\"d\",\"propertyKeys\":[\"database.max.collections\"]}");
            db = ok(server, "databases/describe", "{\"dbName\":\"d\"}");
            assertThat(property(db.get("properties"), "database.max.collections")).isNull();

            Reply mmap = post(server, "indexes/alter_properties", ROOT, "{\"collectionName\":\"c\","
                    + "\"indexName\":\"vector\",\"properties\":{\"mmap.enabled\":true}}");
            assertThat(mmap.code()).isEqualTo(ErrorCode.PARAMETER_INVALID.code());
            assertThat(mmap.body().get("message").asText()).contains("mmap.enabled");
            Reply nothing = post(server, "indexes/drop_properties", ROOT,
                    "{\"collectionName\":\"c\",\"indexName\":\"vector\"}");
            assertThat(nothing.body().get("message").asText()).contains("no params or delete keys");
            Reply noIndex = post(server, "indexes/drop_properties", ROOT,
                    "{\"collectionName\":\"c\",\"indexName\":\"absent\",\"propertyKeys\":[\"mmap.enabled\"]}");
            assertThat(noIndex.code()).isEqualTo(ErrorCode.INDEX_NOT_FOUND.code());
        }
    }

    @Test
    void aUserWithoutThePrivilegeIsRefused403AndNothingChanges() throws Exception {
        try (LoopbackServer server = serverWithCollection()) {
            ok(server, "users/create", "{\"userName\":\"reader\",\"password\":\"reader-secret\"}");
            Reply denied = post(server, "collections/alter_properties", "Bearer reader:reader-secret",
                    "{\"collectionName\":\"c\",\"properties\":{\"collection.ttl.seconds\":60}}");
            assertThat(denied.status()).as(denied.body().toString()).isEqualTo(403);
            assertThat(denied.body().get("message").asText()).contains("permission deny to reader");
            JsonNode described = ok(server, "collections/describe", "{\"collectionName\":\"c\"}");
            assertThat(property(described.get("properties"), "collection.ttl.seconds")).isNull();

            Reply roleDenied = post(server, "roles/alter", "Bearer reader:reader-secret",
                    "{\"roleName\":\"public\",\"description\":\"x\"}");
            assertThat(roleDenied.status()).isEqualTo(403);
        }
    }

    @Test
    void roleDescriptionIsAlteredByRootAndAnUnknownRoleIsAnError() throws Exception {
        try (LoopbackServer server = serverWithAuth(dir)) {
            ok(server, "roles/create", "{\"roleName\":\"writer\"}");
            ok(server, "roles/alter", "{\"roleName\":\"writer\",\"description\":\"writes things\"}");
            Reply unknown = post(server, "roles/alter", ROOT, "{\"roleName\":\"nobody\",\"description\":\"x\"}");
            assertThat(unknown.code()).as(unknown.body().toString()).isNotZero();
            Reply missing = post(server, "roles/alter", ROOT, "{\"description\":\"x\"}");
            assertThat(missing.code()).isEqualTo(ErrorCode.MISSING_REQUIRED_PARAMETERS.code());
        }
    }
}
