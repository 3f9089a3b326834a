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

    @Test
    void touchReadsOneComponentPerCacheLineOfEachListedVectorAcrossChunks() {
        // dim 20: components 0 and 16 start lines, 19 is the row's last; chunks of 2 vectors put rows in 3 chunks.
        VectorColumn column = new VectorColumn(20, 1);
        for (int i = 0; i < 6; i++) {
            float[] vector = new float[20];
            for (int d = 0; d < 20; d++) {
                vector[d] = 100 * i + d;
            }
            column.append(vector);
        }
        VectorColumn.View view = column.view();
        int[] listed = {5, 0, 3, 4};
        // Only the first three are asked for: 5 (500 + 516 + 519), 0 (0 + 16 + 19) and 3 (300 + 316 + 319).
        assertThat(view.touch(listed, 3)).isEqualTo(1535f + 35f + 935f);
        assertThat(view.touch(listed, 0)).isZero();
        VectorColumn narrow = new VectorColumn(20, VectorEncoding.FLOAT16);
        narrow.append(filled(20, 1f));
        assertThat(narrow.view().touch(new int[] {0}, 1)).isZero();
    }

    @Test
    void anArrangedColumnAnswersEveryOrdinalAsBeforeAndStoresThemInTheGivenOrder() {
        Random random = TestSeeds.random("anArrangedColumnAnswersEveryOrdinalAsBeforeAndStoresThemInTheGivenOrder");
        for (VectorColumn column : List.of(new VectorColumn(5, 2), new VectorColumn(5))) {
            int n = 300;
            for (int i = 0; i < n; i++) {
                column.append(TestSeeds.gaussian(random, 5));
            }
            int[] order = shuffled(random, n);
            VectorColumn arranged = column.arrangedAs(order);
            VectorColumn rearranged = arranged.arrangedAs(shuffled(random, n));
            float[] expected = new float[5];
            float[] actual = new float[5];
            for (VectorColumn copy : List.of(arranged, rearranged)) {
                assertThat(copy.size()).isEqualTo(n);
                for (int ordinal = 0; ordinal < n; ordinal++) {
                    column.copyTo(ordinal, expected);
                    copy.copyTo(ordinal, actual);
                    assertThat(actual).as(TestSeeds.describe("ordinal " + ordinal)).containsExactly(expected);
                    assertThat(copy.norm(ordinal)).isEqualTo(column.norm(ordinal));
                }
            }
            VectorColumn.View view = arranged.view();
            for (int slot = 0; slot < n; slot++) {
                assertThat(view.ordinalAt(slot)).isEqualTo(order[slot]);
                assertThat(view.slot(order[slot])).isEqualTo(slot);
            }
            assertThat(arranged.isArrangedAs(order)).isTrue();
            assertThat(column.isArrangedAs(order)).isFalse();
        }
    }

    @Test
    void anArrangementMustBeAPermutationAndTheArrangedColumnIsReadOnly() {
        VectorColumn column = new VectorColumn(2);
        for (int i = 0; i < 4; i++) {
            column.append(new float[] {i, i});
        }
        assertThatThrownBy(() -> column.arrangedAs(new int[] {0, 1, 2})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> column.arrangedAs(new int[] {0, 1, 1, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeated");
        assertThatThrownBy(() -> column.arrangedAs(new int[] {0, 1, 2, 4}))
                .isInstanceOf(IllegalArgumentException.class);
        VectorColumn arranged = column.arrangedAs(new int[] {3, 2, 1, 0});
        assertThatThrownBy(() -> arranged.append(new float[] {9, 9})).isInstanceOf(IllegalStateException.class);
        assertThat(new VectorColumn(2).arrangedAs(new int[0]).size()).isZero();
    }

    private static int[] shuffled(Random random, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
