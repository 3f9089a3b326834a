package dev.vectorvault.query.expr;

/**
 * A value-producing node of a compiled filter: a field, a JSON path, a constant or arithmetic over them.
 * Returns null when the value is null, missing or undefined (division by zero), which comparisons treat as UNKNOWN.
 * Implementations are immutable and safe to share between threads.
 */
interface Operand {
    Object evaluate(Row row);
}
