package dev.vectorvault.server;

import static dev.vectorvault.server.RestRoutes.done;
import static dev.vectorvault.server.RestRoutes.properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectorvault.common.ErrorCode;
import io.milvus.grpc.AddCollectionFieldRequest;
import io.milvus.grpc.AddCollectionFunctionRequest;
import io.milvus.grpc.AlterCollectionFieldRequest;
import io.milvus.grpc.AlterCollectionFunctionRequest;
import io.milvus.grpc.AlterCollectionRequest;
import io.milvus.grpc.AlterDatabaseRequest;
import io.milvus.grpc.AlterIndexRequest;
import io.milvus.grpc.AlterRoleRequest;
import io.milvus.grpc.DropCollectionFunctionRequest;
import java.util.List;
import java.util.Map;

/**
 * REST v2 routes that change an object that exists: set or drop the properties of a collection, a field, a database
 * or an index; add a field; add, alter or drop a collection function; change a role's description. Each is the one
 * gRPC call Milvus 2.6's handler makes (AlterCollection, AlterCollectionField, AlterDatabase, AlterIndex,
 * AddCollectionField, Add/Alter/DropCollectionFunction, AlterRole), so privileges, checks and refusals are that
 * call's. Bodies as Milvus's: {@code properties} (an object; values become text), {@code propertyKeys} (names to drop),
 * {@code fieldParams}, {@code schema} (one field, as in collections/create), {@code function}; every answer is
 * {@code {}}.
 */
final class RestAlterRoutes {
    private RestAlterRoutes() {}

    static void register(Map<String, RestApi.Route> routes) {
        routes.put("collections/alter_properties", call -> done(call.rpc().alterCollection(
                AlterCollectionRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName"))
                        .addAllProperties(properties(call.body.get("properties"))).build())));
        routes.put("collections/drop_properties", call -> done(call.rpc().alterCollection(
                AlterCollectionRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName"))
                        .addAllDeleteKeys(propertyKeys(call)).build())));
        routes.put("collections/fields/alter_properties", call -> done(call.rpc().alterCollectionField(
                AlterCollectionFieldRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName"))
                        .setFieldName(call.required("fieldName"))
                        .addAllProperties(properties(call.body.get("fieldParams"))).build())));
        routes.put("collections/fields/add", call -> {
            String collection = call.required("collectionName");
            JsonNode field = call.body.get("schema");
            if (field == null || field.isNull()) {
                throw RestFailure.missing("schema");
            }
            if (!field.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "schema must be an object (one field)");
            }
            // The field alone: no collection-level autoID applies to a field added later.
            return done(call.rpc().addCollectionField(AddCollectionFieldRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(collection)
                    .setSchema(RestRoutes.field(field, RestApi.object()).toByteString()).build()));
        });
        routes.put("collections/add_function", call -> {
            String collection = call.required("collectionName");
            return done(call.rpc().addCollectionFunction(AddCollectionFunctionRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(collection)
                    .setFunctionSchema(RestRoutes.function(function(call), "function")).build()));
        });
        routes.put("collections/alter_function", call -> {
            String collection = call.required("collectionName");
            String name = call.required("functionName");
            return done(call.rpc().alterCollectionFunction(AlterCollectionFunctionRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(collection).setFunctionName(name)
                    .setFunctionSchema(RestRoutes.function(function(call), "function")).build()));
        });
        routes.put("collections/drop_function", call -> done(call.rpc().dropCollectionFunction(
                DropCollectionFunctionRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName"))
                        .setFunctionName(call.required("functionName")).build())));

        // As databases/alter: the database in the body is the object, the call runs in "default".
        routes.put("databases/alter_properties", call -> done(call.rpc("default").alterDatabase(
                AlterDatabaseRequest.newBuilder().setDbName(call.required("dbName"))
                        .addAllProperties(properties(call.body.get("properties"))).build())));
        routes.put("databases/drop_properties", call -> done(call.rpc("default").alterDatabase(
                AlterDatabaseRequest.newBuilder().setDbName(call.required("dbName"))
                        .addAllDeleteKeys(propertyKeys(call)).build())));

        routes.put("indexes/alter_properties", call -> done(call.rpc().alterIndex(AlterIndexRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setIndexName(call.required("indexName"))
                .addAllExtraParams(properties(call.body.get("properties"))).build())));
        routes.put("indexes/drop_properties", call -> done(call.rpc().alterIndex(AlterIndexRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setIndexName(call.required("indexName"))
                .addAllDeleteKeys(propertyKeys(call)).build())));

        routes.put("roles/alter", call -> done(call.rpc().alterRole(AlterRoleRequest.newBuilder()
                .setRoleName(call.required("roleName")).setDescription(call.text("description", "")).build())));
    }

    /** {@code propertyKeys}, a list of names (absent: none, as Milvus, whose call then changes nothing). */
    private static List<String> propertyKeys(RestApi.Call call) {
        return call.strings("propertyKeys");
    }

    private static JsonNode function(RestApi.Call call) {
        JsonNode function = call.body.get("function");
        if (function == null || function.isNull()) {
            throw RestFailure.missing("function");
        }
        return function;
    }
}
