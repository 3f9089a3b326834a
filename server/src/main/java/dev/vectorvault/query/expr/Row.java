package dev.vectorvault.query.expr;

/** One entity at evaluation time. Implementations are read from one thread per call and may be reused. */
@FunctionalInterface
public interface Row {
    /**
     * Boolean, Long, Double, String, List&lt;Object&gt; (arrays), JSON as
     * Map&lt;String,Object&gt;/List/String/Long/Double/Boolean, or null. Other {@link Number} types are accepted too
     * (Integer counts as integral, Float as floating point).
     */
    Object value(String field);
}
