package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.ValueType.ARRAY;
import static dev.vectorvault.query.expr.ValueType.INT;
import static dev.vectorvault.query.expr.ValueType.JSON;

import java.util.List;
import java.util.Locale;

/**
 * The functions a filter may call, by case-insensitive name: {@code array_contains(a, v)},
 * {@code array_contains_all(a, [..])}, {@code array_contains_any(a, [..])}, their {@code json_} synonyms, and
 * {@code array_length(a)}. The array is an array field or a JSON path; the values are constants.
 */
final class ArrayFunctions {
    private final Source source;

    ArrayFunctions(Source source) {
        this.source = source;
    }

    /** Compiles a call whose arguments have been compiled to {@code arguments}. */
    Term call(FilterParser.FunctionCallContext ctx, List<Term> arguments) {
        String name = ctx.IDENTIFIER().getText();
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "array_contains", "json_contains" -> contains(ctx, name, arguments, ArrayContains.Mode.ANY, false);
            case "array_contains_all", "json_contains_all" ->
                    contains(ctx, name, arguments, ArrayContains.Mode.ALL, true);
            case "array_contains_any", "json_contains_any" ->
                    contains(ctx, name, arguments, ArrayContains.Mode.ANY, true);
            case "array_length" -> {
                requireArity(ctx, name, arguments, 1);
                yield Term.value(new ArrayLength(array(ctx, name, arguments).operand()), FieldType.nullable(INT));
            }
            default -> throw source.error(ctx, "function " + name + "() is not supported");
        };
    }

    /** {@code f(array, value)} looks for one value; {@code f(array, [values])} for all or any of a list. */
    private Term contains(FilterParser.FunctionCallContext ctx, String name, List<Term> arguments,
                          ArrayContains.Mode mode, boolean takesList) {
        requireArity(ctx, name, arguments, 2);
        Term array = array(ctx, name, arguments);
        Object second = arguments.get(1).constant();
        if (second == null || takesList && !(second instanceof List<?>)) {
            throw source.error(ctx.arith(1), name + " needs " + (takesList ? "a list of constants" : "a constant")
                    + " as its second argument");
        }
        List<?> needles = takesList ? (List<?>) second : List.of(second);
        if (array.is(ARRAY)) {
            FieldType element = FieldType.of(array.type().elementType());
            for (Object needle : needles) {
                if (!TypeRules.equalityCompatible(element, Literals.typeOf(needle))) {
                    throw source.error(ctx.arith(1), "value " + Literals.describe(needle) + " cannot be an element of "
                            + array.type().milvusName());
                }
            }
        }
        return Term.condition(new ArrayContains(array.operand(), mode, needles));
    }

    private Term array(FilterParser.FunctionCallContext ctx, String name, List<Term> arguments) {
        Term array = arguments.get(0);
        if (!array.isPath() || !(array.is(ARRAY) || array.is(JSON))) {
            throw source.error(ctx.arith(0), name + " needs an array field or a JSON path as its first argument");
        }
        return array;
    }

    private void requireArity(FilterParser.FunctionCallContext ctx, String name, List<Term> arguments, int arity) {
        if (arguments.size() != arity) {
            throw source.error(ctx, name + "() takes " + arity + (arity == 1 ? " argument" : " arguments")
                    + ", got " + arguments.size());
        }
    }
}
