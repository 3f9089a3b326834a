package dev.vectorvault.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fragment cutting and tag insertion as Milvus's lexical highlighter does them. The first tests take their texts and
 * expected fragments from Milvus's "Text Highlighter" guide (2.6.8+, standard analyzer); the others pin the rules the
 * guide does not show: merging, fragments opening and joining, the fragment cap, tag rotation, code points.
 */
class TermHighlighterTest {
    private static final String FIRST = "my first test doc. Milvus is an open-source vector database built for GenAI"
            + " applications.";
    private static final String SECOND = "my second test doc. Milvus is an open-source vector database that suits AI"
            + " applications of every size from running a demo chatbot to building web-scale search.";

    private static HighlightOptions braces(int offset, int size, int count) {
        return new HighlightOptions(List.of("{"), List.of("}"), offset, size, count);
    }

    private static List<String> highlight(String text, Set<String> terms, HighlightOptions options) {
        return TermHighlighter.highlight(TextAnalyzer.STANDARD, text, terms, options);
    }

    @Test
    void aFragmentStartsAtTheFirstMatchAndRunsFragmentSizeCodePointsAsInMilvusGuide() {
        HighlightOptions defaults = braces(0, 100, 5);
        assertThat(highlight("my first test doc", Set.of("test"), defaults)).containsExactly("{test} doc");
        assertThat(highlight(FIRST, Set.of("test"), defaults))
                .containsExactly("{test} doc. Milvus is an open-source vector database built for GenAI applications.");
        assertThat(highlight(SECOND, Set.of("test"), defaults)).containsExactly("{test} doc. Milvus is an open-source"
                + " vector database that suits AI applications of every size from run");
        assertThat(highlight(SECOND, Set.of("milvus"), defaults)).containsExactly("{Milvus} is an open-source vector"
                + " database that suits AI applications of every size from running a dem");
    }

    @Test
    void everyMatchInsideAFragmentIsTaggedAsInMilvusGuide() {
        assertThat(highlight(SECOND, Set.of("my", "test", "doc"), braces(0, 100, 5))).containsExactly(
                "{my} second {test} {doc}. Milvus is an open-source vector database that suits AI applications of"
                        + " every siz");
        assertThat(TermHighlighter.highlight(TextAnalyzer.STANDARD, "my second test doc", Set.of("test"),
                new HighlightOptions(List.of("<mark>"), List.of("</mark>"), 0, 100, 5)))
                .containsExactly("<mark>test</mark> doc");
    }

    @Test
    void fragmentOffsetKeepsLeadingContextAsInMilvusGuide() {
        assertThat(highlight(FIRST, Set.of("milvus"), braces(20, 60, 5)))
                .containsExactly("my first test doc. {Milvus} is an open-source vector database ");
        assertThat(highlight(SECOND, Set.of("milvus"), braces(20, 60, 5)))
                .containsExactly("my second test doc. {Milvus} is an open-source vector database");
        assertThat(highlight(SECOND, Set.of("milvus"), braces(5, 60, 1)))
                .containsExactly(SECOND.substring(15, 75).replace("Milvus", "{Milvus}"));
    }

    @Test
    void aMatchAfterTheFragmentEndOpensAnotherFragmentUpToNumOfFragments() {
        String text = "rice aaaaaaaaaa bbbbbbbbbb rice cccccccccc rice";
        assertThat(highlight(text, Set.of("rice"), braces(0, 5, 5))).containsExactly("{rice} ", "{rice} ", "{rice}");
        assertThat(highlight(text, Set.of("rice"), braces(0, 5, 2))).containsExactly("{rice} ", "{rice} ");
        assertThat(highlight(text, Set.of("rice"), braces(0, 5, 0))).isEmpty();
        assertThat(highlight(text, Set.of("soup"), braces(0, 5, 5))).isEmpty();
        assertThat(highlight("", Set.of("rice"), braces(0, 5, 5))).isEmpty();
        assertThat(highlight(null, Set.of("rice"), braces(0, 5, 5))).isEmpty();
    }

    @Test
    void aMatchStartingAtTheFragmentEndJoinsItAndStretchesIt() {
        assertThat(highlight("rice rice soup", Set.of("rice"), braces(0, 5, 5))).containsExactly("{rice} {rice}");
        assertThat(highlight("ricecake", Set.of("ricecake"), braces(0, 3, 5))).containsExactly("{ricecake}");
    }

    /** Milvus cuts each new fragment from its own first match: its leading context may repeat an earlier match. */
    @Test
    void leadingContextMayOverlapThePreviousFragmentUntagged() {
        assertThat(highlight("rice x rice", Set.of("rice"), braces(10, 1, 5))).containsExactly("{rice}",
                "rice x {rice}");
    }

    @Test
    void tagsRotateByMatchWithinEachFragmentEachListOnItsOwn() {
        HighlightOptions options = new HighlightOptions(List.of("<1>", "<2>"), List.of("</>"), 0, 100, 5);
        assertThat(highlight("a b c a b", Set.of("a", "b"), options))
                .containsExactly("<1>a</> <2>b</> c <1>a</> <2>b</>");
        HighlightOptions small = new HighlightOptions(List.of("<1>", "<2>"), List.of("</1>", "</2>"), 0, 3, 5);
        assertThat(highlight("a b xxxxx a", Set.of("a", "b"), small)).containsExactly("<1>a</1> <2>b</2>", "<1>a</1>");
    }

    @Test
    void overlappingAndTouchingSpansMergeAndContainedOnesDrop() {
        List<TextSpan> merged = TermHighlighter.merge(List.of(new TextSpan(10, 12), new TextSpan(2, 6),
                new TextSpan(0, 4), new TextSpan(1, 3), new TextSpan(6, 8)));
        assertThat(merged).containsExactly(new TextSpan(0, 8), new TextSpan(10, 12));
    }

    @Test
    void lengthsCountCodePointsNotUtf16Chars() {
        String text = "\uD83D\uDE00\uD83D\uDE00 rice"; // two emoji (two chars each), a space, then the word
        assertThat(highlight(text, Set.of("rice"), braces(2, 1, 5))).containsExactly("\uD83D\uDE00 {rice}");
    }

    @Test
    void matchesAreTokensOfTheFieldsAnalyzerSoAStemCoversItsWord() {
        TextAnalyzer english = TextAnalyzer.fromParams("{\"type\":\"english\"}");
        assertThat(TermHighlighter.highlight(english, "Cooking pasta, cooked rice", Set.of("cook"),
                braces(0, 100, 5))).containsExactly("{Cooking} pasta, {cooked} rice");
    }
}
