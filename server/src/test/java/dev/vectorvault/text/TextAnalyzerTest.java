package dev.vectorvault.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Milvus's analyzers on Lucene: tokens, offsets, term ids, and what is refused. */
class TextAnalyzerTest {
    @Test
    void termIdsAreCrc32OfTheFirstHundredUtf8BytesModuloTwoToTheThirtyTwoMinusOne() {
        assertThat(TermHash.of("hello")).isEqualTo(907_060_870L); // CRC32("hello") = 0x3610a686
        assertThat(TermHash.of("")).isZero();
        String longToken = "x".repeat(100);
        assertThat(TermHash.of(longToken + "tail")).isEqualTo(TermHash.of(longToken));
        assertThat(TermHash.of("x".repeat(99) + "é")).isNotEqualTo(TermHash.of("x".repeat(99)));
    }

    @Test
    void standardSplitsOnEveryNonAlphanumericCharacterAndLowercases() {
        assertThat(TextAnalyzer.STANDARD.terms("Hello, World! It's 3.14 e-mail ÉCOLE 中文分词"))
                .containsExactly("hello", "world", "it", "s", "3", "14", "e", "mail", "école", "中文分词");
        assertThat(TextAnalyzer.fromParams("{}").terms("A b")).containsExactly("a", "b");
        assertThat(TextAnalyzer.fromParams("{\"type\":\"standard\",\"stop_words\":[\"b\"]}").terms("A b c"))
                .containsExactly("a", "c");
    }

    @Test
    void englishStemsThenDropsEnglishStopWords() {
        assertThat(TextAnalyzer.fromParams("{\"type\":\"english\"}").terms("The runners are running to the Parks"))
                .containsExactly("runner", "run", "park");
    }

    @Test
    void customAnalyzersApplyTheirFiltersInOrderAndACustomStandardTokenizerDoesNotLowercase() {
        assertThat(TextAnalyzer.fromParams("{\"tokenizer\":\"standard\"}").terms("Hello World"))
                .containsExactly("Hello", "World");
        String params = "{\"tokenizer\":\"whitespace\",\"filter\":[\"lowercase\",\"asciifolding\","
                + "{\"type\":\"stop\",\"stop_words\":[\"_english_\",\"café\"]},{\"type\":\"length\",\"max\":6},"
                + "{\"type\":\"stemmer\",\"language\":\"english\"}]}";
        assertThat(TextAnalyzer.fromParams(params).terms("The Café Naïve cats, extraordinary dogs"))
                .containsExactly("cafe", "naiv", "cats,", "dog");
        assertThat(TextAnalyzer.fromParams("{\"tokenizer\":\"whitespace\",\"filter\":[\"removepunct\","
                + "\"alphanumonly\"]}").terms("ab -- c1 d!")).containsExactly("ab", "c1");
        assertThat(TextAnalyzer.fromParams("{\"tokenizer\":\"standard\",\"filter\":[\"cncharonly\"]}")
                .terms("abc 中文 x中")).containsExactly("中文");
    }

    @Test
    void chineseSegmentsWordsAndKeepsOnlyHanAndAsciiAlphanumerics() {
        List<String> terms = TextAnalyzer.fromParams("{\"type\":\"chinese\"}").terms("我爱北京天安门, Milvus 2.6!");
        assertThat(terms).contains("北京", "天安门", "milvus").doesNotContain(",", "!");
    }

    @Test
    void tokensCarryUtf8ByteOffsetsPositionsWithGapsAndHashes() {
        List<AnalyzerToken> tokens = TextAnalyzer.fromParams("{\"type\":\"english\"}").analyze("é the cats");
        assertThat(tokens).extracting(AnalyzerToken::token).containsExactly("é", "cat");
        assertThat(tokens.get(0)).isEqualTo(new AnalyzerToken("é", 0, 2, 0, 1, TermHash.of("é")));
        assertThat(tokens.get(1).startOffset()).isEqualTo(7);
        assertThat(tokens.get(1).endOffset()).isEqualTo(11);
        assertThat(tokens.get(1).position()).as("the stop word leaves a gap").isEqualTo(2);
    }

