package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.ValueType.ARRAY;
import static dev.vectorvault.query.expr.ValueType.BOOL;
import static dev.vectorvault.query.expr.ValueType.FLOAT;
import static dev.vectorvault.query.expr.ValueType.INT;
import static dev.vectorvault.query.expr.ValueType.JSON;
import static dev.vectorvault.query.expr.ValueType.STRING;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Turns a parse tree into evaluator nodes, resolving names against the schema and checking types on the way,
 * so that evaluation never meets a name or type problem. Constant sub-expressions are folded. Not thread-safe:
 * one instance per expression.
 */
final class ExpressionCompiler extends FilterBaseVisitor<Term> {
    private static final Row NO_ROW = field -> null;

    private final Source source;
    private final Map<String, Object> templateValues;
    private final FieldResolver fields;
    private final ArrayFunctions functions;
    private final TextFunctions textFunctions;
    private final ExpressionLimits limits;

    private ExpressionCompiler(Source source, Schema schema, Map<String, Object> templateValues,
                               ExpressionLimits limits) {
        this.source = source;
        this.templateValues = templateValues;
        this.limits = limits;
        this.fields = new FieldResolver(schema, source);
        this.functions = new ArrayFunctions(source);
        this.textFunctions = new TextFunctions(source, schema);
    }

