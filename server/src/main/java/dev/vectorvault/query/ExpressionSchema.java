package dev.vectorvault.query;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.LoadedFields;
import dev.vectorvault.query.expr.FieldAnalyzer;
import dev.vectorvault.query.expr.FieldType;
import dev.vectorvault.query.expr.Schema;
import dev.vectorvault.query.expr.ValueType;
import dev.vectorvault.text.TextAnalyzer;
import java.util.Optional;

/** A collection schema as the filter-expression language sees it. */
final class ExpressionSchema implements Schema {
    private final CollectionSchema schema;
    private final LoadedFields loaded;

    /** {@code loaded}: the fields a filter may name (a partly loaded collection refuses the others). */
    ExpressionSchema(LoadedFields loaded) {
        this.schema = loaded.schema();
        this.loaded = loaded;
    }

    @Override
    public boolean loaded(String name) {
        return schema.field(name).map(loaded::loaded).orElse(true);
    }

    @Override
    public Optional<FieldType> field(String name) {
        return schema.field(name).map(f -> new FieldType(type(f.dataType()),
                f.dataType() == DataType.ARRAY ? type(f.elementType()) : null, f.nullable()));
    }

    @Override
    public Optional<String> dynamicField() {
        return schema.dynamicField().map(FieldSchema::name);
    }

    @Override
    public Optional<FieldAnalyzer> matchAnalyzer(String name) {
        return schema.field(name)
                .filter(f -> f.dataType() == DataType.VARCHAR && f.enableAnalyzer() && f.enableMatch())
                .map(f -> analyzer(TextAnalyzer.fromParams(f.analyzerParams())));
    }

    /** A field's analyzer as the filter language reads it: token strings and positions. */
    static FieldAnalyzer analyzer(TextAnalyzer analyzer) {
        return text -> analyzer.analyze(text).stream()
                .map(t -> new FieldAnalyzer.Token(t.token(), t.position())).toList();
    }

    private static ValueType type(DataType type) {
        return switch (type) {
            case BOOL -> ValueType.BOOL;
            case INT8, INT16, INT32, INT64 -> ValueType.INT;
            case FLOAT, DOUBLE -> ValueType.FLOAT;
            case VARCHAR -> ValueType.STRING;
            case JSON -> ValueType.JSON;
            case ARRAY -> ValueType.ARRAY;
            case FLOAT_VECTOR, SPARSE_FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR, BINARY_VECTOR ->
                    ValueType.VECTOR;
        };
    }
}
