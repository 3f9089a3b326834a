package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.ValueType.STRING;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code text_match(field, 'query'[, minimum_should_match=N])} and {@code phrase_match(field, 'phrase'[, slop])}
 * (names in any letter case) on a VarChar field with {@code enable_match}; refusals in Milvus's words.
 */
final class TextFunctions {
    static final String TEXT_MATCH = "text_match";
    static final String PHRASE_MATCH = "phrase_match";
    private static final long MAX_SLOP = 0xFFFF_FFFFL;
    private static final int MAX_MINIMUM_SHOULD_MATCH = 1000;

    private final Source source;
    private final Schema schema;

    TextFunctions(Source source, Schema schema) {
        this.source = source;
        this.schema = schema;
    }

    static boolean handles(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals(TEXT_MATCH) || lower.equals(PHRASE_MATCH);
    }

    /** Compiles a call; {@code option} is the compiled named argument, or null when there is none. */
    Term call(FilterParser.FunctionCallContext ctx, List<Term> arguments, Term option) {
        boolean phrase = ctx.IDENTIFIER().getText().toLowerCase(Locale.ROOT).equals(PHRASE_MATCH);
        String name = phrase ? PHRASE_MATCH : TEXT_MATCH;
        if (arguments.size() < 2 || arguments.size() > (phrase ? 3 : 2)) {
            throw source.error(ctx, phrase
                    ? "phrase_match takes a field, a string and an optional slop, as in phrase_match(f, 'a b', 1)"
                    : "text_match takes a field and a string, as in text_match(f, 'words')");
        }
        Term subject = arguments.get(0);
        if (!(subject.operand() instanceof FieldReference field)) {
            throw source.error(ctx.arith(0), name + " needs a field name as its first argument");
        }
        if (!subject.is(STRING)) {
            throw source.error(ctx.arith(0), (phrase ? "phrase" : "text")
                    + " match operation on non-string is unsupported");
        }
        FieldAnalyzer analyzer = schema.matchAnalyzer(field.name()).orElseThrow(() ->
                source.error(ctx.arith(0), "field \"" + field.name() + "\" does not enable match"));
        if (!(arguments.get(1).constant() instanceof String query)) {
            throw source.error(ctx.arith(1), name + " needs a string constant as its second argument");
        }
        List<FieldAnalyzer.Token> tokens = analyzer.tokens(query);
        if (phrase) {
            if (option != null) {
                throw source.error(ctx.option(), "phrase_match takes no named argument");
            }
            long slop = arguments.size() == 3 ? slop(ctx.arith(2), arguments.get(2)) : 0;
            if (tokens.size() >= 2) {
                return Term.condition(new PhraseMatch(field.name(), analyzer, tokens, slop));
            }
            return Term.condition(new TextMatch(field.name(), analyzer, terms(tokens), 1));
        }
        int minimum = option == null ? 1 : minimumShouldMatch(ctx.option(), option);
        return Term.condition(new TextMatch(field.name(), analyzer, terms(tokens), minimum));
    }

    private long slop(FilterParser.ArithContext at, Term slop) {
        if (!(slop.constant() instanceof Long value)) {
            throw source.error(at, "\"slop\" should be a const integer expression with \"uint32\" value. \"slop\""
                    + " expression passed: " + at.getText());
        }
        if (value < 0) {
            throw source.error(at, "\"slop\" should not be a negative interger. \"slop\" passed: " + at.getText());
        }
        if (value > MAX_SLOP) {
            throw source.error(at, "\"slop\" exceeds the range of \"uint32\". \"slop\" expression passed: "
                    + at.getText());
        }
        return value;
    }

    private int minimumShouldMatch(FilterParser.OptionContext at, Term value) {
        if (!at.name.getText().equalsIgnoreCase("minimum_should_match")) {
            throw source.error(at, "text_match takes only the named argument minimum_should_match, got "
                    + at.name.getText());
        }
        if (!(value.constant() instanceof Long n)) {
            throw source.error(at.value, "minimum_should_match should be a const integer expression");
        }
        if (n < 1) {
            throw source.error(at.value, "minimum_should_match should be >= 1, got " + n);
        }
        if (n > MAX_MINIMUM_SHOULD_MATCH) {
            throw source.error(at.value, "minimum_should_match should be <= " + MAX_MINIMUM_SHOULD_MATCH + ", got "
                    + n);
        }
        return n.intValue();
    }

    private static List<String> terms(List<FieldAnalyzer.Token> tokens) {
        List<String> terms = new ArrayList<>(tokens.size());
        tokens.forEach(t -> terms.add(t.term()));
        return terms;
    }
}
