package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TopKTest {
    @Test
    void randomInputSelectsTheSameHitsAsSortingInBothDirections() {
        Random random = TestSeeds.random("randomInputSelectsTheSameHitsAsSortingInBothDirections");
        for (int round = 0; round < 2_000; round++) {
            boolean higherIsBetter = random.nextBoolean();
            int n = random.nextInt(200);
            int k = 1 + random.nextInt(60);
            // Few distinct scores in half of the rounds, so ties are common and the ordinal tie-break is exercised.
            int distinct = random.nextBoolean() ? 1 + random.nextInt(5) : Integer.MAX_VALUE;
            List<SearchHit> candidates = new ArrayList<>();
            List<Integer> ordinals = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ordinals.add(random.nextInt(1_000_000));
            }
            for (int ordinal : ordinals.stream().distinct().toList()) {
                float score = distinct == Integer.MAX_VALUE
                        ? (float) random.nextGaussian() * 100
                        : random.nextInt(distinct) - 2;
                candidates.add(new SearchHit(ordinal, score));
            }
            Collections.shuffle(candidates, random);

            TopK top = higherIsBetter ? TopK.largest(k) : TopK.smallest(k);
            candidates.forEach(c -> top.offer(c.ordinal(), c.score()));

            assertThat(top.drainBestFirst())
                    .as(TestSeeds.describe("round " + round))
                    .containsExactlyElementsOf(sortedBestFirst(candidates, higherIsBetter, k));
        }
    }

    @Test
    void kLargerThanTheCandidatesReturnsThemAll() {
        TopK top = TopK.smallest(10);
        top.offer(7, 3f);
        top.offer(2, 1f);
        top.offer(5, 2f);
        assertThat(top.isFull()).isFalse();
        assertThat(top.drainBestFirst())
                .containsExactly(new SearchHit(2, 1f), new SearchHit(5, 2f), new SearchHit(7, 3f));
    }

    @Test
    void equalScoresAreOrderedBySmallerOrdinalWhateverTheArrivalOrder() {
        TopK top = TopK.largest(3);
        for (int ordinal : new int[] {9, 4, 7, 1, 8}) {
            top.offer(ordinal, 0.5f);
        }
        assertThat(top.drainBestFirst())
                .containsExactly(new SearchHit(1, 0.5f), new SearchHit(4, 0.5f), new SearchHit(7, 0.5f));
    }

    @Test
    void offerReportsWhetherTheCandidateGotIn() {
        TopK top = TopK.largest(1);
        assertThat(top.offer(3, 1f)).isTrue();
        assertThat(top.offer(4, 0f)).isFalse();
        assertThat(top.offer(5, 1f)).isFalse();
        assertThat(top.offer(2, 1f)).isTrue();
        assertThat(top.drainBestFirst()).containsExactly(new SearchHit(2, 1f));
    }

    @Test
    void drainingEmptiesTheSelectionForReuse() {
        TopK top = TopK.largest(2);
        top.offer(1, 1f);
        top.drainBestFirst();
        assertThat(top.size()).isZero();
        top.offer(3, 5f);
        assertThat(top.drainBestFirst()).containsExactly(new SearchHit(3, 5f));
    }

    @Test
    void zeroCapacityKeepsNothingAndNegativeIsRejected() {
        TopK top = TopK.smallest(0);
        assertThat(top.offer(1, 1f)).isFalse();
        assertThat(top.drainBestFirst()).isEmpty();
        assertThatThrownBy(() -> TopK.largest(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nanScoresRankLastInsteadOfCorruptingTheHeap() {
        TopK distances = TopK.smallest(3);
        distances.offer(0, Float.NaN);
        distances.offer(1, 5f);
        distances.offer(2, 1f);
        distances.offer(3, 3f);
        assertThat(distances.drainBestFirst()).extracting(SearchHit::ordinal).containsExactly(2, 3, 1);

        TopK similarities = TopK.largest(2);
        similarities.offer(0, Float.NaN);
        similarities.offer(1, -5f);
        assertThat(similarities.drainBestFirst())
                .containsExactly(new SearchHit(1, -5f), new SearchHit(0, Float.NEGATIVE_INFINITY));
    }

    @Test
    void mergingPartialSelectionsEqualsOneSelectionOverEverything() {
        Random random = TestSeeds.random("mergingPartialSelectionsEqualsOneSelectionOverEverything");
        TopK whole = TopK.smallest(7);
        TopK merged = TopK.smallest(7);
        TopK[] parts = {TopK.smallest(7), TopK.smallest(7), TopK.smallest(7)};
        for (int ordinal = 0; ordinal < 300; ordinal++) {
            float score = random.nextInt(20);
            whole.offer(ordinal, score);
            parts[ordinal % parts.length].offer(ordinal, score);
        }
        for (TopK part : parts) {
            part.offerAllTo(merged);
        }
        assertThat(merged.drainBestFirst()).containsExactlyElementsOf(whole.drainBestFirst());
    }

    private static List<SearchHit> sortedBestFirst(List<SearchHit> candidates, boolean higherIsBetter, int k) {
        Comparator<SearchHit> byScore = Comparator.comparingDouble(SearchHit::score);
        Comparator<SearchHit> best = (higherIsBetter ? byScore.reversed() : byScore)
                .thenComparingInt(SearchHit::ordinal);
        return candidates.stream().sorted(best).limit(k).toList();
    }
}
