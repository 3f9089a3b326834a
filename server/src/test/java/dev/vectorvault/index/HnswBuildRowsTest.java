package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The build's interleaved layout (each layer-0 link row beside a copy of its vector) changes where the builder reads,
 * never what it builds: with one thread, the graph is the one built from the column alone, link for link.
 */
@Timeout(120)
class HnswBuildRowsTest {
    private static final HnswParams PARAMS = new HnswParams(8, 40, 7);

    @ParameterizedTest
    @CsvSource({"L2, 37", "IP, 37", "COSINE, 37", "L2, 64", "COSINE, 3"})
    void aOneThreadBuildMakesTheSameGraphWithTheVectorsBesideTheLinks(MetricType metric, int dim) {
        Random random = TestSeeds.random("hnswBuildRows" + metric + dim);
        VectorColumn.View view = ClusteredVectors.generate(random, 1500, 0, dim, 12).column().view();

        HnswIndex interleaved = new HnswBuilder(view, metric, PARAMS, 1, BuildProgress.NONE, true).build();
        HnswIndex columnOnly = new HnswBuilder(view, metric, PARAMS, 1, BuildProgress.NONE, false).build();

        String what = TestSeeds.describe(metric + " dim " + dim + " graph");
        assertThat(interleaved.links0).as(what).isEqualTo(columnOnly.links0);
        assertThat(interleaved.linksUp).as(what).isDeepEqualTo(columnOnly.linksUp);
        assertThat(interleaved.entryPoint).as(what).isEqualTo(columnOnly.entryPoint);
        assertThat(interleaved.maxLevel).as(what).isEqualTo(columnOnly.maxLevel);
    }
}
