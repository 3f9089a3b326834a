package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.TemplateArrayValue;
import io.milvus.grpc.TemplateValue;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 4, from the wire: a filter past a limit is answered with 1100 (PARAMETER_INVALID) and a message
 * naming the limit, and a 100,000-term flat chain, which used to end in StackOverflowError and UNKNOWN, is evaluated.
 */
@Timeout(120)
class FilterLimitsEndpointTest {
    @TempDir
    Path dir;

    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, Map.of("proxy.maxExpressionListSize", "1000"));
        stub = MilvusServiceGrpc.newBlockingStub(server.channel());
        CollectionSchema schema = CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("2")))
                .build();
        assertThat(stub.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()).getCode()).isZero();
        MutationResult inserted = stub.insert(InsertRequest.newBuilder().setCollectionName("c").setNumRows(2)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(1).addData(2))))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(2).setFloatVector(
                                FloatArray.newBuilder().addData(0).addData(1).addData(1).addData(0))))
                .build());
        assertThat(inserted.getStatus().getCode()).isZero();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MutationResult delete(String expr, Map<String, TemplateValue> templates) {
        return stub.delete(DeleteRequest.newBuilder().setCollectionName("c").setExpr(expr)
                .putAllExprTemplateValues(templates).build());
    }

    @Test
    void aHundredThousandTermChainIsEvaluatedNotCrashed() {
        String chain = "id" + " + 1".repeat(100_000) + " == 100002";
        MutationResult result = delete(chain, Map.of());
        assertThat(result.getStatus().getCode()).as(result.getStatus().getReason()).isZero();
        assertThat(result.getDeleteCnt()).isEqualTo(1); // id 2
    }

    @Test
    void aTooLongListOrTemplateListIsParameterInvalid() {
        String list = "id in [" + "7, ".repeat(1_000) + "7]";
        MutationResult literal = delete(list, Map.of());
        assertThat(literal.getStatus().getCode()).isEqualTo(1100);
        assertThat(literal.getStatus().getReason()).contains("the list has 1001 elements, more than the limit of 1000");

        TemplateArrayValue.Builder ids = TemplateArrayValue.newBuilder();
        ids.getLongDataBuilder().addAllData(LongStream.range(0, 200_000).boxed().toList());
        MutationResult template = delete("id in {ids}",
                Map.of("ids", TemplateValue.newBuilder().setArrayVal(ids).build()));
        assertThat(template.getStatus().getCode()).isEqualTo(1100);
        assertThat(template.getStatus().getReason())
                .contains("template variable {ids}: the list has 200000 elements, more than the limit of 1000");
    }

    @Test
    void tooDeepOrTooLongFiltersAreParameterInvalid() {
        MutationResult deep = delete("(".repeat(5_000) + "id > 0" + ")".repeat(5_000), Map.of());
        assertThat(deep.getStatus().getCode()).isEqualTo(1100);
        assertThat(deep.getStatus().getReason()).contains("expression is nested more than 100 levels deep");

        MutationResult tooLong = delete("id > 0 or " + "id > 0 or ".repeat(110_000) + "id > 0", Map.of());
        assertThat(tooLong.getStatus().getCode()).isEqualTo(1100);
        assertThat(tooLong.getStatus().getReason()).contains("more than the limit of 1048576");
    }
}
