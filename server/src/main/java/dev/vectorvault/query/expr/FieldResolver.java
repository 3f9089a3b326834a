package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.ValueType.ARRAY;
import static dev.vectorvault.query.expr.ValueType.JSON;
import static dev.vectorvault.query.expr.ValueType.VECTOR;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves {@code name} and {@code name[key]...} against the schema: declared fields, paths into JSON fields,
 * one index into array fields, and, when the collection has a dynamic field, undeclared names as its keys.
 */
final class FieldResolver {
    private final Schema schema;
    private final Source source;

    FieldResolver(Schema schema, Source source) {
        this.schema = schema;
        this.source = source;
    }

    Term resolve(FilterParser.FieldPathContext ctx) {
        String name = ctx.IDENTIFIER().getText();
        List<String> keys = new ArrayList<>();
        for (FilterParser.SubscriptContext subscript : ctx.subscript()) {
            keys.add(subscript.STRING() != null
                    ? source.decode(subscript, () -> Literals.unquote(subscript.key.getText()))
                    : String.valueOf(source.decode(subscript, () -> Literals.parseInteger(subscript.key.getText()))));
        }
        Optional<FieldType> declared = schema.field(name);
        if (declared.isPresent()) {
            if (!schema.loaded(name)) {
                throw source.error(ctx, "field " + name + " is not loaded");
            }
            return declaredField(ctx, name, declared.get(), keys);
        }
        Optional<String> dynamicField = schema.dynamicField();
        if (dynamicField.isEmpty()) {
            throw source.error(ctx, "field " + name + " not exist");
        }
        if (!schema.loaded(dynamicField.get())) {
            throw source.error(ctx, "field " + name + " is dynamic but dynamic field is not loaded");
        }
        if (!name.equals(dynamicField.get())) {
            keys.add(0, name); // an undeclared name is a key of the dynamic field: age means $meta["age"]
        }
        return jsonPath(dynamicField.get(), keys);
    }

    private Term declaredField(FilterParser.FieldPathContext ctx, String name, FieldType type, List<String> keys) {
        if (type.is(VECTOR)) {
            throw source.error(ctx, "vector field " + name + " cannot be used in a filter expression");
        }
        if (keys.isEmpty()) {
            return Term.value(new FieldReference(name), type);
        }
        if (type.is(JSON)) {
            return jsonPath(name, keys);
        }
        if (type.is(ARRAY) && keys.size() == 1 && ctx.subscript(0).INTEGER() != null) {
            return Term.value(new PathReference(name, keys), FieldType.nullable(type.elementType()));
        }
        throw source.error(ctx.subscript(0), type.is(ARRAY)
                ? "array field " + name + " takes one integer index, as in " + name + "[0]"
                : "field " + name + " of type " + type.milvusName() + " cannot be indexed");
    }

    private static Term jsonPath(String field, List<String> keys) {
        Operand operand = keys.isEmpty() ? new FieldReference(field) : new PathReference(field, keys);
        return Term.value(operand, FieldType.nullable(JSON));
    }
}