    /**
     * Parses and compiles {@code text}; throws {@link ExpressionException} at the first syntax, name or type error,
     * or when the text breaks one of {@code limits}: its length is checked before anything else, its nesting
     * while it is parsed (so the parser's recursion stays bounded), list sizes as they are compiled.
     */
    static Condition compile(String text, Schema schema, Map<String, Object> templateValues, ExpressionLimits limits) {
        Source source = new Source(text);
        if (text.length() > limits.maxLength()) {
            throw ExpressionException.at(text, 1, 0, "expression is " + text.length()
                    + " characters long, more than the limit of " + limits.maxLength());
        }
        // ANTLR would report and recover; a filter must be rejected as a whole at its first error instead.
        BaseErrorListener failFast = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
                                    String message, RecognitionException e) {
                throw ExpressionException.at(text, line, column, message);
            }
        };
        FilterLexer lexer = new FilterLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(failFast);
        FilterParser parser = new FilterParser(
                new CommonTokenStream(new NestingGuard(lexer, source, limits.maxDepth())));
        parser.removeErrorListeners();
        parser.addErrorListener(failFast);
        FilterParser.OrExprContext root = parser.filter().orExpr();
        ExpressionCompiler compiler = new ExpressionCompiler(source, schema, templateValues, limits);
        return compiler.toCondition(compiler.visit(root), root);
    }

    /**
     * Steps through the rules that only pass a single child on ({@code (x)}, or an operand with no operator at
     * one precedence level) in a loop before dispatching, so that each nesting level costs a few stack frames
     * instead of a dozen rules' worth; the visit methods below treat those shapes the same way.
     */
    @Override
    public Term visit(ParseTree tree) {
        return passThrough(tree).accept(this);
    }

    private static ParseTree passThrough(ParseTree tree) {
        while (true) {
            ParseTree next = null;
            if (tree instanceof FilterParser.OrExprContext or && or.andExpr().size() == 1) {
                next = or.andExpr(0);
            } else if (tree instanceof FilterParser.AndExprContext and && and.notExpr().size() == 1) {
                next = and.notExpr(0);
            } else if (tree instanceof FilterParser.NotExprContext not && not.NOT() == null) {
                next = not.predicate();
            } else if (tree instanceof FilterParser.SubjectPredicateContext subject && subject.predicateTail() == null) {
                next = subject.arith();
            } else if (tree instanceof FilterParser.ArithContext arith && arith.operators.isEmpty()) {
                next = arith.operands.get(0);
            } else if (tree instanceof FilterParser.ProductContext product && product.operators.isEmpty()) {
                next = product.operands.get(0);
            } else if (tree instanceof FilterParser.SignedContext signed && signed.operator == null) {
                next = signed.power();
            } else if (tree instanceof FilterParser.PowerContext power && power.exponent == null) {
                next = power.base;
            } else if (tree instanceof FilterParser.ParenthesizedContext parenthesized) {
                next = parenthesized.orExpr();
            }
            if (next == null) {
                return tree;
            }
            tree = next;
        }
    }

    // ---- logic

    @Override
    public Term visitOrExpr(FilterParser.OrExprContext ctx) {
        return ctx.andExpr().size() == 1 ? visit(ctx.andExpr(0)) : Term.condition(new Or(conditions(ctx.andExpr())));
    }

    @Override
    public Term visitAndExpr(FilterParser.AndExprContext ctx) {
        return ctx.notExpr().size() == 1 ? visit(ctx.notExpr(0)) : Term.condition(new And(conditions(ctx.notExpr())));
    }

    @Override
    public Term visitNotExpr(FilterParser.NotExprContext ctx) {
        if (ctx.NOT() == null) {
            return visit(ctx.predicate());
        }
        return Term.condition(new Not(toCondition(visit(ctx.notExpr()), ctx.notExpr())));
    }

    private List<Condition> conditions(List<? extends ParserRuleContext> operands) {
        List<Condition> result = new ArrayList<>(operands.size());
        for (ParserRuleContext operand : operands) {
            result.add(toCondition(visit(operand), operand));
        }
        return result;
    }

    private Condition toCondition(Term term, ParserRuleContext at) {
        if (term.condition() != null) {
            return term.condition();
        }
        if (term.constant() instanceof Boolean value) {
            return new ConstantCondition(Truth.of(value));
        }
        if (term.is(BOOL) || term.is(JSON)) {
            return new BooleanValue(term.operand());
        }
        throw source.error(at, "expected a boolean expression, got " + term.type().milvusName());
    }

    // ---- predicates

    @Override
    public Term visitExistsPredicate(FilterParser.ExistsPredicateContext ctx) {
        Term path = visit(ctx.arith());
        if (!path.isPath() || !path.is(JSON)) {
            throw source.error(ctx.arith(), "exists needs a JSON path such as json_field[\"key\"]");
        }
        return Term.condition(new NullCheck(path.operand(), false));
    }

    @Override
    public Term visitSubjectPredicate(FilterParser.SubjectPredicateContext ctx) {
        Term subject = visit(ctx.arith());
        FilterParser.PredicateTailContext tail = ctx.predicateTail();
        if (tail == null) {
            return subject;
        }
        if (tail instanceof FilterParser.ComparisonTailContext comparison) {
            return comparison(subject, comparison);
        }
        if (tail instanceof FilterParser.MembershipTailContext membership) {
            return membership(subject, ctx.arith(), membership);
        }
        if (tail instanceof FilterParser.LikeTailContext like) {
            return like(subject, ctx.arith(), like);
        }
        return nullCheck(subject, ctx.arith(), (FilterParser.NullTailContext) tail);
    }

    private Term comparison(Term left, FilterParser.ComparisonTailContext tail) {
        Term middle = visit(tail.arith(0));
        CompareOp first = checkedComparison(left, tail.compareOp(0), middle);
        if (tail.compareOp().size() == 1) {
            return fold(new Comparison(left.operand(), first, middle.operand()), left, middle);
        }
        CompareOp second = CompareOp.of(tail.compareOp(1).getStart().getType());
        if (!first.chainsWith(second)) {
            throw source.error(tail.compareOp(1), "only a range can chain comparisons, with < or <= on both sides or"
                    + " > or >= on both sides, as in 1 < x <= 5");
        }
        Term upper = visit(tail.arith(1));
        checkedComparison(middle, tail.compareOp(1), upper);
        return fold(new Range(left.operand(), first, middle.operand(), second, upper.operand()), left, middle, upper);
    }

    private CompareOp checkedComparison(Term left, FilterParser.CompareOpContext operator, Term right) {
        CompareOp op = CompareOp.of(operator.getStart().getType());
        String problem = TypeRules.checkComparison(left.type(), op, right.type());
        if (problem != null) {
            throw source.error(operator, problem);
        }
        return op;
    }

    private Term membership(Term subject, ParserRuleContext subjectAt, FilterParser.MembershipTailContext tail) {
        if (!TypeRules.scalarOrJson(subject.type())) {
            throw source.error(subjectAt, "in does not apply to " + subject.type().milvusName()
                    + (subject.is(ARRAY) ? ", use array_contains_any" : ""));
        }
        Term list = visit(tail.arith());
        if (!(list.constant() instanceof List<?> values)) {
            throw source.error(tail.arith(), "in needs a list of constants, such as [1, 2, 3]");
        }
        for (Object value : values) {
            if (!TypeRules.equalityCompatible(subject.type(), Literals.typeOf(value))) {
                throw source.error(tail.arith(), "value " + Literals.describe(value)
                        + " in the list cannot be compared with " + subject.type().milvusName());
            }
        }
        return fold(new Membership(subject.operand(), values, tail.NOT() != null), subject);
    }

    private Term like(Term subject, ParserRuleContext subjectAt, FilterParser.LikeTailContext tail) {
        if (!subject.is(STRING) && !subject.is(JSON)) {
            throw source.error(subjectAt, "like needs a VarChar or JSON value, got " + subject.type().milvusName());
        }
        Term pattern = visit(tail.arith());
        if (!(pattern.constant() instanceof String patternText)) {
            throw source.error(tail.arith(), "the pattern of like must be a string literal");
        }
        return fold(new Like(subject.operand(), LikePattern.compile(patternText)), subject);
    }

    private Term nullCheck(Term subject, ParserRuleContext subjectAt, FilterParser.NullTailContext tail) {
        if (!subject.isPath()) {
            throw source.error(subjectAt, "is null applies to a field or a JSON path, not to an expression");
        }
        return Term.condition(new NullCheck(subject.operand(), tail.NOT() == null));
    }

    /** A condition over constants only is decided now, unless it is UNKNOWN (NaN), which must stay UNKNOWN. */
    private static Term fold(Condition condition, Term... inputs) {
        for (Term input : inputs) {
            if (!input.isConstant()) {
                return Term.condition(condition);
            }
        }
        Truth truth = condition.evaluate(NO_ROW);
        return truth == Truth.UNKNOWN ? Term.condition(condition) : Term.constant(truth == Truth.TRUE);
    }

    // ---- arithmetic

    @Override
    public Term visitArith(FilterParser.ArithContext ctx) {
        return chain(ctx.operands, ctx.operators);
    }

    @Override
    public Term visitProduct(FilterParser.ProductContext ctx) {
        return chain(ctx.operands, ctx.operators);
    }

    /**
     * A flat run such as {@code a + b - c} or {@code a * b / c}: leading constants are folded, and from the first
     * value only known per row on the rest becomes one {@link Arithmetic} chain, however long, so that neither
     * compiling nor evaluating it recurses per term.
     */
    private Term chain(List<? extends ParserRuleContext> operands, List<Token> operators) {
        Term result = visit(operands.get(0));
        Operand first = null; // set once the running value is no longer a constant
        List<ArithmeticOp> ops = new ArrayList<>();
        List<Operand> rest = new ArrayList<>();
        for (int i = 0; i < operators.size(); i++) {
            Token operator = operators.get(i);
            Term right = visit(operands.get(i + 1));
            ArithmeticOp op = checkedOperator(result, operator, right);
            if (first == null && result.isConstant() && right.isConstant()) {
                result = folded(op, result, right, operator);
                continue;
            }
            if (first == null) {
                first = result.operand();
            }
            ops.add(op);
            rest.add(right.operand());
            // Only the type of the running value matters until the chain is complete.
            result = Term.value(null, FieldType.nullable(resultType(op, result, right)));
        }
        return first == null ? result : Term.value(new Arithmetic(first, ops, rest), result.type());
    }

    @Override
    public Term visitSigned(FilterParser.SignedContext ctx) {
        if (ctx.operator == null) {
            return visit(ctx.power());
        }
        if (ctx.operator.getType() == FilterLexer.SUB && isIntegerLiteral(ctx.signed())) {
            // Read with its sign: 9223372036854775808 alone is out of range, -9223372036854775808 is Long.MIN_VALUE.
            return Term.constant(source.decode(ctx, () -> Literals.parseInteger("-" + ctx.signed().getText())));
        }
        Term operand = visit(ctx.signed());
        requireArithmetic(operand, ctx.operator);
        if (ctx.operator.getType() == FilterLexer.ADD) {
            return operand;
        }
        return operand.isConstant()
                ? Term.constant(Negate.negate(operand.constant()))
                : Term.value(new Negate(operand.operand()), operand.type());
    }

    private static boolean isIntegerLiteral(FilterParser.SignedContext ctx) {
        return ctx.power() != null && ctx.power().exponent == null
                && ctx.power().base instanceof FilterParser.IntegerLiteralContext;
    }

    @Override
    public Term visitPower(FilterParser.PowerContext ctx) {
        Term base = visit(ctx.base);
        return ctx.exponent == null ? base : arithmetic(base, ctx.POW().getSymbol(), visit(ctx.exponent));
    }

    private Term arithmetic(Term left, Token operator, Term right) {
        ArithmeticOp op = checkedOperator(left, operator, right);
        if (left.isConstant() && right.isConstant()) {
            return folded(op, left, right, operator);
        }
        return Term.value(new Arithmetic(left.operand(), List.of(op), List.of(right.operand())),
                FieldType.nullable(resultType(op, left, right)));
    }

    private ArithmeticOp checkedOperator(Term left, Token operator, Term right) {
        ArithmeticOp op = ArithmeticOp.of(operator.getType());
        requireArithmetic(left, operator);
        requireArithmetic(right, operator);
        if (op == ArithmeticOp.MOD && (left.is(FLOAT) || right.is(FLOAT))) {
            throw source.error(operator, "operator % needs integers, got Double");
        }
        return op;
    }

    private Term folded(ArithmeticOp op, Term left, Term right, Token operator) {
        Object value = op.apply(left.constant(), right.constant());
        if (value == null) {
            throw source.error(operator, "division by zero");
        }
        return Term.constant(value);
    }

    private static ValueType resultType(ArithmeticOp op, Term left, Term right) {
        if (op == ArithmeticOp.POW) {
            return FLOAT;
        }
        if (left.is(JSON) || right.is(JSON)) {
            return JSON;
        }
        return left.is(INT) && right.is(INT) ? INT : FLOAT;
    }

    private void requireArithmetic(Term term, Token operator) {
        if (!TypeRules.arithmetic(term.type())) {
            throw source.error(operator, "operator " + operator.getText() + " cannot be applied to "
                    + term.type().milvusName());
        }
    }

    // ---- primaries

    @Override
    public Term visitIntegerLiteral(FilterParser.IntegerLiteralContext ctx) {
        return Term.constant(source.decode(ctx, () -> Literals.parseInteger(ctx.getText())));
    }

    @Override
    public Term visitFloatLiteral(FilterParser.FloatLiteralContext ctx) {
        return Term.constant(source.decode(ctx, () -> Literals.parseFloat(ctx.getText())));
    }

    @Override
    public Term visitStringLiteral(FilterParser.StringLiteralContext ctx) {
        return Term.constant(source.decode(ctx, () -> Literals.unquote(ctx.getText())));
    }

    @Override
    public Term visitBooleanLiteral(FilterParser.BooleanLiteralContext ctx) {
        return Term.constant(ctx.getText().equalsIgnoreCase("true"));
    }

    @Override
    public Term visitListLiteral(FilterParser.ListLiteralContext ctx) {
        if (ctx.arith().size() > limits.maxListSize()) {
            throw source.error(ctx, "the list has " + ctx.arith().size() + " elements, more than the limit of "
                    + limits.maxListSize());
        }
        List<Object> values = new ArrayList<>(ctx.arith().size());
        for (FilterParser.ArithContext element : ctx.arith()) {
            Term term = visit(element);
            if (!term.isConstant()) {
                throw source.error(element, "list elements must be constants");
            }
            values.add(term.constant());
        }
        return Term.constant(Collections.unmodifiableList(values));
    }

    @Override
    public Term visitPlaceholder(FilterParser.PlaceholderContext ctx) {
        String name = ctx.IDENTIFIER().getText();
        if (!templateValues.containsKey(name)) {
            throw source.error(ctx, "template variable {" + name + "} is not found in the template values");
        }
        try {
            return Term.constant(Literals.fromTemplate(templateValues.get(name), limits));
        } catch (IllegalArgumentException e) {
            throw source.error(ctx, "template variable {" + name + "}: " + e.getMessage());
        }
    }

    @Override
    public Term visitParenthesized(FilterParser.ParenthesizedContext ctx) {
        return visit(ctx.orExpr());
    }

    @Override
    public Term visitFieldPath(FilterParser.FieldPathContext ctx) {
        return fields.resolve(ctx);
    }

    @Override
    public Term visitFunctionCall(FilterParser.FunctionCallContext ctx) {
        List<Term> arguments = new ArrayList<>(ctx.arith().size());
        for (FilterParser.ArithContext argument : ctx.arith()) {
            arguments.add(visit(argument));
        }
        if (TextFunctions.handles(ctx.IDENTIFIER().getText())) {
            return textFunctions.call(ctx, arguments, ctx.option() == null ? null : visit(ctx.option().value));
        }
        if (ctx.option() != null) {
            throw source.error(ctx.option(), "function " + ctx.IDENTIFIER().getText() + "() takes no named argument");
        }
        return functions.call(ctx, arguments);
    }
}
