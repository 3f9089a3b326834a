package dev.vectorvault.query.expr;

/**
 * SQL's three-valued logic: a comparison with a null (or a missing JSON key, or a JSON value of the wrong type)
 * is UNKNOWN, which {@code not} keeps UNKNOWN, so such rows never match except through {@code is null}.
 */
enum Truth {
    TRUE, FALSE, UNKNOWN;

    static Truth of(boolean value) {
        return value ? TRUE : FALSE;
    }

    Truth not() {
        return switch (this) {
            case TRUE -> FALSE;
            case FALSE -> TRUE;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
