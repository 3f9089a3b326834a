package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.text.HighlightOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lexical highlighter's params read as Milvus's proxy reads them: defaults, values, and refusals (1100). */
class LexicalHighlighterTest {
    private static LexicalHighlighter parse(String... keyValues) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return LexicalHighlighter.parse(params, 100);
    }

    private static void refused(String message, String... keyValues) {
        assertThatThrownBy(() -> parse(keyValues)).isInstanceOfSatisfying(MilvusException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
            assertThat(e.getMessage()).isEqualTo(message + ": invalid parameter");
        });
    }

    @Test
    void noParamsGiveMilvusDefaultsAndNoTerms() {
        LexicalHighlighter h = parse();
        assertThat(h.options()).isEqualTo(HighlightOptions.defaults());
        assertThat(h.options().preTags()).containsExactly("<em>");
        assertThat(h.options().postTags()).containsExactly("</em>");
        assertThat(h.options().fragmentSize()).isEqualTo(100);
        assertThat(h.options().numOfFragments()).isEqualTo(5);
        assertThat(h.options().fragmentOffset()).isZero();
        assertThat(h.highlightSearchText()).isFalse();
        assertThat(h.queries()).isEmpty();
    }

    /** What the Java SDK 2.6.22's LexicalHighlighter sends (JSON lists, numbers and booleans as text). */
    @Test
    void theSdksParamsAreRead() {
        LexicalHighlighter h = parse("pre_tags", "[\"<b>\",\"<i>\"]", "post_tags", "[\"</b>\"]",
                "fragment_offset", "3", "fragment_size", "40", "num_of_fragments", "0",
                "highlight_search_text", "true",
                "highlight_query", "[{\"type\":\"TextMatch\",\"field\":\"title\",\"text\":\"red fox\"}]",
                "some_future_key", "ignored as Milvus ignores it");
        assertThat(h.options()).isEqualTo(new HighlightOptions(List.of("<b>", "<i>"), List.of("</b>"), 3, 40, 0));
        assertThat(h.highlightSearchText()).isTrue();
        assertThat(h.queries()).containsExactly(new LexicalHighlighter.HighlightQuery("TextMatch", "title",
                "red fox"));
        assertThat(parse("highlight_search_text", "F").highlightSearchText()).isFalse();
        assertThat(parse("highlight_search_text", "1").highlightSearchText()).isTrue();
        assertThat(parse("highlight_query", "null").queries()).isEmpty();
        assertThat(parse("fragment_size", "99999999999").options().fragmentSize()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void malformedTagsAreRefused() {
        refused("pre_tags cannot be empty list", "pre_tags", "[]");
        refused("post_tags cannot be empty list", "post_tags", "null");
        assertThatThrownBy(() -> parse("pre_tags", "<em>")).hasMessageStartingWith(
                "unmarshal pre_tags as string array failed");
        assertThatThrownBy(() -> parse("post_tags", "[1]")).hasMessageStartingWith(
                "unmarshal post_tags as string list failed");
    }

    @Test
    void malformedNumbersAreRefusedWithMilvusMessages() {
        refused("invalid fragment_size: 0", "fragment_size", "0");
        refused("invalid fragment_size: ten", "fragment_size", "ten");
        refused("invalid num_of_fragments: -1", "num_of_fragments", "-1");
        refused("invalid fragment_offset: -2", "fragment_offset", "-2");
        refused("invalid fragment_offset: 1.5", "fragment_offset", "1.5");
        refused("invalid num_of_fragments: 101, at most 100 (proxy.highlighter.maxNumOfFragments)",
                "num_of_fragments", "101");
        refused("unmarshal highlight_search_text as bool failed: strconv.ParseBool: parsing \"yes\": invalid syntax",
                "highlight_search_text", "yes");
    }

    @Test
    void malformedHighlightQueriesAreRefusedWithMilvusMessages() {
        refused("unmarshal highlight queries failed: item in array is not json object", "highlight_query", "[1]");
        refused("unmarshal highlight queries failed: must set `text` in query", "highlight_query",
                "[{\"type\":\"TextMatch\",\"field\":\"t\"}]");
        refused("unmarshal highlight queries failed: `text` must be string", "highlight_query",
                "[{\"type\":\"TextMatch\",\"field\":\"t\",\"text\":3}]");
        refused("unmarshal highlight queries failed: must set `type` in query", "highlight_query",
                "[{\"field\":\"t\",\"text\":\"a\"}]");
        refused("unmarshal highlight queries failed: invalid highlight query type: BM25", "highlight_query",
                "[{\"type\":\"BM25\",\"field\":\"t\",\"text\":\"a\"}]");
        refused("unmarshal highlight queries failed: must set `field` in query", "highlight_query",
                "[{\"type\":\"TextMatch\",\"text\":\"a\"}]");
        assertThatThrownBy(() -> parse("highlight_query", "{\"type\":\"TextMatch\"}"))
                .hasMessageStartingWith("unmarshal highlight queries as json array failed");
    }
}
