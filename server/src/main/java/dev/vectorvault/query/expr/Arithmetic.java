package dev.vectorvault.query.expr;

import java.util.List;

/**
 * A left-to-right chain {@code first op1 x1 op2 x2 ...}, i.e. {@code ((first op1 x1) op2 x2) ...}; null as soon as a
 * step is null or undefined. A chain of any length is one node evaluated in a loop, so {@code id + 1 + 1 + ...} with
 * a hundred thousand terms needs no deeper stack than {@code id + 1}.
 */
final class Arithmetic implements Operand {
    private final Operand first;
    private final ArithmeticOp[] ops;
    private final Operand[] operands;

    Arithmetic(Operand first, List<ArithmeticOp> ops, List<Operand> operands) {
        if (ops.isEmpty() || ops.size() != operands.size()) {
            throw new IllegalArgumentException("a chain needs one operand per operator");
        }
        this.first = first;
        this.ops = ops.toArray(ArithmeticOp[]::new);
        this.operands = operands.toArray(Operand[]::new);
    }

    @Override
    public Object evaluate(Row row) {
        Object result = first.evaluate(row);
        for (int i = 0; i < ops.length && result != null; i++) {
            result = ops[i].apply(result, operands[i].evaluate(row));
        }
        return result;
    }
}
