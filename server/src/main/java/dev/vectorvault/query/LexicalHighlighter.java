package dev.vectorvault.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.text.HighlightOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A search's lexical highlighter (Milvus 2.6.8+ {@code SearchRequest.highlighter} of type Lexical), read from its
 * params as Milvus's proxy reads them. Known keys: {@code pre_tags}, {@code post_tags} (JSON lists of strings, not
 * empty; default {@code <em>} / {@code </em>}), {@code fragment_offset} (default 0), {@code fragment_size} (default
 * 100, must be above 0), {@code num_of_fragments} (default 5; here also at most
 * {@code proxy.highlighter.maxNumOfFragments}), {@code highlight_search_text} (Go's boolean spellings) and
 * {@code highlight_query} (a JSON list of {@code {"type": "TextMatch", "field": .., "text": ..}}). Other keys are
 * ignored, as Milvus ignores them (they change nothing there either). Messages are Milvus's.
 *
 * @param queries terms to highlight besides the search texts: each query's text goes through its field's analyzer
 */
public record LexicalHighlighter(HighlightOptions options, boolean highlightSearchText, List<HighlightQuery> queries) {
    /** The one query type Milvus 2.6 accepts: the terms of a {@code TEXT_MATCH} condition. */
    public static final String TEXT_MATCH = "TextMatch";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LexicalHighlighter {
        queries = List.copyOf(queries);
    }

    /** One {@code highlight_query} entry. */
    public record HighlightQuery(String type, String field, String text) {}

    /**
     * The highlighter {@code params} describe.
     *
     * @throws MilvusException 1100 with Milvus's message for a malformed value
     */
    public static LexicalHighlighter parse(Map<String, String> params, int maxNumOfFragments) {
        List<String> pre = params.containsKey("pre_tags") ? tags(params.get("pre_tags"), "pre_tags", "array")
                : List.of(HighlightOptions.DEFAULT_PRE_TAG);
        List<String> post = params.containsKey("post_tags") ? tags(params.get("post_tags"), "post_tags", "list")
                : List.of(HighlightOptions.DEFAULT_POST_TAG);
        long size = params.containsKey("fragment_size") ? number(params.get("fragment_size"), "fragment_size", 1)
                : HighlightOptions.DEFAULT_FRAGMENT_SIZE;
        long count = params.containsKey("num_of_fragments")
                ? number(params.get("num_of_fragments"), "num_of_fragments", 0)
                : HighlightOptions.DEFAULT_NUM_OF_FRAGMENTS;
        if (count > maxNumOfFragments) {
            // Milvus has no bound; each fragment can hold most of the text, so the count bounds the answer's size.
            throw MilvusException.invalidParameter("invalid num_of_fragments: " + params.get("num_of_fragments")
                    + ", at most " + maxNumOfFragments + " (proxy.highlighter.maxNumOfFragments)");
        }
        long offset = params.containsKey("fragment_offset")
                ? number(params.get("fragment_offset"), "fragment_offset", 0) : 0;
        boolean searchText = params.containsKey("highlight_search_text")
                && goBool(params.get("highlight_search_text"));
        List<HighlightQuery> queries = params.containsKey("highlight_query")
                ? queries(params.get("highlight_query")) : List.of();
        // Sizes past any text's length act like the text's length; they are clamped so the arithmetic stays in int.
        HighlightOptions options = new HighlightOptions(pre, post, (int) Math.min(offset, Integer.MAX_VALUE),
                (int) Math.min(size, Integer.MAX_VALUE), (int) count);
        return new LexicalHighlighter(options, searchText, queries);
    }

    private static List<String> tags(String value, String key, String kind) {
        JsonNode node = json(value, "unmarshal " + key + " as string " + kind + " failed");
        if (node.isNull() || (node.isArray() && node.isEmpty())) {
            throw MilvusException.invalidParameter(key + " cannot be empty list");
        }
        List<String> tags = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode tag : node) {
                if (!tag.isTextual()) {
                    tags = null;
                    break;
                }
                tags.add(tag.asText());
            }
        }
        if (!node.isArray() || tags == null) {
            throw MilvusException.invalidParameter("unmarshal " + key + " as string " + kind + " failed: "
                    + value + " is not a JSON list of strings");
        }
        return tags;
    }

    /** Go's {@code strconv.ParseInt(value, 10, 64)}, at least {@code least}. */
    private static long number(String value, String key, long least) {
        long parsed;
        try {
            parsed = value.chars().allMatch(c -> c < 128) ? Long.parseLong(value) : Long.MIN_VALUE;
        } catch (NumberFormatException e) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < least) {
            throw MilvusException.invalidParameter("invalid " + key + ": " + value);
        }
        return parsed;
    }

    /** Go's {@code strconv.ParseBool}. */
    private static boolean goBool(String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw MilvusException.invalidParameter("unmarshal highlight_search_text as bool failed:"
                    + " strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
        };
    }

    private static List<HighlightQuery> queries(String value) {
        JsonNode node = json(value, "unmarshal highlight queries as json array failed");
        if (!node.isArray() && !node.isNull()) {
            throw MilvusException.invalidParameter("unmarshal highlight queries as json array failed: " + value
                    + " is not a JSON array");
        }
        List<HighlightQuery> queries = new ArrayList<>();
        for (JsonNode query : node) {
            if (!query.isObject()) {
                throw failed("item in array is not json object");
            }
            String text = member(query, "text");
            String type = member(query, "type");
            if (!TEXT_MATCH.equals(type)) {
                throw failed("invalid highlight query type: " + type);
            }
            queries.add(new HighlightQuery(type, member(query, "field"), text));
        }
        return queries;
    }

    private static String member(JsonNode query, String name) {
        JsonNode value = query.get(name);
        if (value == null) {
            throw failed("must set `" + name + "` in query");
        }
        if (!value.isTextual()) {
            throw failed("`" + name + "` must be string");
        }
        return value.asText();
    }

    private static MilvusException failed(String why) {
        return MilvusException.invalidParameter("unmarshal highlight queries failed: " + why);
    }

    private static JsonNode json(String value, String failure) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || node.isMissingNode()) {
                throw MilvusException.invalidParameter(failure + ": no JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw MilvusException.invalidParameter(failure + ": " + e.getOriginalMessage());
        }
    }
}
