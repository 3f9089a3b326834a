package dev.vectorvault.query;

import dev.vectorvault.index.TermStatistics;
import dev.vectorvault.storage.data.CollectionView;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BM25's collection-wide statistics of one BM25 output field (N, the total token count, n_t of the terms searched so
 * far), kept between searches for as long as the rows they were summed over stay the same.
 *
 * <p><b>Why.</b> Summing every segment's {@link TermStatistics} on every query cost a lock per segment (two, with the
 * column's) and a boxed map lookup per term and segment: a fixed cost per segment, paid again by every query, and the
 * locks are shared by every thread searching the collection. A current sum is read here without any lock.
 *
 * <p><b>When a sum is current.</b> It records, for each segment of the view it was taken over, the segment's
 * statistics ({@link TermStatistics#serial()}: a compacted, reloaded or replaced segment has new ones), its row count
 * and its count of deleted (or expired) rows. Rows are only appended and deletions only added, so equal counts mean
 * the same live rows, the rule {@link TermStatistics} itself brings a segment forward by. Any difference (rows
 * inserted or deleted, a segment sealed and a new one growing, a segment compacted or dropped) and the next search
 * sums afresh. A search holds the collection's read view, so nothing changes while it reads or fills a sum.
 *
 * <p>n_t is kept per term once asked (at most {@link #MAX_TERMS} terms per sum, then asked terms beyond them are
 * summed per query, as without this cache). Thread-safe: racing searches may both sum; either result is the same.
 */
final class CorpusStatistics {
    /**
     * Terms whose n_t a sum keeps (about 80 bytes each, so about 1.3 MB at most): the vocabulary searches use, not
     * every string clients may send.
     */
    static final int MAX_TERMS = 1 << 14;
    private volatile Sum current;

    private CorpusStatistics() {}

    /** The statistics kept for {@code field} of the collection {@code view} shows (made on first use). */
    static CorpusStatistics of(CollectionView view, int field) {
        return view.readerState(new Key(field), CorpusStatistics.class, CorpusStatistics::new);
    }

    /** N, the total token count and n_t of {@code terms} over the live rows of {@code view}. */
    Bm25Search.Statistics statistics(CollectionView view, int field, int[] terms) {
        Sum sum = current;
        if (sum == null || !sum.describes(view, field)) {
            sum = new Sum(view, field);
            current = sum;
        }
        return sum.statistics(view, field, terms);
    }

    private record Key(int field) {}

    /** The sums over one state of the collection's segments. */
    private static final class Sum {
        private final long[] serials;
        private final int[] sizes;
        private final int[] deleted;
        private final long rows;
        private final double tokens;
        private final ConcurrentHashMap<Integer, Long> documentFrequencies = new ConcurrentHashMap<>();

        Sum(CollectionView view, int field) {
            int segments = view.segmentCount();
            serials = new long[segments];
            sizes = new int[segments];
            deleted = new int[segments];
            for (int s = 0; s < segments; s++) {
                serials[s] = view.sparseVectors(s, field).termStatistics().serial();
                sizes[s] = view.segmentSize(s);
                deleted[s] = view.deletedCount(s);
            }
            TermStatistics.Totals totals = sum(view, field, new int[0]);
            rows = totals.rows();
            tokens = totals.tokens();
        }

        /** Whether {@code view} shows the rows this sum was taken over. */
        boolean describes(CollectionView view, int field) {
            if (view.segmentCount() != sizes.length) {
                return false;
            }
            for (int s = 0; s < sizes.length; s++) {
                if (view.segmentSize(s) != sizes[s] || view.deletedCount(s) != deleted[s]
                        || view.sparseVectors(s, field).termStatistics().serial() != serials[s]) {
                    return false;
                }
            }
            return true;
        }

        /** The statistics of {@code terms}: n_t kept here, the others summed over the segments (and kept). */
        Bm25Search.Statistics statistics(CollectionView view, int field, int[] terms) {
            long[] df = new long[terms.length];
            int[] at = new int[terms.length];
            int missing = 0;
            for (int i = 0; i < terms.length; i++) {
                Long n = documentFrequencies.get(terms[i]);
                if (n == null) {
                    at[missing++] = i;
                } else {
                    df[i] = n;
                }
            }
            if (missing > 0) {
                int[] asked = new int[missing];
                for (int m = 0; m < missing; m++) {
                    asked[m] = terms[at[m]];
                }
                long[] counted = sum(view, field, asked).documentFrequencies();
                for (int m = 0; m < missing; m++) {
                    df[at[m]] = counted[m];
                    if (documentFrequencies.size() < MAX_TERMS) {
                        documentFrequencies.put(asked[m], counted[m]);
                    }
                }
            }
            return new Bm25Search.Statistics(rows, tokens, df);
        }

        /** Every segment's statistics of {@code terms}, brought forward to {@code view} and added up. */
        private static TermStatistics.Totals sum(CollectionView view, int field, int[] terms) {
            TermStatistics.Totals totals = new TermStatistics.Totals(terms);
            for (int s = 0; s < view.segmentCount(); s++) {
                int segment = s;
                view.sparseVectors(s, field).termStatistics().addTo(totals, view.segmentSize(s),
                        view.deletedCount(s), ordinal -> !view.isLive(segment, ordinal));
            }
            return totals;
        }
    }
}
