package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each metric's own behaviour: names, direction, and that its search distance orders like its score. */
class MetricTypeTest {
    @Test
    void wireNamesAreMilvusNamesReadWhateverTheCase() {
        assertThat(MetricType.wireNames()).containsExactly("L2", "IP", "COSINE", "BM25", "HAMMING", "JACCARD");
        assertThat(MetricType.denseMetrics()).containsExactly(MetricType.L2, MetricType.IP, MetricType.COSINE);
        for (MetricType metric : MetricType.values()) {
            assertThat(MetricType.fromWireName(metric.wireName().toLowerCase(java.util.Locale.ROOT)))
                    .contains(metric);
        }
        assertThat(MetricType.fromWireName("SUBSTRUCTURE")).isEmpty();
        assertThat(MetricType.fromWireName("")).isEmpty();
        assertThat(MetricType.fromWireName(null)).isEmpty();
        assertThat(MetricType.DEFAULT).isEqualTo(MetricType.COSINE);
    }

    @Test
    void onlyL2IsADistanceWhereSmallerIsBetter() {
        assertThat(MetricType.L2.higherIsBetter()).isFalse();
        assertThat(MetricType.IP.higherIsBetter()).isTrue();
        assertThat(MetricType.COSINE.higherIsBetter()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = MetricType.class, mode = EnumSource.Mode.EXCLUDE, names = {"BM25", "HAMMING", "JACCARD"})
    void theSearchDistanceOfAPreparedQueryGivesBackTheExactScore(MetricType metric) {
        Random random = TestSeeds.random("metricDistance" + metric);
        VectorColumn column = new VectorColumn(24);
        for (int i = 0; i < 200; i++) {
            float[] vector = TestSeeds.gaussian(random, 24);
            for (int d = 0; d < 24; d++) {
                vector[d] *= 1 + i % 9; // norms far from 1, so COSINE must really divide by them
            }
            column.append(vector);
        }
        column.append(new float[24]); // the zero vector scores 0 for COSINE, never NaN
        VectorColumn.View view = column.view();
        float[] query = TestSeeds.gaussian(random, 24);
        float[] prepared = metric.prepareQuery(query);
        float queryNorm = DistanceKernels.norm(query, 0, 24);
        for (int ordinal = 0; ordinal < view.size; ordinal++) {
            float[] stored = new float[24];
            view.decode(ordinal, stored, 0);
            float exact = metric.score(query, queryNorm, stored, 0, view.norm(ordinal), 24);
            float viaDistance = metric.scoreOf(metric.distance(prepared, view, ordinal));
            assertThat(viaDistance).as(TestSeeds.describe(metric + " ordinal " + ordinal))
                    .isCloseTo(exact, Offset.offset(1e-5f * Math.max(1f, Math.abs(exact))));
        }
    }
}
