package dev.vectorvault.catalog;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.text.TextAnalyzer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Milvus's checks of a schema's functions and text fields, with its messages: a BM25 function has one VarChar input
 * with {@code enable_analyzer} and one SparseFloatVector output that is neither nullable nor a key, and no params; a
 * field with {@code enable_match} needs {@code enable_analyzer}; analyzer params must describe an analyzer this
 * server can build. Other function types (text embedding, rerank) are refused as not supported.
 */
final class FunctionRules {
    private FunctionRules() {}

    static void check(List<FieldSchema> fields, List<FunctionSchema> functions) {
        for (FieldSchema field : fields) {
            if ((field.enableAnalyzer() || field.enableMatch()) && field.dataType() != DataType.VARCHAR) {
                throw MilvusException.invalidParameter("enable_analyzer and enable_match are only supported on"
                        + " VarChar fields, field " + field.name() + " is " + field.dataType());
            }
            if (field.enableMatch() && !field.enableAnalyzer()) {
                throw MilvusException.invalidParameter("field " + field.name() + " which has enable_match or is"
                        + " input of BM25 function must also enable_analyzer");
            }
            if (field.enableAnalyzer()) {
                TextAnalyzer.fromParams(field.analyzerParams()); // refuses what it cannot build
            } else if (field.analyzerParams() != null && !field.analyzerParams().isBlank()) {
                throw MilvusException.invalidParameter("field " + field.name() + " sets analyzer_params without"
                        + " enable_analyzer");
            }
        }
        Set<String> names = new HashSet<>();
        Set<String> outputs = new HashSet<>();
        for (FunctionSchema function : functions) {
            if (function.name() == null || function.name().isEmpty()) {
                throw MilvusException.invalidParameter("function name cannot be empty");
            }
            if (!names.add(function.name())) {
                throw MilvusException.invalidParameter("duplicate function name: " + function.name());
            }
            if (!FunctionSchema.BM25.equals(function.type())) {
                throw FunctionSchema.unsupportedType(function.type(), function.name());
            }
            checkBm25(fields, function, outputs);
        }
    }

    private static void checkBm25(List<FieldSchema> fields, FunctionSchema function, Set<String> outputs) {
        if (function.inputFieldNames().size() != 1) {
            throw MilvusException.invalidParameter("BM25 function only need 1 input field, but got "
                    + function.inputFieldNames().size());
        }
        if (function.outputFieldNames().size() != 1) {
            throw MilvusException.invalidParameter("BM25 function only need 1 output field, but got "
                    + function.outputFieldNames().size());
        }
        if (!function.params().isEmpty()) {
            throw MilvusException.invalidParameter("BM25 function accepts no params");
        }
        FieldSchema input = field(fields, function, function.inputField(), "input");
        FieldSchema output = field(fields, function, function.outputField(), "output");
        if (input.dataType() != DataType.VARCHAR) {
            throw MilvusException.invalidParameter("BM25 function input field must be a VARCHAR/TEXT field, got "
                    + input.dataType() + " (field " + input.name() + ")");
        }
        if (!input.enableAnalyzer()) {
            throw MilvusException.invalidParameter("BM25 function input field must set enable_analyzer to true");
        }
        if (output.dataType() != DataType.SPARSE_FLOAT_VECTOR) {
            throw MilvusException.invalidParameter("BM25 function output field must be a SparseFloatVector field,"
                    + " but got " + output.dataType());
        }
        if (output.nullable()) {
            throw MilvusException.invalidParameter("function output field cannot be nullable: function "
                    + function.name() + ", field " + output.name());
        }
        if (output.primaryKey() || output.partitionKey()) {
            throw MilvusException.invalidParameter("function output field cannot be a primary key or a partition"
                    + " key: function " + function.name() + ", field " + output.name());
        }
        if (output.name().equals(input.name())) {
            throw MilvusException.invalidParameter("function " + function.name() + " reads and writes field "
                    + input.name());
        }
        if (!outputs.add(output.name())) {
            throw MilvusException.invalidParameter("field " + output.name() + " is the output of more than one"
                    + " function");
        }
    }

    private static FieldSchema field(List<FieldSchema> fields, FunctionSchema function, String name, String role) {
        return fields.stream().filter(f -> f.name().equals(name) && !f.dynamic()).findFirst().orElseThrow(() ->
                MilvusException.invalidParameter("function " + role + " field not found: function "
                        + function.name() + ", field " + name));
    }
}
