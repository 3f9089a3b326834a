package dev.vectorvault.query.expr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FuzzOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz target: the filter language end to end. Any text, with fuzzed template values, against a schema of every
 * field kind (with and without the dynamic field) and under small limits, either compiles into an expression that
 * evaluates on a handful of rows (typed, null, JSON, arrays, fuzzed values) without throwing, or is refused with an
 * {@link ExpressionException} whose position lies inside the text. Nothing else may come out, an Error least of all.
 */
class FilterExpressionFuzzTest {
    /** Small enough that the fuzzer reaches every limit; the defaults are proven in ExpressionLimitsTest. */
    private static final ExpressionLimits LIMITS = new ExpressionLimits(4096, 24, 64);
    private static final String[] PLACEHOLDERS = {"a", "b", "ids", "s"};
    /**
     * Strings come from this list, so that only the filter text is read from the front of the input (Jazzer reads
     * numbers from the back): a seed file is then the filter text itself, its last few bytes choosing the options.
     */
    private static final String[] WORDS = {"", "bob", "red", "Oslo", "b%", "%o%", "_", "\\%", "k", "\u00e9", "\"", "1"};

    @FuzzTest(maxDuration = "60s")
    void filterCompilesAndEvaluatesOrIsRefused(FuzzedDataProvider data) throws Exception {
        Schema schema = data.consumeBoolean() ? Fixtures.DYNAMIC : Fixtures.SCHEMA;
        Map<String, Object> templates = templates(data);
        List<Row> rows = rows(data);
        String text = data.consumeRemainingAsString();

        Optional<FilterExpression> filter = FuzzOutcome.resultOr(ExpressionException.class,
                () -> FilterExpression.parse(text, schema, templates, LIMITS));
        if (filter.isEmpty()) {
            assertRefusalPointsIntoTheText(text, schema, templates);
            return;
        }
        for (Row row : rows) {
            filter.get().test(row);
        }
        filter.get().exactKeys("id");
        filter.get().exactKeys("name");
    }

    private static void assertRefusalPointsIntoTheText(String text, Schema schema, Map<String, Object> templates) {
        try {
            FilterExpression.parse(text, schema, templates, LIMITS);
        } catch (ExpressionException e) {
            assertThat(e.position()).isBetween(0, text.length());
            assertThat(e.getMessage()).startsWith("cannot parse expression: ");
            assertThat(e.getMessage().length()).isLessThan(ExpressionException.MAX_ECHOED_CHARS + 2 * 4096);
        }
    }

    private static Map<String, Object> templates(FuzzedDataProvider data) {
        Map<String, Object> templates = new HashMap<>();
        for (String name : PLACEHOLDERS) {
            if (data.consumeBoolean()) {
                templates.put(name, value(data, 0));
            }
        }
        return templates;
    }

    /** A template value of any kind the wire can carry, lists nested a little. */
    private static Object value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth < 3 ? 6 : 5)) {
            case 0 -> data.consumeLong();
            case 1 -> data.consumeDouble();
            case 2 -> data.consumeBoolean();
            case 3 -> word(data);
            case 4 -> data.consumeInt();
            case 5 -> data.consumeFloat();
            default -> {
                List<Object> list = new ArrayList<>();
                int size = data.consumeInt(0, 80);
                for (int i = 0; i < size; i++) {
                    list.add(value(data, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String word(FuzzedDataProvider data) {
        return WORDS[data.consumeInt(0, WORDS.length - 1)];
    }

    private static List<Row> rows(FuzzedDataProvider data) {
        List<Row> rows = new ArrayList<>(List.of(Fixtures.bob(), Fixtures.row()));
        rows.add(Fixtures.row("id", data.consumeLong(), "age", data.consumeBoolean() ? null : data.consumeLong(),
                "price", data.consumeDouble(), "name", word(data), "active", data.consumeBoolean(),
                "a", true, "b", false, "c", data.consumeBoolean(),
                "meta", Fixtures.map("k", data.consumeLong(), "s", word(data),
                        "list", List.of(data.consumeDouble(), "x"), "nested", Fixtures.map("k", null)),
                "$meta", Fixtures.map("color", word(data), "n", data.consumeInt()),
                "tags", List.of(word(data)), "scores", List.of(data.consumeLong(), 0L)));
        return rows;
    }
}
