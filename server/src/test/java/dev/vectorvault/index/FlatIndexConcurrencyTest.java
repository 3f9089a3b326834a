package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Searches racing one writer. Vector {@code o} is a pure function of {@code o} with no zero component, so a reader
 * that saw a half-written vector, a stale chunk or a chunk array before its copy would compute a different score.
 */
@Timeout(120)
class FlatIndexConcurrencyTest {
    private static final int DIM = 8;
    private static final int VECTORS = 20_000;
    private static final int PHASE = 500;

    @Test
    void searchesDuringAppendsSeeExactlyTheOrdinalsThatExistedFullyWritten() throws Exception {
        // Tiny chunks (8 vectors) publish a new chunk directory every few appends; the default layout exercises the
        // first chunk's copy-on-grow instead.
        for (VectorColumn column : List.of(new VectorColumn(DIM, 3), new VectorColumn(DIM))) {
            race(column);
        }
    }

    private void race(VectorColumn column) throws Exception {
        Random random = TestSeeds.random("searchesDuringAppendsSeeExactlyTheOrdinalsThatExistedFullyWritten");
        FlatIndex index = new FlatIndex(column, MetricType.L2);
        ExecutorService threads = Executors.newFixedThreadPool(5);
        ExecutorService slicePool = Executors.newFixedThreadPool(2);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong checkedSearches = new AtomicLong();
        AtomicLong overlappingSearches = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                long readerSeed = random.nextLong();
                readers.add(threads.submit(() -> {
                    start.await();
                    Random own = new Random(readerSeed);
                    do {
                        if (checkOneSearch(column, index, own, slicePool)) {
                            overlappingSearches.incrementAndGet();
                        }
                        checkedSearches.incrementAndGet();
                    } while (writing.get());
                    return null;
                }));
            }
            Future<?> writer = threads.submit(() -> {
                start.await();
                try {
                    for (int ordinal = 0; ordinal < VECTORS; ordinal++) {
                        assertThat(column.append(vectorOf(ordinal))).isEqualTo(ordinal);
                        if (ordinal % PHASE == PHASE - 1) {
                            // Appends alone finish in milliseconds; pausing for the readers each phase makes sure
                            // searches overlap appends at every column size rather than only at the start.
                            awaitSearches(checkedSearches, 3);
                        }
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            start.countDown();
            writer.get(60, TimeUnit.SECONDS);
            for (Future<?> reader : readers) {
                reader.get(60, TimeUnit.SECONDS); // rethrows any reader's assertion failure or exception
            }
        } finally {
            threads.shutdownNow();
            slicePool.shutdownNow();
        }
        System.out.printf("%d searches, %d of them overlapped appends%n", checkedSearches.get(),
                overlappingSearches.get());
        assertThat(column.size()).isEqualTo(VECTORS);
        assertThat(checkedSearches.get()).isGreaterThanOrEqualTo(3L * VECTORS / PHASE);
    }

    private static void awaitSearches(AtomicLong searches, int more) {
        long target = searches.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (searches.get() < target && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    /**
     * One search of a random kind, checked against the column's size just before and just after it.
     *
     * @return whether appends happened while it ran
     */
    private static boolean checkOneSearch(VectorColumn column, FlatIndex index, Random random, ExecutorService pool) {
        int before = column.size();
        float[] origin = new float[DIM];
        List<SearchHit> hits = switch (random.nextInt(3)) {
            // k above any size: every existing ordinal must come back, sorted by its (known) score.
            case 0 -> index.search(origin, Integer.MAX_VALUE, Integer.MAX_VALUE, OrdinalFilter.ACCEPT_ALL);
            case 1 -> index.searchBatch(new float[][] {origin}, Integer.MAX_VALUE, Integer.MAX_VALUE,
                    ordinal -> true, pool, 3).get(0);
            default -> index.search(origin, 10, Integer.MAX_VALUE, ordinal -> ordinal % 3 == 0);
        };
        int after = column.size();
        String as = TestSeeds.describe("sizes " + before + ".." + after);
        if (hits.size() != 10 || before < 30) {
            assertThat(hits.size()).as(as).isBetween(Math.min(before, hits.size()), after);
        }
        // Plain loop, one assertion on the first bad hit: AssertJ per hit would dominate the test's run time.
        SearchHit wrong = null;
        for (SearchHit hit : hits) {
            if (hit.ordinal() >= after || hit.score() != expectedScore(hit.ordinal())) {
                wrong = hit;
                break;
            }
        }
        assertThat(wrong).as(as + ": a hit beyond the size or with a torn vector's score").isNull();
        if (hits.size() > 10) {
            // An unfiltered k=MAX search returns exactly the ordinals [0, m) for some m in [before, after].
            assertThat(hits.size()).as(as).isBetween(before, after);
            assertThat(hits.stream().mapToInt(SearchHit::ordinal).max().orElse(-1)).isEqualTo(hits.size() - 1);
        }
        if (before > 0) {
            int ordinal = random.nextInt(before);
            float[] copy = new float[DIM];
            column.copyTo(ordinal, copy);
            assertThat(copy).as(as).containsExactly(vectorOf(ordinal));
        }
        return before < after;
    }

    /** Small positive integers, so the squared norm (the L2 score against the origin) is exact in float. */
    private static float[] vectorOf(int ordinal) {
        float[] vector = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            vector[i] = 1 + (ordinal * 31 + i * 7) % 97;
        }
        return vector;
    }

    private static float expectedScore(int ordinal) {
        float[] vector = vectorOf(ordinal);
        float sum = 0;
        for (float x : vector) {
            sum += x * x;
        }
        return sum;
    }
}
