package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A filter is bounded in length, nesting and list size, and within those bounds nothing recurses per term: the
 * deepest and longest filters the defaults allow are parsed, compiled and evaluated on a thread with a 512 KiB stack
 * (half the JVM's default, which the server's request threads use), so no client can make a request overflow a
 * thread's stack. On 256 KiB the parser's own recursive descent (nine rules per parenthesis) fits about 80 levels of
 * parentheses, which is why the check runs on 512 KiB with the default limit of 100.
 */
@Timeout(60)
class ExpressionLimitsTest {
    private static final ExpressionLimits DEFAULTS = ExpressionLimits.DEFAULTS;
    private static final long SMALL_STACK = 512 * 1024;

    private static FilterExpression parse(String text, ExpressionLimits limits) {
        return FilterExpression.parse(text, Fixtures.SCHEMA, Map.of(), limits);
    }

    private static ExpressionException rejection(String text, ExpressionLimits limits, Map<String, Object> values) {
        try {
            FilterExpression.parse(text, Fixtures.SCHEMA, values, limits);
        } catch (ExpressionException e) {
            return e;
        }
        throw new AssertionError("expected a limit to refuse: " + abbreviate(text));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** Runs {@code work} on a fresh thread with a small stack; an Error there (StackOverflowError) fails the test. */
    private static <T> T onSmallStack(Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(work.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", SMALL_STACK);
        thread.start();
        thread.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new AssertionError("failed on a " + SMALL_STACK / 1024 + " KiB stack", failure.get());
        }
        return result.get();
    }

    private static String joined(String first, String separator, String term, int terms) {
        StringBuilder text = new StringBuilder(first);
        for (int i = 1; i < terms; i++) {
            text.append(separator).append(term);
        }
        return text.toString();
    }

    // ---- length

    @Test
    void aFilterLongerThanTheLimitIsRefusedBeforeItIsParsed() {
        String text = "id in [" + "1, ".repeat(400_000) + "1]";
        assertThat(text.length()).isGreaterThan(DEFAULTS.maxLength());
        ExpressionException e = rejection(text, DEFAULTS, Map.of());
        assertThat(e).hasMessageContaining("expression is " + text.length()
                + " characters long, more than the limit of 1048576");
        // The refused text is not echoed back whole: the message goes to the client and into the log.
        assertThat(e.getMessage().length()).isLessThan(1_200);
        assertThat(e.getMessage()).contains("... (" + text.length() + " characters)");
    }

    @Test
    void aFilterOfExactlyTheMaximumLengthIsAccepted() {
        ExpressionLimits limits = new ExpressionLimits(12, 10, 10);
        assertThat(parse("id == 123456", limits).test(row("id", 123456L))).isTrue();
        assertThat(rejection("id == 1234567", limits, Map.of()))
                .hasMessageContaining("expression is 13 characters long, more than the limit of 12");
    }

    // ---- nesting

    @Test
    void eachKindOfNestingIsCountedAndRefusedOneLevelPastTheLimit() {
        ExpressionLimits limits = new ExpressionLimits(1 << 20, 5, 100);
        List<String> tooDeep = List.of(
                "(".repeat(6) + "active" + ")".repeat(6),
                "not ".repeat(6) + "active",
                "! ".repeat(6) + "active",
                "id == " + "-".repeat(6) + "1",
                "price > 2" + " ** 2".repeat(6),
                "array_contains(tags, " + "[".repeat(5) + "1" + "]".repeat(5) + ")",
                "not (not (not (id > 1)))",
                "(((id > -(-1))))");
        for (String text : tooDeep) {
            assertThat(rejection(text, limits, Map.of()))
                    .as(text).hasMessageContaining("expression is nested more than 5 levels deep");
        }
        List<String> deepEnough = List.of(
                "(".repeat(5) + "active" + ")".repeat(5),
                "not ".repeat(5) + "active",
                "id == " + "-".repeat(5) + "1",
                "price > 2" + " ** 2".repeat(5),
                "not (not (id > 1))",
                "((id > -(-1)))");
        for (String text : deepEnough) {
            assertThat(parse(text, limits)).as(text).isNotNull();
        }
    }

    @Test
    void operatorsThatCloseTheirOperandFreeTheirLevel() {
        ExpressionLimits limits = new ExpressionLimits(1 << 20, 3, 100);
        // Side by side, not nested: every "not" ends at the next and/or, every sign at the next binary operator.
        assertThat(parse(joined("not active", " and ", "not active", 50), limits).test(row("active", false))).isTrue();
        assertThat(parse(joined("-id", " + ", "-id", 50) + " < 0", limits).test(row("id", 1L))).isTrue();
        assertThat(parse(joined("(id > 0)", " or ", "(id > 0)", 50), limits).test(row("id", 1L))).isTrue();
        // "not in", "is not null" and subscripts open no level.
        assertThat(parse("((id not in [1, 2]))", limits).test(row("id", 3L))).isTrue(); // the list is level 3
        assertThat(parse("(((title is not null)))", limits).test(row("title", "t"))).isTrue();
        assertThat(parse("(((meta[\"a\"][\"b\"] == 1)))", limits)
                .test(row("meta", Fixtures.map("a", Fixtures.map("b", 1L))))).isTrue();
    }

    @Test
    void nestingFarBeyondTheLimitIsRefusedWithoutRecursingIntoIt() throws Exception {
        for (String text : List.of("(".repeat(100_000) + "active" + ")".repeat(100_000),
                "not ".repeat(100_000) + "active",
                "id == " + "-".repeat(100_000) + "1",
                "price > 2" + " ** 2".repeat(100_000),
                "id in " + "[".repeat(100_000) + "]".repeat(100_000))) {
            ExpressionException e = onSmallStack(() -> rejection(text, DEFAULTS, Map.of()));
            assertThat(e).as(abbreviate(text)).hasMessageContaining("expression is nested more than 100 levels deep");
        }
    }

    @Test
    void filtersNestedAsDeeplyAsTheDefaultAllowsRunOnASmallStack() throws Exception {
        int depth = DEFAULTS.maxDepth();
        Map<String, Row> filters = Map.of(
                "(".repeat(depth) + "active" + ")".repeat(depth), row("active", true),
                "not ".repeat(depth) + "active", row("active", true),
                "id == " + "-".repeat(depth) + "1", row("id", 1L),
                "price > 0" + " ** 1".repeat(depth), row("price", 9.5),
                "(".repeat(depth / 2) + "not ".repeat(depth / 2) + "active" + ")".repeat(depth / 2), row("active", true),
                "(".repeat(depth - 1) + "id + 1" + ") * 1".repeat(depth - 1) + " > 1", row("id", 1L));
        for (Map.Entry<String, Row> filter : filters.entrySet()) {
            boolean matched = onSmallStack(() -> parse(filter.getKey(), DEFAULTS).test(filter.getValue()));
            assertThat(matched).as(abbreviate(filter.getKey())).isTrue();
        }
    }

    // ---- flat chains

    @Test
    void aHundredThousandTermArithmeticChainIsEvaluatedWithoutDeepRecursion() throws Exception {
        String text = joined("id", " + ", "1", 100_001) + " == 100001";
        assertThat(text.length()).isLessThan(DEFAULTS.maxLength());
        assertThat(onSmallStack(() -> parse(text, DEFAULTS).test(row("id", 1L)))).isTrue();
        assertThat(onSmallStack(() -> parse(text, DEFAULTS).test(row("id", 2L)))).isFalse();
        String products = joined("id", " * ", "1", 100_001) + " == 7";
        assertThat(onSmallStack(() -> parse(products, DEFAULTS).test(row("id", 7L)))).isTrue();
    }

    @Test
    void aHundredThousandTermOrAndAndChainIsEvaluatedWithoutDeepRecursion() throws Exception {
        String or = joined("a", " or ", "b", 100_000);
        assertThat(onSmallStack(() -> parse(or, DEFAULTS).test(row("a", false, "b", true)))).isTrue();
        assertThat(onSmallStack(() -> parse(or, DEFAULTS).test(row("a", false, "b", false)))).isFalse();
        String and = joined("a", " and ", "b", 100_000);
        assertThat(onSmallStack(() -> parse(and, DEFAULTS).test(row("a", true, "b", true)))).isTrue();
        assertThat(onSmallStack(() -> parse(and, DEFAULTS).test(row("a", true, "b", false)))).isFalse();
    }

    @Test
    void chainsKeepTheirLeftToRightMeaningAndNullPropagation() {
        assertThat(parse("id - 1 - 1 == -1", DEFAULTS).test(row("id", 1L))).isTrue();
        assertThat(parse("id * 6 / 4 % 3 == 1", DEFAULTS).test(row("id", 3L))).isTrue(); // ((3 * 6) / 4) % 3
        assertThat(parse("2 * 3 + id * 2 - 1 == 7", DEFAULTS).test(row("id", 1L))).isTrue();
        assertThat(parse("(id + 1) * 2 - 1 == 3", DEFAULTS).test(row("id", 1L))).isTrue();
        // A null step makes the rest unknown: neither the comparison nor its negation matches.
        assertThat(parse("age + 1 + 1 > 0", DEFAULTS).test(row("age", null))).isFalse();
        assertThat(parse("not (age + 1 + 1 > 0)", DEFAULTS).test(row("age", null))).isFalse();
        assertThat(parse("id / 0 + 1 > 0", DEFAULTS).test(row("id", 1L))).isFalse();
    }

    // ---- lists

    @Test
    void aListLongerThanTheLimitIsRefusedWhereItStands() {
        ExpressionLimits limits = new ExpressionLimits(1 << 20, 10, 3);
        assertThat(parse("id in [1, 2, 3]", limits).test(row("id", 3L))).isTrue();
        ExpressionException e = rejection("id in [1, 2, 3, 4]", limits, Map.of());
        assertThat(e).hasMessageContaining("line 1:6 the list has 4 elements, more than the limit of 3");
        assertThat(rejection("array_contains_any(tags, [\"a\", \"b\", \"c\", \"d\"])", limits, Map.of()))
                .hasMessageContaining("the list has 4 elements, more than the limit of 3");
    }

    @Test
    void theDefaultListLimitBitesBeforeTheLengthLimit() {
        String text = "id in [" + "1,".repeat(DEFAULTS.maxListSize()) + "1]";
        assertThat(text.length()).isLessThan(DEFAULTS.maxLength());
        assertThat(rejection(text, DEFAULTS, Map.of()))
                .hasMessageContaining("the list has 100001 elements, more than the limit of 100000");
        assertThat(parse("id in [" + "1,".repeat(DEFAULTS.maxListSize() - 1) + "2]", DEFAULTS).test(row("id", 2L)))
                .isTrue();
    }

    @Test
    void aTemplateListLongerThanTheLimitIsRefusedNamingThePlaceholder() {
        ExpressionLimits limits = new ExpressionLimits(1 << 20, 3, 3);
        assertThat(FilterExpression.parse("id in {ids}", Fixtures.SCHEMA, Map.of("ids", List.of(1L, 2L, 3L)), limits)
                .test(row("id", 2L))).isTrue();
        assertThat(rejection("id in {ids}", limits, Map.of("ids", List.of(1L, 2L, 3L, 4L))))
                .hasMessageContaining("template variable {ids}: the list has 4 elements, more than the limit of 3");
        Object nested = List.of(1L);
        for (int i = 0; i < 3; i++) {
            nested = List.of(nested);
        }
        assertThat(rejection("meta[\"k\"] in {deep}", limits, Map.of("deep", nested)))
                .hasMessageContaining("template variable {deep}: lists are nested more than 3 levels deep");
    }

    @Test
    void aTemplateListOfFiveMillionIsRefusedQuickly() {
        List<Object> ids = new ArrayList<>(Collections.nCopies(5_000_000, 7L));
        assertThat(rejection("id in {ids}", DEFAULTS, Map.of("ids", ids)))
                .hasMessageContaining("the list has 5000000 elements, more than the limit of 100000");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ExpressionLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpressionLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