    @Test
    void termFrequenciesCountTokensByTermId() {
        SparseVector v = TextAnalyzer.STANDARD.termFrequencies("rice Rice wheat");
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.sum()).isEqualTo(3f);
        assertThat(TextAnalyzer.STANDARD.termFrequencies("")).isEqualTo(SparseVector.EMPTY);
        assertThat(TextAnalyzer.STANDARD.termFrequencies(null)).isEqualTo(SparseVector.EMPTY);
    }

    /**
     * The insert path counts term ids straight off the token stream; it must give what counting the hashes of
     * {@link TextAnalyzer#analyze}'s tokens gives, for every analyzer and any text (accents, CJK, surrogate pairs,
     * repeats). Random texts; replay with {@code -Dtests.seed=N}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "{\"type\":\"english\"}", "{\"type\":\"chinese\"}",
            "{\"tokenizer\":\"whitespace\",\"filter\":[\"lowercase\",\"asciifolding\",{\"type\":\"length\","
                    + "\"max\":6}]}"})
    void termFrequenciesEqualTheCountedHashesOfTheAnalyzedTokens(String params) {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.printf("termFrequenciesEqualTheCountedHashesOfTheAnalyzedTokens tests.seed=%d%n", seed);
        Random random = new Random(seed ^ params.hashCode());
        String[] words = {"the", "Rice", "rice", "wheat", "Éclair", "straße", "naïve", "北京", "天安门", "😀smile",
                "2.6", "a-b", "x", "running", "runners", "!!", "ÆON", "longerthanmax", "\t", "  "};
        TextAnalyzer analyzer = TextAnalyzer.fromParams(params.isEmpty() ? null : params);
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            for (int w = random.nextInt(40); w >= 0; w--) {
                text.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : ", ");
            }
            TreeMap<Long, Float> expected = new TreeMap<>();
            for (AnalyzerToken token : analyzer.analyze(text.toString())) {
                expected.merge(token.hash(), 1f, Float::sum);
            }
            SparseVector counted = analyzer.termFrequencies(text.toString());
            TreeMap<Long, Float> actual = new TreeMap<>();
            for (int i = 0; i < counted.size(); i++) {
                actual.put(Integer.toUnsignedLong(counted.index(i)), counted.value(i));
            }
            assertThat(actual).as("'%s' with %s (replay with -Dtests.seed=%d)", text, params, seed)
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"klingon\"}", "{\"tokenizer\":\"standard\",\"flter\":[]}",
            "{\"tokenizer\":\"icu\"}", "{\"tokenizer\":\"standard\",\"filter\":[\"upper\"]}",
            "{\"tokenizer\":\"standard\",\"filter\":[{\"type\":\"stemmer\",\"language\":\"elvish\"}]}",
            "{\"type\":\"english\",\"tokenizer\":\"standard\"}", "not json", "[1]",
            "{\"tokenizer\":\"standard\",\"filter\":[{\"type\":\"length\",\"max\":\"x\"}]}",
            "{\"tokenizer\":{\"type\":\"jieba\",\"dict\":[\"_default_\"]}}",
            "{\"tokenizer\":\"standard\",\"filter\":[{\"type\":\"stop\",\"stop_words\":\"a\"}]}"})
    void unknownOrUnsupportedParamsAreRefusedNamingTheProblem(String params) {
        assertThatThrownBy(() -> TextAnalyzer.fromParams(params)).isInstanceOf(MilvusException.class)
                .satisfies(e -> assertThat(((MilvusException) e).errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID));
    }

    @Test
    void anUnknownKeyIsReportedAsMilvusReportsIt() {
        assertThatThrownBy(() -> TextAnalyzer.fromParams("{\"tokenizer\":\"standard\",\"flter\":[]}"))
                .hasMessageContaining("unknown analyzer option key: flter");
    }

    /** The standard tokenizer's ASCII shortcut keeps and splits exactly what the Unicode test does. */
    @Test
    void theStandardTokenizerSplitsAsciiAsTheUnicodeTestDoes() {
        for (char c = 0; c < 0x80; c++) {
            boolean tokenChar = Character.isAlphabetic(c) || Character.isDigit(c)
                    || Character.getType(c) == Character.OTHER_NUMBER || Character.getType(c) == Character.LETTER_NUMBER;
            String text = "x" + c + "y";
            assertThat(TextAnalyzer.STANDARD.terms(text)).as("char %d", (int) c)
                    .isEqualTo(tokenChar ? List.of(text.toLowerCase(java.util.Locale.ROOT)) : List.of("x", "y"));
        }
    }
}
