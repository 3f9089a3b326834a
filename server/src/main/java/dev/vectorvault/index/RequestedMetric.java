package dev.vectorvault.index;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The metric a client's request names, parsed once where the request arrives (the gRPC edge): none, one of
 * {@link MetricType}, or a name that is no metric. The name is kept, upper-cased as Milvus echoes it, only so that the
 * layer that decides (index creation, a search against an index) can refuse it with Milvus's exact message quoting
 * it; nothing past the edge decides anything by the name. Unknown names are not refused at the edge because Milvus
 * refuses them only where they matter: a scalar index ignores the metric, and a search reports an unknown name as a
 * mismatch with the index's metric.
 *
 * <p>Immutable.
 */
public final class RequestedMetric {
    private static final RequestedMetric NONE = new RequestedMetric(null, "");

    /** Null when none or an unknown name was given. */
    private final MetricType metric;
    /** The name as given, upper-cased; empty when none. */
    private final String name;

    private RequestedMetric(MetricType metric, String name) {
        this.metric = metric;
        this.name = name;
    }

    /** No metric named: the index's (search) or Milvus's default (index creation) applies. */
    public static RequestedMetric none() {
        return NONE;
    }

    public static RequestedMetric of(MetricType metric) {
        return new RequestedMetric(Objects.requireNonNull(metric, "metric"), metric.wireName());
    }

    /**
     * A metric named on the wire, as {@link MetricType#fromWireName} reads it (case and surrounding blanks ignored);
     * null or empty is {@link #none()}. The name kept for messages is the given one upper-cased, as Milvus quotes it.
     */
    public static RequestedMetric parse(String wireName) {
        if (wireName == null || wireName.isEmpty()) {
            return NONE;
        }
        return new RequestedMetric(MetricType.fromWireName(wireName).orElse(null), wireName.toUpperCase(Locale.ROOT));
    }

    /** Whether the request named a metric at all (known or not). */
    public boolean isNamed() {
        return !name.isEmpty();
    }

    /** The metric named; empty when none was named or the name is no metric. */
    public Optional<MetricType> metric() {
        return Optional.ofNullable(metric);
    }

    /** Whether a search over an index of {@code indexMetric} may go ahead: nothing named, or that metric. */
    public boolean allows(MetricType indexMetric) {
        return !isNamed() || metric == indexMetric;
    }

    /** The name as the request gave it, upper-cased, for error messages; empty when none was named. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        // Two spellings of one metric are the same request; unknown names are compared as given.
        return other instanceof RequestedMetric that
                && (metric != null ? metric == that.metric : that.metric == null && name.equals(that.name));
    }

    @Override
    public int hashCode() {
        return metric != null ? metric.hashCode() : name.hashCode();
    }

    @Override
    public String toString() {
        return isNamed() ? name : "(none)";
    }
}
