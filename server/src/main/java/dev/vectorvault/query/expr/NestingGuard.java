package dev.vectorvault.query.expr;

import java.util.ArrayDeque;
import java.util.Deque;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Stands between the lexer and the parser and refuses a filter as soon as a token takes it deeper than
 * {@link ExpressionLimits#maxDepth()} levels, before the parser's recursive descent (and later the compiler's) can
 * follow it there. The parser pulls tokens one at a time with one token of lookahead, so its recursion never runs
 * ahead of what this guard has already seen.
 *
 * <p>A level is what makes the grammar recurse: a parenthesis, list bracket or function call, and within one of
 * those each {@code not}, unary sign and {@code **} whose operand is still open. A {@code not} stays open until the
 * next {@code and}, {@code or}, comma or closing bracket (its operand is a whole predicate); a sign or {@code **}
 * until the next binary operator that binds less tightly. Subscripts ({@code meta["a"]}) and flat chains
 * ({@code a + b + c}, {@code x or y or z}) add no level.
 */
final class NestingGuard implements TokenSource {
    private final TokenSource lexer;
    private final Source source;
    private final int maxDepth;
    private final Deque<Level> levels = new ArrayDeque<>();
    private int depth;
    private Token previous;
    private boolean notPending; // the previous token was a NOT that is prefix unless IN follows ("not in")

    /** Open prefix operators inside one bracket. */
    private static final class Level {
        final boolean counts; // a subscript's bracket does not nest
        int nots;
        int signsAndPowers;

        Level(boolean counts) {
            this.counts = counts;
        }
    }

    NestingGuard(TokenSource lexer, Source source, int maxDepth) {
        this.lexer = lexer;
        this.source = source;
        this.maxDepth = maxDepth;
        levels.push(new Level(false));
    }

    @Override
    public Token nextToken() {
        Token token = lexer.nextToken();
        observe(token);
        previous = token;
        return token;
    }

    private void observe(Token token) {
        Level level = levels.peek();
        int type = token.getType();
        if (notPending) {
            notPending = false;
            if (type == FilterLexer.IN) { // "x not in [...]": the NOT was part of the operator
                level.nots--;
                depth--;
            }
        }
        switch (type) {
            case FilterLexer.LPAREN, FilterLexer.LBRACKET -> {
                boolean subscript = type == FilterLexer.LBRACKET && previous != null
                        && (previous.getType() == FilterLexer.IDENTIFIER
                        || previous.getType() == FilterLexer.RBRACKET);
                levels.push(new Level(!subscript));
                if (!subscript) {
                    depth++;
                }
            }
            case FilterLexer.RPAREN, FilterLexer.RBRACKET -> {
                if (levels.size() > 1) { // an unmatched one is the parser's syntax error to report
                    Level closed = levels.pop();
                    depth -= closed.nots + closed.signsAndPowers + (closed.counts ? 1 : 0);
                }
            }
            case FilterLexer.NOT -> {
                if (previous == null || previous.getType() != FilterLexer.IS) {
                    level.nots++;
                    depth++;
                    notPending = true;
                }
            }
            case FilterLexer.AND, FilterLexer.OR, FilterLexer.COMMA -> {
                depth -= level.nots + level.signsAndPowers;
                level.nots = 0;
                level.signsAndPowers = 0;
            }
            case FilterLexer.POW -> {
                level.signsAndPowers++;
                depth++;
            }
            case FilterLexer.ADD, FilterLexer.SUB -> {
                if (isPrefix()) {
                    level.signsAndPowers++;
                    depth++;
                } else {
                    endSignsAndPowers(level);
                }
            }
            case FilterLexer.MUL, FilterLexer.DIV, FilterLexer.MOD, FilterLexer.EQ, FilterLexer.NE, FilterLexer.LT,
                 FilterLexer.LE, FilterLexer.GT, FilterLexer.GE, FilterLexer.IN, FilterLexer.LIKE, FilterLexer.IS ->
                    endSignsAndPowers(level);
            default -> { }
        }
        // A NOT just seen is counted once the next token shows it is not part of "not in".
        if (depth - (notPending ? 1 : 0) > maxDepth) {
            throw source.error(token, "expression is nested more than " + maxDepth + " levels deep");
        }
    }

    private void endSignsAndPowers(Level level) {
        depth -= level.signsAndPowers;
        level.signsAndPowers = 0;
    }

    /** A sign is unary where an operand must start: at the beginning, after a bracket, comma or operator. */
    private boolean isPrefix() {
        if (previous == null) {
            return true;
        }
        return switch (previous.getType()) {
            case FilterLexer.IDENTIFIER, FilterLexer.INTEGER, FilterLexer.FLOAT, FilterLexer.STRING,
                 FilterLexer.BOOLEAN, FilterLexer.NULL, FilterLexer.RPAREN, FilterLexer.RBRACKET,
                 FilterLexer.RBRACE -> false;
            default -> true;
        };
    }

    @Override
    public int getLine() {
        return lexer.getLine();
    }

    @Override
    public int getCharPositionInLine() {
        return lexer.getCharPositionInLine();
    }

    @Override
    public CharStream getInputStream() {
        return lexer.getInputStream();
    }

    @Override
    public String getSourceName() {
        return lexer.getSourceName();
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        lexer.setTokenFactory(factory);
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return lexer.getTokenFactory();
    }
}
