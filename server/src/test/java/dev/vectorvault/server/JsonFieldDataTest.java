package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.ScalarField;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON columns as clients send them: an empty entry stands for a null row, and only there. */
class JsonFieldDataTest {
    private static final FieldSchema NULLABLE = new FieldSchema(101, "doc", "", DataType.JSON, false, false, 0, 0,
            null, 0, true, null, false, false);
    private static final FieldSchema REQUIRED = new FieldSchema(102, "doc", "", DataType.JSON, false, false, 0, 0,
            null, 0, false, null, false, false);

    private static FieldData column(List<Boolean> valid, String... values) {
        JSONArray.Builder json = JSONArray.newBuilder();
        Arrays.stream(values).forEach(v -> json.addData(ByteString.copyFrom(v, StandardCharsets.UTF_8)));
        return FieldData.newBuilder().setFieldName("doc").setType(io.milvus.grpc.DataType.JSON)
                .setScalars(ScalarField.newBuilder().setJsonData(json)).addAllValidData(valid).build();
    }

    @Test
    void anEmptyEntryInANullRowReadsAsNull() {
        List<Object> rows = FieldDataCodec.decode(column(List.of(true, false, true), "{\"a\":1}", "", "[2]"),
                NULLABLE, 3);
        assertThat(rows).containsExactly(Map.of("a", 1L), null, List.of(2L));
    }

    @Test
    void anEmptyEntryInAValidRowOrWithoutValidDataIsRefused() {
        assertThatThrownBy(() -> FieldDataCodec.decode(column(List.of(true, true), "{}", ""), NULLABLE, 2))
                .isInstanceOf(MilvusException.class).hasMessageContaining("invalid JSON value of field doc in row 1");
        assertThatThrownBy(() -> FieldDataCodec.decode(column(List.of(), "{}", ""), REQUIRED, 2))
                .isInstanceOf(MilvusException.class).hasMessageContaining("invalid JSON value of field doc: empty");
    }
}
