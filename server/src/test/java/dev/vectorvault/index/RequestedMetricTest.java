package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client's metric name parsed once: none, a known metric in any case, or an unknown name kept for the message. */
@Timeout(10)
class RequestedMetricTest {
    @Test
    void nullOrEmptyNamesNoMetricAndAllowsEveryIndex() {
        for (RequestedMetric none : new RequestedMetric[] {RequestedMetric.parse(null), RequestedMetric.parse("")}) {
            assertThat(none).isEqualTo(RequestedMetric.none());
            assertThat(none.isNamed()).isFalse();
            assertThat(none.metric()).isEmpty();
            for (MetricType metric : MetricType.values()) {
                assertThat(none.allows(metric)).isTrue();
            }
        }
    }

    @Test
    void aKnownNameInAnyCaseIsThatMetricAndAllowsOnlyIt() {
        RequestedMetric l2 = RequestedMetric.parse("l2");
        assertThat(l2.metric()).contains(MetricType.L2);
        assertThat(l2).isEqualTo(RequestedMetric.of(MetricType.L2))
                .hasSameHashCodeAs(RequestedMetric.of(MetricType.L2));
        assertThat(l2.name()).isEqualTo("L2");
        assertThat(l2.allows(MetricType.L2)).isTrue();
        assertThat(l2.allows(MetricType.IP)).isFalse();
        assertThat(RequestedMetric.parse(" Cosine ").metric()).contains(MetricType.COSINE);
    }

    @Test
    void anUnknownNameIsNamedButNoMetricAndAllowsNoIndex() {
        RequestedMetric substructure = RequestedMetric.parse("substructure");
        assertThat(substructure.isNamed()).isTrue();
        assertThat(substructure.metric()).isEmpty();
        assertThat(substructure.name()).as("upper-cased as Milvus quotes it").isEqualTo("SUBSTRUCTURE");
        for (MetricType metric : MetricType.values()) {
            assertThat(substructure.allows(metric)).isFalse();
        }
        assertThat(substructure).isNotEqualTo(RequestedMetric.parse("SUPERSTRUCTURE"))
                .isNotEqualTo(RequestedMetric.none());
    }
}
