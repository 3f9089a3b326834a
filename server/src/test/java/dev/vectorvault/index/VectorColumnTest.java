package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class VectorColumnTest {
    @Test
    void appendAssignsDenseOrdinalsAndCopiesBackAcrossChunkBoundaries() {
        Random random = TestSeeds.random("appendAssignsDenseOrdinalsAndCopiesBackAcrossChunkBoundaries");
        for (VectorColumn column : List.of(new VectorColumn(5, 2), new VectorColumn(5, 0), new VectorColumn(5))) {
            List<float[]> appended = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                float[] vector = TestSeeds.gaussian(random, 5);
                assertThat(column.append(vector)).isEqualTo(i);
                appended.add(vector);
            }
            assertThat(column.size()).isEqualTo(300);
            float[] out = new float[5];
            for (int i = 0; i < appended.size(); i++) {
                column.copyTo(i, out);
                assertThat(out).as(TestSeeds.describe("ordinal " + i)).containsExactly(appended.get(i));
            }
        }
    }

    @Test
    void firstChunkGrowsWithoutLosingEarlierVectors() {
        // Default chunks hold 2048 vectors of dim 128; the first one starts at 16 and doubles up to that.
        VectorColumn column = new VectorColumn(128);
        for (int i = 0; i < 5_000; i++) {
            column.append(filled(128, i));
        }
        float[] out = new float[128];
        for (int i = 0; i < 5_000; i += 7) {
            column.copyTo(i, out);
            assertThat(out).containsOnly((float) i);
        }
    }

    @Test
    void appendCopiesSoLaterChangesToTheCallersArrayAreNotSeen() {
        VectorColumn column = new VectorColumn(2);
        float[] vector = {1, 2};
        column.append(vector);
        vector[0] = 99;
        float[] out = new float[2];
        column.copyTo(0, out);
        assertThat(out).containsExactly(1, 2);
    }

    @Test
    void normIsCachedOnAppend() {
        VectorColumn column = new VectorColumn(2);
        column.append(new float[] {3, 4});
        column.append(new float[] {0, 0});
        assertThat(column.norm(0)).isEqualTo(5f);
        assertThat(column.norm(1)).isZero();
    }

    @Test
    void vectorsOfTheWrongShapeOrWithNonFiniteValuesAreRejected() {
        VectorColumn column = new VectorColumn(3);
        assertThatThrownBy(() -> column.append(new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dim 2");
        assertThatThrownBy(() -> column.append(new float[] {1, Float.NaN, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> column.append(new float[] {Float.POSITIVE_INFINITY, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> column.append(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(column.size()).isZero();
    }

    @Test
    void readingAnOrdinalThatDoesNotExistFails() {
        VectorColumn column = new VectorColumn(2);
        column.append(new float[] {1, 1});
        assertThatThrownBy(() -> column.copyTo(1, new float[2])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> column.copyTo(-1, new float[2])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> column.norm(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> column.copyTo(0, new float[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dimensionMustBePositive() {
        assertThatThrownBy(() -> new VectorColumn(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new VectorColumn(32_768).dim()).isEqualTo(32_768);
    }

    private static float[] filled(int dim, float value) {
        float[] vector = new float[dim];
        Arrays.fill(vector, value);
        return vector;
    }
}
