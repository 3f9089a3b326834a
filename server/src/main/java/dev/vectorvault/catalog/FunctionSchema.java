package dev.vectorvault.catalog;

import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Map;

/**
 * A function of a collection's schema (Milvus's {@code FunctionSchema}): the server computes its output fields from
 * its input fields at insert and upsert. Only {@code BM25} exists here: one VarChar input with an analyzer, one
 * SparseFloatVector output holding the input's term frequencies by term id.
 */
public record FunctionSchema(String name, String description, String type, List<String> inputFieldNames,
                             List<String> outputFieldNames, Map<String, String> params) {
    public static final String BM25 = "BM25";

    public FunctionSchema {
        description = description == null ? "" : description;
        inputFieldNames = List.copyOf(inputFieldNames == null ? List.of() : inputFieldNames);
        outputFieldNames = List.copyOf(outputFieldNames == null ? List.of() : outputFieldNames);
        params = Map.copyOf(params == null ? Map.of() : params);
    }

    /** The refusal of any function type but BM25: this server calls no embedding or rerank model provider. */
    public static MilvusException unsupportedType(String type, String functionName) {
        return MilvusException.invalidParameter("function type " + type + " of function " + functionName
                + " is not supported by this server (supported: BM25)");
    }

    public String inputField() {
        return inputFieldNames.get(0);
    }

    public String outputField() {
        return outputFieldNames.get(0);
    }
}
