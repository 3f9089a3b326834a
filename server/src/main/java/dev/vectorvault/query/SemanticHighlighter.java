package dev.vectorvault.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The semantic highlighter (Milvus 2.6 {@code SearchRequest.highlighter} of type Semantic) asks a model service for
 * the highlights; Milvus reaches one only through its Zilliz provider's {@code endpoint} config. This server has no
 * model service, so it refuses every semantic highlighter, after the same checks of {@code queries} and
 * {@code input_fields} Milvus makes first, with the message Milvus gives when no endpoint is configured and a word
 * on why.
 */
public final class SemanticHighlighter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SemanticHighlighter() {}

    /** @throws MilvusException 1100, always */
    public static MilvusException refusal(Map<String, String> params, CollectionSchema schema) {
        List<String> queries = strings(params.get("queries"), "Parse queries failed");
        List<String> inputFields = strings(params.get("input_fields"), "Parse input_field failed");
        if (queries.isEmpty()) {
            return failed("queries is required");
        }
        if (inputFields.isEmpty()) {
            return failed("input_field is required");
        }
        for (String name : inputFields) {
            FieldSchema field = schema.field(name).orElse(null);
            if (field == null) {
                return failed("input_field " + name + " not found");
            }
            if (field.dataType() != DataType.VARCHAR) {
                return failed("input_field " + name + " is not a VarChar or Text field");
            }
        }
        return failed("Zilliz client config error, lost endpoint config (the semantic highlighter needs a model"
                + " service, which this server does not have; the Lexical highlighter needs none)");
    }

    private static MilvusException failed(String why) {
        return MilvusException.invalidParameter("Create SemanticHighlight failed: " + why + " ");
    }

    /** A JSON list of strings; absent: empty. */
    private static List<String> strings(String value, String failure) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || node.isMissingNode() || !(node.isArray() || node.isNull())) {
                throw failed(failure + ", err: " + value + " is not a JSON list of strings");
            }
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw failed(failure + ", err: " + value + " is not a JSON list of strings");
                }
                out.add(item.asText());
            }
            return out;
        } catch (JsonProcessingException e) {
            throw failed(failure + ", err: " + e.getOriginalMessage());
        }
    }
}
