package dev.vectorvault.query.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code text_match} and {@code phrase_match}: Milvus's refusals, the any-token and slop semantics on examples, null
 * handling under {@code not}, combinations, and a randomized comparison of both the row-by-row evaluation and the
 * term-index answer ({@link Condition#select}) with a plain reference model. Prints its seed; replay with
 * {@code -Dtests.seed=<seed>}.
 */
class TextMatchFilterTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());
    private static final Set<String> STOP = Set.of("the", "a", "and");

    /** Lowercase, split on spaces; stop words removed leaving a position gap (as Lucene's StopFilter does). */
    static final FieldAnalyzer ANALYZER = text -> {
        List<FieldAnalyzer.Token> tokens = new ArrayList<>();
        int position = 0;
        for (String word : text.toLowerCase(Locale.ROOT).split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!STOP.contains(word)) {
                tokens.add(new FieldAnalyzer.Token(word, position));
            }
            position++;
        }
        return tokens;
    };

    private static final Schema SCHEMA = new Schema() {
        @Override
        public Optional<FieldType> field(String name) {
            return Optional.ofNullable(switch (name) {
                case "text", "plain" -> FieldType.nullable(ValueType.STRING);
                case "n" -> FieldType.of(ValueType.INT);
                case "tags" -> FieldType.arrayOf(ValueType.STRING);
                default -> null;
            });
        }

        @Override
        public Optional<String> dynamicField() {
            return Optional.empty();
        }

        @Override
        public Optional<FieldAnalyzer> matchAnalyzer(String name) {
            return name.equals("text") ? Optional.of(ANALYZER) : Optional.empty();
        }
    };

    private static FilterExpression parse(String filter) {
        return FilterExpression.parse(filter, SCHEMA, Map.of("q", "rice wheat", "s", 1L));
    }

    private static boolean matches(String filter, String text) {
        return parse(filter).test(row(text, 0));
    }

    private static Row row(String text, long n) {
        return field -> switch (field) {
            case "text" -> text;
            case "n" -> n;
            default -> null;
        };
    }

    @Test
    void textMatchFindsRowsHoldingAnyQueryToken() {
        assertThat(matches("text_match(text, 'rice wheat')", "Cook RICE slowly")).isTrue();
        assertThat(matches("text_match(text, 'rice wheat')", "wheat bread")).isTrue();
        assertThat(matches("text_match(text, 'rice wheat')", "ricewheat")).isFalse();
        assertThat(matches("TEXT_MATCH(text, {q})", "some wheat")).isTrue();
        assertThat(matches("text_match(text, 'the a')", "the a")).as("no query tokens: nothing").isFalse();
        assertThat(matches("text_match(text, 'rice wheat barley', minimum_should_match=2)", "rice and barley"))
                .isTrue();
        assertThat(matches("text_match(text, 'rice wheat barley', minimum_should_match=2)", "rice only")).isFalse();
        assertThat(matches("text_match(text, 'rice rice', minimum_should_match=2)", "rice"))
                .as("a repeated query token counts per occurrence, as tantivy's SHOULD clauses do").isTrue();
    }

    @Test
    void phraseMatchNeedsTheTokensTogetherWithinSlop() {
        assertThat(matches("phrase_match(text, 'cook rice')", "Cook rice now")).isTrue();
        assertThat(matches("phrase_match(text, 'cook rice')", "rice cook")).isFalse();
        assertThat(matches("phrase_match(text, 'cook rice')", "cook white rice")).isFalse();
        assertThat(matches("phrase_match(text, 'cook rice', 1)", "cook white rice")).isTrue();
        assertThat(matches("PHRASE_MATCH(text, 'cook rice', {s})", "cook white rice")).isTrue();
        assertThat(matches("phrase_match(text, 'cook rice', 1)", "cook white brown rice")).isFalse();
        assertThat(matches("phrase_match(text, 'cook rice', 2)", "cook white brown rice")).isTrue();
        // Slop is a window over shifted positions (Milvus's tantivy fork), so a swap costs 2, as in Lucene.
        assertThat(matches("phrase_match(text, 'cook rice', 1)", "rice cook")).isFalse();
        assertThat(matches("phrase_match(text, 'cook rice', 2)", "rice cook")).isTrue();
        // One extra token anywhere inside a three-token phrase fits slop 1; one in each gap needs 2.
        assertThat(matches("phrase_match(text, 'slowly cook rice', 1)", "slowly cook white rice")).isTrue();
        assertThat(matches("phrase_match(text, 'slowly cook rice', 1)", "slowly x cook white rice")).isFalse();
        assertThat(matches("phrase_match(text, 'slowly cook rice', 2)", "slowly x cook white rice")).isTrue();
        // A removed stop word keeps its position in the phrase and in the text.
        assertThat(matches("phrase_match(text, 'cook the rice')", "cook a rice")).isTrue();
        assertThat(matches("phrase_match(text, 'cook the rice')", "cook rice")).isFalse();
        // One token or none: as text_match.
        assertThat(matches("phrase_match(text, 'rice')", "white rice")).isTrue();
        assertThat(matches("phrase_match(text, 'the rice')", "rice white")).isTrue();
    }

    @Test
    void aNullTextIsUnknownEvenUnderNot() {
        FilterExpression match = parse("text_match(text, 'rice')");
        FilterExpression notMatch = parse("not text_match(text, 'rice')");
        assertThat(match.test(row(null, 1))).isFalse();
        assertThat(notMatch.test(row(null, 1))).isFalse();
        assertThat(notMatch.test(row("wheat", 1))).isTrue();
        assertThat(parse("not phrase_match(text, 'cook rice')").test(row(null, 1))).isFalse();
    }

    @Test
    void combinesWithOtherPredicates() {
        assertThat(parse("text_match(text, 'rice') and n > 3").test(row("rice", 4))).isTrue();
        assertThat(parse("text_match(text, 'rice') and n > 3").test(row("rice", 2))).isFalse();
        assertThat(parse("phrase_match(text, 'cook rice') or n == 2").test(row("nothing", 2))).isTrue();
        assertThat(parse("not (text_match(text, 'rice') or n == 2)").test(row("wheat", 1))).isTrue();
    }

    @Test
    void refusesFieldsWithoutMatchAndBadArgumentsInMilvusWords() {
        assertThatThrownBy(() -> parse("text_match(plain, 'rice')")).isInstanceOf(ExpressionException.class)
                .hasMessageContaining("field \"plain\" does not enable match");
        assertThatThrownBy(() -> parse("phrase_match(plain, 'rice')"))
                .hasMessageContaining("field \"plain\" does not enable match");
        assertThatThrownBy(() -> parse("text_match(n, 'rice')"))
                .hasMessageContaining("text match operation on non-string is unsupported");
        assertThatThrownBy(() -> parse("phrase_match(n, 'rice')"))
                .hasMessageContaining("phrase match operation on non-string is unsupported");
        assertThatThrownBy(() -> parse("text_match(nope, 'rice')")).hasMessageContaining("field nope not exist");
        assertThatThrownBy(() -> parse("text_match(tags[0], 'rice')")).hasMessageContaining("needs a field name");
        assertThatThrownBy(() -> parse("text_match(text, n)")).hasMessageContaining("string constant");
        assertThatThrownBy(() -> parse("text_match(text)")).hasMessageContaining("text_match takes a field");
        assertThatThrownBy(() -> parse("phrase_match(text, 'a b', -1)"))
                .hasMessageContaining("\"slop\" should not be a negative interger. \"slop\" passed: -1");
        assertThatThrownBy(() -> parse("phrase_match(text, 'a b', 4294967296)"))
                .hasMessageContaining("\"slop\" exceeds the range of \"uint32\"");
        assertThatThrownBy(() -> parse("phrase_match(text, 'a b', n)"))
                .hasMessageContaining("\"slop\" should be a const integer expression with \"uint32\" value");
        assertThatThrownBy(() -> parse("text_match(text, 'a', minimum_should_match=0)"))
                .hasMessageContaining("minimum_should_match should be >= 1, got 0");
        assertThatThrownBy(() -> parse("text_match(text, 'a', minimum_should_match=1001)"))
                .hasMessageContaining("minimum_should_match should be <= 1000, got 1001");
        assertThatThrownBy(() -> parse("text_match(text, 'a', other=2)"))
                .hasMessageContaining("only the named argument minimum_should_match");
        assertThatThrownBy(() -> parse("array_length(tags, x=1) > 0")).hasMessageContaining("takes no named argument");
        assertThat(parse("phrase_match(text, 'a b', 4294967295)").test(row("a b", 0))).isTrue();
    }

    // ------------------------------------------------------------------ randomized against a reference model

    private static final String[] WORDS = {"rice", "wheat", "cook", "boil", "the", "and", "salt", "water", "a",
            "pot"};

    private static String text(Random random) {
        int n = random.nextInt(9);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return out.toString();
    }

    /** Reference: for each query token, the text positions holding it; then every choice tried. */
    private static boolean referencePhrase(String text, String phrase, long slop) {
        List<FieldAnalyzer.Token> q = ANALYZER.tokens(phrase);
        List<FieldAnalyzer.Token> doc = ANALYZER.tokens(text);
        if (q.size() <= 1) {
            return q.stream().anyMatch(t -> doc.stream().anyMatch(d -> d.term().equals(t.term())));
        }
        int last = q.get(q.size() - 1).position();
        return choose(q, doc, 0, Long.MAX_VALUE, Long.MIN_VALUE, slop, last);
    }

    private static boolean choose(List<FieldAnalyzer.Token> q, List<FieldAnalyzer.Token> doc, int i, long min,
                                  long max, long slop, int last) {
        if (i == q.size()) {
            return max - min <= slop;
        }
        for (FieldAnalyzer.Token d : doc) {
            if (d.term().equals(q.get(i).term())) {
                long shifted = d.position() + (last - q.get(i).position());
                if (choose(q, doc, i + 1, Math.min(min, shifted), Math.max(max, shifted), slop, last)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean referenceText(String text, String query, int minimum) {
        List<String> docTerms = ANALYZER.tokens(text).stream().map(FieldAnalyzer.Token::term).toList();
        long hits = ANALYZER.tokens(query).stream().filter(t -> docTerms.contains(t.term())).count();
        return !ANALYZER.tokens(query).isEmpty() && hits >= minimum;
    }

    /** The rows as a term index: what a segment's {@code TextMatchIndex} gives the filter. */
    private static IndexedRows indexed(List<String> texts) {
        Map<String, Map<Integer, List<Integer>>> postings = new HashMap<>();
        BitSet nulls = new BitSet();
        for (int r = 0; r < texts.size(); r++) {
            if (texts.get(r) == null) {
                nulls.set(r);
                continue;
            }
            for (FieldAnalyzer.Token t : ANALYZER.tokens(texts.get(r))) {
                postings.computeIfAbsent(t.term(), k -> new HashMap<>()).computeIfAbsent(r, k -> new ArrayList<>())
                        .add(t.position());
            }
        }
        TextIndex index = new TextIndex() {
            @Override
            public BitSet nulls() {
                return (BitSet) nulls.clone();
            }

            @Override
            public BitSet rowsWith(String term) {
                BitSet rows = new BitSet();
                postings.getOrDefault(term, Map.of()).keySet().forEach(rows::set);
                return rows;
            }

            @Override
            public int[] positions(String term, int row) {
                return postings.getOrDefault(term, Map.of()).getOrDefault(row, List.of()).stream()
                        .mapToInt(Integer::intValue).toArray();
            }
        };
        return new IndexedRows() {
            @Override
            public int rowCount() {
                return texts.size();
            }

            @Override
            public FieldIndex field(String field) {
                return null;
            }

            @Override
            public TextIndex text(String field) {
                return field.equals("text") ? index : null;
            }
        };
    }

    @Test
    void randomizedMatchesEqualTheReferenceModelRowByRowAndFromTheTermIndex() {
        System.out.println("TextMatchFilterTest seed " + SEED + " (-Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        for (int round = 0; round < 40; round++) {
            List<String> texts = new ArrayList<>();
            for (int r = 0; r < 60; r++) {
                texts.add(random.nextInt(15) == 0 ? null : text(random));
            }
            IndexedRows indexed = indexed(texts);
            for (int q = 0; q < 25; q++) {
                String query = text(random).replace("'", "");
                boolean phrase = random.nextBoolean();
                long slop = random.nextInt(4);
                int minimum = 1 + random.nextInt(3);
                String filter = phrase ? "phrase_match(text, '" + query + "', " + slop + ")"
                        : "text_match(text, '" + query + "', minimum_should_match=" + minimum + ")";
                boolean negate = random.nextInt(4) == 0;
                FilterExpression expression = parse(negate ? "not " + filter : filter);
                BitSet expected = new BitSet();
                for (int r = 0; r < texts.size(); r++) {
                    String t = texts.get(r);
                    if (t != null && negate != (phrase ? referencePhrase(t, query, slop)
                            : referenceText(t, query, minimum))) {
                        expected.set(r);
                    }
                }
                BitSet evaluated = new BitSet();
                for (int r = 0; r < texts.size(); r++) {
                    if (expression.test(row(texts.get(r), r))) {
                        evaluated.set(r);
                    }
                }
                assertThat(evaluated).as("%s row by row (seed %s)", expression, SEED).isEqualTo(expected);
                RowSelection selected = expression.select(indexed).orElseThrow();
                assertThat(selected.exact()).isTrue();
                assertThat(selected.rows()).as("%s from the index (seed %s)", expression, SEED).isEqualTo(expected);
            }
        }
    }

    @Test
    void theWindowSearchEqualsTryingEveryChoice() {
        Random random = new Random(SEED ^ 0x5EED);
        for (int round = 0; round < 3000; round++) {
            int k = 2 + random.nextInt(4);
            long[][] lists = new long[k][];
            for (int i = 0; i < k; i++) {
                lists[i] = random.longs(random.nextInt(5), 0, 20).sorted().toArray();
            }
            long width = random.nextInt(6);
            assertThat(PhraseWindow.exists(lists, width)).as("round %d (seed %s)", round, SEED)
                    .isEqualTo(everyChoice(lists, 0, Long.MAX_VALUE, Long.MIN_VALUE, width));
        }
    }

    private static boolean everyChoice(long[][] lists, int i, long min, long max, long width) {
        if (i == lists.length) {
            return max - min <= width;
        }
        for (long v : lists[i]) {
            if (everyChoice(lists, i + 1, Math.min(min, v), Math.max(max, v), width)) {
                return true;
            }
        }
        return false;
    }
}
