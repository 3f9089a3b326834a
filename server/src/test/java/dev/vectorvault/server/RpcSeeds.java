package dev.vectorvault.server;

import static dev.vectorvault.server.RpcFuzzServer.pair;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.milvus.grpc.CreateAliasRequest;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.DslType;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.TemplateValue;
import io.milvus.grpc.UpsertRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A valid request for each RPC of the Milvus service, against the fuzz server's seed: hand-written for the calls
 * whose valid form is not obvious (search, query, writes, schema, grants), otherwise the empty request naming
 * collection {@code c} and field {@code v} where the request has such fields.
 */
final class RpcSeeds {
    private static final Map<String, Message> SEEDS = Map.of(
            "Search", SearchRequest.newBuilder().setCollectionName("c").setDslType(DslType.BoolExprV1)
                    .setDsl("id > {x}").putExprTemplateValues("x", TemplateValue.newBuilder().setInt64Val(0).build())
                    .setPlaceholderGroup(RpcFuzzServer.seedPlaceholders().toByteString()).setNq(2)
                    .addOutputFields("n").addOutputFields("s")
                    .addSearchParams(pair("anns_field", "v")).addSearchParams(pair("metric_type", "L2"))
                    .addSearchParams(pair("topk", "3")).addSearchParams(pair("params", "{}")).build(),
            "Query", QueryRequest.newBuilder().setCollectionName("c").setExpr("n == 1 or s like \"a%\"")
                    .addOutputFields("id").addOutputFields("j").addOutputFields("v").build(),
            "Insert", RpcFuzzServer.seedInsert().build(),
            "Upsert", UpsertRequest.newBuilder().setCollectionName("c").setNumRows(5)
                    .addAllFieldsData(RpcFuzzServer.seedInsert().getFieldsDataList()).build(),
            "Delete", DeleteRequest.newBuilder().setCollectionName("c").setExpr("id in [1, 2]").build(),
            "CreateCollection", CreateCollectionRequest.newBuilder().setCollectionName("c2")
                    .setSchema(RpcFuzzServer.seedSchema().toBuilder().setName("c2").build().toByteString())
                    .setShardsNum(1).build(),
            "CreateIndex", CreateIndexRequest.newBuilder().setCollectionName("c").setFieldName("s")
                    .setIndexName("s_idx").addExtraParams(pair("index_type", "INVERTED")).build(),
            "CreateCredential", CreateCredentialRequest.newBuilder().setUsername("u2")
                    .setPassword(Base64.getEncoder().encodeToString("Other_Secret_1".getBytes(StandardCharsets.UTF_8)))
                    .build(),
            "CreateAlias", CreateAliasRequest.newBuilder().setCollectionName("c").setAlias("alias1").build(),
            "OperatePrivilegeV2", OperatePrivilegeV2Request.newBuilder()
                    .setRole(RoleEntity.newBuilder().setName(RpcFuzzServer.ROLE)).setGrantor(GrantorEntity.newBuilder()
                            .setPrivilege(PrivilegeEntity.newBuilder().setName("Query")))
                    .setType(OperatePrivilegeType.Grant).setDbName("default").setCollectionName("c").build());

    /** Seeds beyond the ten {@code Map.of} takes. */
    private static final Map<String, Message> MORE_SEEDS = Map.of(
            "HybridSearch", io.milvus.grpc.HybridSearchRequest.newBuilder().setCollectionName("c")
                    .addRequests(((SearchRequest) SEEDS.get("Search")).toBuilder().clearOutputFields())
                    .addRequests(((SearchRequest) SEEDS.get("Search")).toBuilder().clearOutputFields()
                            .setDsl("id < 3").clearExprTemplateValues())
                    .addRankParams(pair("strategy", "weighted"))
                    .addRankParams(pair("params", "{\"weights\":[0.6,0.4],\"norm_score\":true}"))
                    .addRankParams(pair("limit", "3")).addOutputFields("n").build());

    private RpcSeeds() {}

    static Message forMethod(MethodDescriptor<?, ?> method) {
        Message seed = SEEDS.getOrDefault(method.getBareMethodName(), MORE_SEEDS.get(method.getBareMethodName()));
        if (seed != null) {
            return seed;
        }
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
        Message.Builder builder = prototype.toBuilder();
        setIfPresent(builder, "collection_name", "c");
        setIfPresent(builder, "field_name", "v");
        return builder.build();
    }

    private static void setIfPresent(Message.Builder builder, String name, String value) {
        FieldDescriptor field = builder.getDescriptorForType().findFieldByName(name);
        if (field != null && !field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.STRING) {
            builder.setField(field, value);
        }
    }
}
