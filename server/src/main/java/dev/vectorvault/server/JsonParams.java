package dev.vectorvault.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The SDKs pass nested parameters as a JSON object string ({@code params={"ef":32}}); this reads and writes them. */
final class JsonParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonParams() {}

    /** A JSON object whose values are scalars, as strings. */
    static Map<String, String> flatStringMap(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw MilvusException.invalidParameter("params must be a JSON object, got: " + json);
            }
            Map<String, String> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            return out;
        } catch (JsonProcessingException e) {
            throw MilvusException.invalidParameter("params is not valid JSON: " + json);
        }
    }

    static String toJson(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
