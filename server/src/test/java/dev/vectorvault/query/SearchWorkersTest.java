package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Chunks split over the search workers run once each, on a worker or on the calling thread (whichever claims them
 * first), and come back in chunk order; a failure comes back as is, the first by chunk order.
 */
class SearchWorkersTest {
    private static final int CHUNKS = 9;

    @RepeatedTest(20)
    void everyChunkRunsOnceAndComesBackInOrder() {
        AtomicIntegerArray runs = new AtomicIntegerArray(CHUNKS);
        List<Integer> out = SearchWorkers.map(CHUNKS, c -> {
            runs.incrementAndGet(c);
            spin(c);
            return c;
        });
        List<Integer> expected = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
            expected.add(c);
            assertThat(runs.get(c)).as("runs of chunk %d", c).isEqualTo(1);
        }
        assertThat(out).isEqualTo(expected);
    }

    @RepeatedTest(20)
    void theFirstFailureByChunkOrderIsThrownAsIs() {
        IllegalStateException second = new IllegalStateException("chunk 2");
        assertThatThrownBy(() -> SearchWorkers.map(CHUNKS, c -> {
            spin(CHUNKS - c); // later chunks finish first
            if (c == 2) {
                throw second;
            }
            if (c == 6) {
                throw new IllegalStateException("chunk 6");
            }
            return c;
        })).isSameAs(second);
    }

    /** A little work, so that workers and the calling thread race for chunks. */
    private static void spin(int units) {
        long x = 0;
        for (int i = 0; i < units * 20_000; i++) {
            x += i ^ (x >>> 3);
        }
        if (x == 42) {
            System.out.print("");
        }
    }
}
