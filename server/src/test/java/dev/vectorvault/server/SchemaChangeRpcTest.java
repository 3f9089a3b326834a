package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.AddCollectionFieldRequest;
import io.milvus.grpc.AlterCollectionFieldRequest;
import io.milvus.grpc.AlterIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ValueField;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AddCollectionField, AlterCollectionField and AlterIndex on the wire, across a restart. */
@Timeout(120)
class SchemaChangeRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        open();
        SmallCollection.create(stub, 10);
    }

    /** A server over the data folder, metadata on disk too (so a restart keeps the catalog). */
    private void open() throws Exception {
        server = LoopbackServer.startOnDisk(dataDir);
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private io.milvus.grpc.Status addField(FieldSchema.Builder field) {
        return stub.addCollectionField(AddCollectionFieldRequest.newBuilder().setCollectionName("c")
                .setSchema(field.build().toByteString()).build());
    }

    private FieldData queryField(String filter, String field) {
        QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr(filter)
                .addOutputFields(field).build());
        assertThat(results.getStatus().getCode()).as(results.getStatus().getReason()).isZero();
        return results.getFieldsDataList().stream().filter(f -> f.getFieldName().equals(field)).findFirst()
                .orElseThrow();
    }

    @Test
    void anAddedFieldIsDescribedAndOldRowsReadItsDefaultOrNull() throws Exception {
        assertThat(addField(FieldSchema.newBuilder().setName("score").setDataType(DataType.Int64).setNullable(true)
                .setDefaultValue(ValueField.newBuilder().setLongData(5))).getCode()).isZero();
        assertThat(addField(FieldSchema.newBuilder().setName("tag").setDataType(DataType.VarChar).setNullable(true)
                .addTypeParams(SmallCollection.pair("max_length", "8"))).getCode()).isZero();
        io.milvus.grpc.Status refused = addField(FieldSchema.newBuilder().setName("x").setDataType(DataType.Int64));
        assertThat(refused.getCode()).isEqualTo(1100);
        assertThat(refused.getReason()).isEqualTo("added field must be nullable, please check it, field name = x:"
                + " invalid parameter");

        DescribeCollectionResponse described = stub.describeCollection(DescribeCollectionRequest.newBuilder()
                .setCollectionName("c").build());
        assertThat(described.getSchema().getVersion()).isEqualTo(2);
        assertThat(described.getSchema().getFieldsList()).extracting(FieldSchema::getName)
                .containsExactly("id", "v", "score", "tag");
        assertThat(described.getSchema().getFields(2).getNullable()).isTrue();
        assertThat(described.getSchema().getFields(2).getDefaultValue().getLongData()).isEqualTo(5);

        FieldData score = queryField("id < 3", "score");
        assertThat(score.getScalars().getLongData().getDataList()).containsExactly(5L, 5L, 5L);
        FieldData tag = queryField("tag is null", "tag");
        assertThat(tag.getValidDataList()).hasSize(10).containsOnly(false);

        assertThat(stub.alterCollectionField(AlterCollectionFieldRequest.newBuilder().setCollectionName("c")
                .setFieldName("tag").addProperties(SmallCollection.pair("max_length", "32")).build()).getCode())
                .isZero();
        stop();
        open();
        described = stub.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c").build());
        assertThat(described.getStatus().getReason()).isEmpty();
        assertThat(described.getSchema().getVersion()).isEqualTo(3);
        assertThat(described.getSchema().getFields(3).getTypeParamsList())
                .contains(SmallCollection.pair("max_length", "32"));
        assertThat(queryField("score == 5", "score").getScalars().getLongData().getDataCount()).isEqualTo(10);
    }

    @Test
    void anInsertBuiltOnASchemaFromBeforeAChangeIsToldToDescribeAgain() {
        long before = stub.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c").build())
                .getUpdateTimestamp();
        io.milvus.grpc.InsertRequest.Builder insert = io.milvus.grpc.InsertRequest.newBuilder().setCollectionName("c")
                .setNumRows(1)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(io.milvus.grpc.ScalarField.newBuilder().setLongData(
                                io.milvus.grpc.LongArray.newBuilder().addData(99))))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(io.milvus.grpc.VectorField.newBuilder().setDim(4).setFloatVector(
                                io.milvus.grpc.FloatArray.newBuilder().addData(1).addData(1).addData(1).addData(1))));
        assertThat(stub.insert(insert.setSchemaTimestamp(before).build()).getStatus().getCode())
                .as("no schema change yet").isZero();
        assertThat(addField(FieldSchema.newBuilder().setName("tag").setDataType(DataType.VarChar).setNullable(true)
                .addTypeParams(SmallCollection.pair("max_length", "8"))).getCode()).isZero();
        io.milvus.grpc.Status stale = stub.insert(insert.setSchemaTimestamp(before).build()).getStatus();
        assertThat(stale.getCode()).isEqualTo(109);
        assertThat(stale.getErrorCode()).isEqualTo(io.milvus.grpc.ErrorCode.SchemaMismatch);
        assertThat(stale.getReason()).isEqualTo("collection schema mismatch[collection=c]");
        long now = stub.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c").build())
                .getUpdateTimestamp();
        assertThat(stub.insert(insert.setSchemaTimestamp(now).build()).getStatus().getCode()).isZero();
        assertThat(stub.insert(insert.setSchemaTimestamp(0).build()).getStatus().getCode()).isZero();
    }

    @Test
    void alterIndexRefusesWhatWouldChangeNothingAndWhatMilvusDoesNotAllow() {
        io.milvus.grpc.Status mmap = stub.alterIndex(AlterIndexRequest.newBuilder().setCollectionName("c")
                .setIndexName("v").addExtraParams(SmallCollection.pair("mmap.enabled", "true")).build());
        assertThat(mmap.getCode()).isEqualTo(1100);
        assertThat(mmap.getReason()).contains("mmap.enabled").contains("not supported by this server");
        io.milvus.grpc.Status param = stub.alterIndex(AlterIndexRequest.newBuilder().setCollectionName("c")
                .setIndexName("v").addExtraParams(SmallCollection.pair("M", "8")).build());
        assertThat(param.getReason()).isEqualTo("M is not a configable index property");
        io.milvus.grpc.Status missing = stub.alterIndex(AlterIndexRequest.newBuilder().setCollectionName("c")
                .setIndexName("nope").addExtraParams(SmallCollection.pair("mmap.enabled", "true")).build());
        assertThat(missing.getCode()).isEqualTo(700);
    }
}
