package dev.vectorvault.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The SDKs pass nested parameters as a JSON object string ({@code params={"ef":32}}); this reads and writes them. */
final class JsonParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The last object read: an application sends the same {@code params} string with every search (the SDKs write
     * it from one map), and a Jackson tree per search was the largest search-specific cost of the handler after the
     * index (issue 16, docs/benchmarks.md). One entry, replaced whole, so threads never see half of one.
     */
    private static volatile Parsed last;

    private record Parsed(String json, Map<String, String> map) {}

    private JsonParams() {}

    /** A JSON object whose values are scalars, as strings; unmodifiable, in the object's order. */
    static Map<String, String> flatStringMap(String json) {
        Parsed seen = last;
        if (seen != null && seen.json().equals(json)) {
            return seen.map();
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw MilvusException.invalidParameter("params must be a JSON object, got: " + json);
            }
            Map<String, String> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            Map<String, String> read = Collections.unmodifiableMap(out);
            last = new Parsed(json, read);
            return read;
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
