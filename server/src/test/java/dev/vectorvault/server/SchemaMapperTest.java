package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.StructArrayFieldSchema;
import org.junit.jupiter.api.Test;

/** Schema parts this server does not build are refused by name, never created without them. */
class SchemaMapperTest {

    private static CollectionSchema.Builder plain() {
        return CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("4")));
    }

    @Test
    void aPlainSchemaMapsToTheCatalogsFields() {
        assertThat(SchemaMapper.fromProto(plain().build()).fields())
                .extracting(dev.vectorvault.catalog.FieldSchema::name).containsExactly("id", "v");
    }

    @Test
    void arrayOfStructFieldsAreRefusedByName() {
        CollectionSchema schema = plain().addStructArrayFields(StructArrayFieldSchema.newBuilder().setName("clips")
                .addFields(FieldSchema.newBuilder().setName("t").setDataType(DataType.Array)
                        .setElementType(DataType.Int32))).build();
        assertThatThrownBy(() -> SchemaMapper.fromProto(schema)).isInstanceOfSatisfying(MilvusException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
            assertThat(e.getMessage()).contains("array of struct fields (clips) are not supported");
        });
    }

    @Test
    void aNamespaceCollectionIsRefused() {
        assertThatThrownBy(() -> SchemaMapper.fromProto(plain().setEnableNamespace(true).build()))
                .isInstanceOf(MilvusException.class).hasMessageContaining("enable_namespace is not supported");
    }

    @Test
    void perRowAnalyzersAreRefusedNamingTheField() {
        CollectionSchema schema = plain().addFields(FieldSchema.newBuilder().setName("text")
                .setDataType(DataType.VarChar)
                .addTypeParams(KeyValuePair.newBuilder().setKey("max_length").setValue("100"))
                .addTypeParams(KeyValuePair.newBuilder().setKey("enable_analyzer").setValue("true"))
                .addTypeParams(KeyValuePair.newBuilder().setKey("multi_analyzer_params")
                        .setValue("{\"by_field\":\"lang\",\"analyzers\":{\"default\":{\"type\":\"standard\"}}}")))
                .build();
        assertThatThrownBy(() -> SchemaMapper.fromProto(schema)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("multi_analyzer_params of field text is not supported");
    }

    @Test
    void aClusteringKeyIsRefusedNotDropped() {
        CollectionSchema schema = plain().addFields(FieldSchema.newBuilder().setName("k").setDataType(DataType.Int64)
                .setIsClusteringKey(true)).build();
        assertThatThrownBy(() -> SchemaMapper.fromProto(schema)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("field k: is_clustering_key is not supported");
    }
}
