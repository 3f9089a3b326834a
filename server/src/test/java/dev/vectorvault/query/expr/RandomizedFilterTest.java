package dev.vectorvault.query.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generates random filters over a small schema together with a reference evaluator written independently of the
 * production code (Boolean null for unknown, BigDecimal comparisons, LIKE through java.util.regex), and checks
 * that both agree on random rows. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class RandomizedFilterTest {
    private static final int EXPRESSIONS = 3_000;
    private static final int ROWS_PER_EXPRESSION = 25;
    private static final String TEXT_ALPHABET = "ab.%_";

    /** i: Int64?, j: Int64, f: Double, s: VarChar?, b: Bool?, m: JSON? whose key "x" holds anything or nothing. */
    private static final Schema SCHEMA = Fixtures.schema(Map.of(
            "i", FieldType.nullable(ValueType.INT),
            "j", FieldType.of(ValueType.INT),
            "f", FieldType.of(ValueType.FLOAT),
            "s", FieldType.nullable(ValueType.STRING),
            "b", FieldType.nullable(ValueType.BOOL),
            "m", FieldType.nullable(ValueType.JSON)), null);

    /** A generated condition: its filter text and what it means on a row (null = unknown). */
    private record Cond(String text, Function<Map<String, Object>, Boolean> meaning) {
    }

    /** A generated value: its filter text and its value on a row (null = null or missing). */
    private record Val(String text, Function<Map<String, Object>, Object> meaning) {
    }

    private final Random random;
    private final long seed;

    RandomizedFilterTest() {
        String property = System.getProperty("tests.seed");
        seed = property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
        random = new Random(seed);
    }

    @Test
    void randomFiltersAgreeWithAReferenceEvaluator() {
        System.out.println("RandomizedFilterTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        for (int e = 0; e < EXPRESSIONS; e++) {
            Cond cond = condition(3);
            FilterExpression filter = FilterExpression.parse(cond.text(), SCHEMA, Map.of());
            for (int r = 0; r < ROWS_PER_EXPRESSION; r++) {
                Map<String, Object> row = randomRow();
                boolean expected = Boolean.TRUE.equals(cond.meaning().apply(row));
                assertThat(filter.test(row::get))
                        .as("seed %d, filter %s, row %s", seed, cond.text(), row)
                        .isEqualTo(expected);
            }
        }
    }

    // ---- rows

    private Map<String, Object> randomRow() {
        Map<String, Object> row = new HashMap<>();
        row.put("i", chance(5) ? null : smallLong());
        row.put("j", smallLong());
        row.put("f", smallDouble());
        row.put("s", chance(5) ? null : randomText(3));
        row.put("b", chance(8) ? null : random.nextBoolean());
        row.put("m", chance(8) ? null : randomJson());
        return row;
    }

    private Map<String, Object> randomJson() {
        Map<String, Object> json = new HashMap<>();
        switch (random.nextInt(6)) {
            case 0 -> { } // key missing
            case 1 -> json.put("x", null);
            case 2 -> json.put("x", smallLong());
            case 3 -> json.put("x", smallDouble());
            case 4 -> json.put("x", randomText(3));
            default -> json.put("x", random.nextBoolean());
        }
        return json;
    }

    // ---- conditions

    private Cond condition(int depth) {
        int kinds = depth > 0 ? 12 : 8;
        return switch (random.nextInt(kinds)) {
            case 0 -> numericComparison(depth);
            case 1 -> textComparison();
            case 2 -> booleanTest();
            case 3 -> membership(depth);
            case 4 -> like();
            case 5 -> nullTest();
            case 6 -> range(depth);
            case 7 -> constantComparison();
            case 8 -> negation(depth - 1);
            case 9, 10 -> junction(depth - 1, random.nextBoolean());
            default -> parenthesized(condition(depth - 1));
        };
    }

    private Cond numericComparison(int depth) {
        Val left = numeric(depth);
        Val right = numeric(depth);
        String op = pick("==", "!=", "<", "<=", ">", ">=");
        return new Cond(left.text() + " " + op + " " + right.text(),
                row -> compare(left.meaning().apply(row), op, right.meaning().apply(row)));
    }

    private Cond textComparison() {
        Val left = text();
        Val right = text();
        String op = pick("==", "!=", "<", "<=", ">", ">=");
        return new Cond(left.text() + " " + op + " " + right.text(),
                row -> compare(left.meaning().apply(row), op, right.meaning().apply(row)));
    }

    private Cond booleanTest() {
        return switch (random.nextInt(4)) {
            case 0 -> new Cond("b", row -> row.get("b") instanceof Boolean v ? v : null);
            case 1 -> new Cond("m[\"x\"]", row -> jsonX(row) instanceof Boolean v ? v : null);
            case 2 -> {
                boolean literal = random.nextBoolean();
                String op = pick("==", "!=");
                yield new Cond("b " + op + " " + pick(literal ? "true" : "false", literal ? "True" : "FALSE"),
                        row -> compare(row.get("b"), op, literal));
            }
            default -> new Cond("b == m[\"x\"]", row -> compare(row.get("b"), "==", jsonX(row)));
        };
    }

    private Cond membership(int depth) {
        boolean numeric = random.nextBoolean();
        Val subject = numeric ? numeric(depth) : text();
        List<Val> elements = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
            elements.add(numeric ? numberLiteral() : textLiteral());
        }
        boolean negated = random.nextBoolean();
        String text = subject.text() + (negated ? pick(" not in ", " NOT IN ") : pick(" in ", " IN "))
                + "[" + String.join(", ", elements.stream().map(Val::text).toList()) + "]";
        return new Cond(text, row -> {
            Object value = subject.meaning().apply(row);
            if (value == null) {
                return null;
            }
            boolean found = elements.stream().anyMatch(element -> equal(value, element.meaning().apply(row)));
            return found != negated;
        });
    }

    private Cond like() {
        Val subject = random.nextBoolean() ? field("s") : jsonX();
        String pattern = randomPattern();
        StringBuilder literal = new StringBuilder("\"");
        for (char c : pattern.toCharArray()) {
            literal.append(c == '\\' || c == '"' ? "\\" + c : String.valueOf(c));
        }
        literal.append('"');
        Pattern regex = likeToRegex(pattern);
        return new Cond(subject.text() + pick(" like ", " LIKE ") + literal,
                row -> subject.meaning().apply(row) instanceof String s ? regex.matcher(s).matches() : null);
    }

    private Cond nullTest() {
        Val target = switch (random.nextInt(6)) {
            case 0 -> field("i");
            case 1 -> field("s");
            case 2 -> field("b");
            case 3 -> field("m");
            case 4 -> jsonX();
            default -> new Val("m[\"y\"]", row -> null);
        };
        return switch (random.nextInt(3)) {
            case 0 -> new Cond(target.text() + pick(" is null", " IS NULL"), row -> target.meaning().apply(row) == null);
            case 1 -> new Cond(target.text() + pick(" is not null", " IS NOT NULL"),
                    row -> target.meaning().apply(row) != null);
            default -> new Cond("exists m[\"x\"]", row -> jsonX(row) != null);
        };
    }

    private Cond range(int depth) {
        Val lower = random.nextBoolean() ? numberLiteral() : numeric(0);
        Val subject = numeric(depth);
        Val upper = random.nextBoolean() ? numberLiteral() : numeric(0);
        boolean ascending = random.nextBoolean();
        String op1 = ascending ? pick("<", "<=") : pick(">", ">=");
        String op2 = ascending ? pick("<", "<=") : pick(">", ">=");
        return new Cond(lower.text() + " " + op1 + " " + subject.text() + " " + op2 + " " + upper.text(), row -> {
            Object value = subject.meaning().apply(row);
            return and(compare(lower.meaning().apply(row), op1, value), compare(value, op2, upper.meaning().apply(row)));
        });
    }

    private Cond constantComparison() {
        Val left = numberLiteral();
        Val right = numberLiteral();
        String op = pick("==", "!=", "<", ">=");
        return new Cond(left.text() + " " + op + " " + right.text(),
                row -> compare(left.meaning().apply(row), op, right.meaning().apply(row)));
    }

    private Cond negation(int depth) {
        Cond operand = condition(depth);
        return new Cond(pick("not ", "NOT ", "!") + "(" + operand.text() + ")", row -> {
            Boolean value = operand.meaning().apply(row);
            return value == null ? null : !value;
        });
    }

    private Cond junction(int depth, boolean conjunction) {
        List<Cond> parts = new ArrayList<>();
        for (int n = 2 + random.nextInt(2); n > 0; n--) {
            parts.add(condition(depth));
        }
        String keyword = conjunction ? pick(" and ", " AND ", " && ") : pick(" or ", " OR ", " || ");
        return new Cond(String.join(keyword, parts.stream().map(part -> "(" + part.text() + ")").toList()), row -> {
            Boolean result = conjunction;
            for (Cond part : parts) {
                Boolean value = part.meaning().apply(row);
                result = conjunction ? and(result, value) : or(result, value);
            }
            return result;
        });
    }

    private static Cond parenthesized(Cond inner) {
        return new Cond("(" + inner.text() + ")", inner.meaning());
    }

    // ---- values

    private Val numeric(int depth) {
        return switch (random.nextInt(depth > 0 ? 7 : 5)) {
            case 0 -> field("i");
            case 1 -> field("j");
            case 2 -> field("f");
            case 3 -> jsonX();
            case 4 -> numberLiteral();
            case 5 -> negated(numeric(depth - 1));
            default -> arithmetic(depth - 1);
        };
    }

    private Val arithmetic(int depth) {
        Val left = numeric(depth);
        Val right = numeric(depth);
        String op = pick("+", "-", "*");
        return new Val("(" + left.text() + " " + op + " " + right.text() + ")",
                row -> arithmetic(left.meaning().apply(row), op, right.meaning().apply(row)));
    }

    private static Val negated(Val operand) {
        return new Val("-(" + operand.text() + ")", row -> arithmetic(0L, "-", operand.meaning().apply(row)));
    }

    private Val text() {
        return switch (random.nextInt(3)) {
            case 0 -> field("s");
            case 1 -> jsonX();
            default -> textLiteral();
        };
    }

    private static Val field(String name) {
        return new Val(name, row -> row.get(name));
    }

    private static Val jsonX() {
        return new Val("m[\"x\"]", RandomizedFilterTest::jsonX);
    }

    private static Object jsonX(Map<String, Object> row) {
        return row.get("m") instanceof Map<?, ?> json ? json.get("x") : null;
    }

    private Val numberLiteral() {
        Object value = random.nextBoolean() ? (Object) smallLong() : (Object) smallDouble();
        return new Val(value.toString(), row -> value);
    }

    private Val textLiteral() {
        String value = randomText(3).replace("%", "").replace("_", "");
        String quote = pick("\"", "'");
        return new Val(quote + value + quote, row -> value);
    }

    // ---- reference semantics

    /** Three-valued comparison: null operands are unknown; unlike kinds are unequal and have no order. */
    private static Boolean compare(Object a, String op, Object b) {
        if (a == null || b == null) {
            return null;
        }
        if (op.equals("==")) {
            return equal(a, b);
        }
        if (op.equals("!=")) {
            return !equal(a, b);
        }
        int order;
        if (a instanceof Number x && b instanceof Number y) {
            order = decimal(x).compareTo(decimal(y));
        } else if (a instanceof String x && b instanceof String y) {
            order = x.compareTo(y); // the generated text is ASCII, where UTF-16 and code point order agree
        } else {
            return null;
        }
        return switch (op) {
            case "<" -> order < 0;
            case "<=" -> order <= 0;
            case ">" -> order > 0;
            default -> order >= 0;
        };
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        return Objects.equals(a, b);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal(n.doubleValue());
    }

    private static Object arithmetic(Object a, String op, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            return null;
        }
        if (x instanceof Long l && y instanceof Long r) {
            return switch (op) {
                case "+" -> l + r;
                case "-" -> l - r;
                default -> l * r;
            };
        }
        double l = x.doubleValue();
        double r = y.doubleValue();
        return switch (op) {
            case "+" -> l + r;
            case "-" -> l - r;
            default -> l * r;
        };
    }

    private static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return a == null || b == null ? null : true;
    }

    private static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return true;
        }
        return a == null || b == null ? null : false;
    }

    /** LIKE as a regular expression: % is .*, _ is ., a backslash quotes the next character, the rest is quoted. */
    private static Pattern likeToRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    // ---- randomness

    private String randomPattern() {
        StringBuilder pattern = new StringBuilder();
        for (int n = random.nextInt(5); n > 0; n--) {
            pattern.append(chance(6) ? "\\" + pick("%", "_", "a") : String.valueOf(TEXT_ALPHABET.charAt(
                    random.nextInt(TEXT_ALPHABET.length()))));
        }
        return pattern.toString();
    }

    private String randomText(int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            text.append(TEXT_ALPHABET.charAt(random.nextInt(TEXT_ALPHABET.length())));
        }
        return text.toString();
    }

    private long smallLong() {
        return random.nextInt(11) - 5;
    }

    private double smallDouble() {
        return pick(-2.5, -1.0, 0.0, 0.5, 1.0, 2.0, 3.25);
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
