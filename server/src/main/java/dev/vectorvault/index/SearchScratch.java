package dev.vectorvault.index;

/**
 * Per-thread working memory of graph searches and builds: a visited set and the two heaps. The visited set marks a
 * node by storing the current epoch in its slot, so starting a search is one increment instead of clearing an array
 * as large as the graph; the array is cleared only when the epoch wraps around. One instance per thread is shared by
 * every index that thread searches, growing to the largest one. Not thread-safe, never re-entered.
 */
final class SearchScratch {
    private static final ThreadLocal<SearchScratch> PER_THREAD = ThreadLocal.withInitial(SearchScratch::new);

    /**
     * The epoch in which each node was last visited, in 16 bits as hnswlib keeps it: half the bytes of an int per
     * node keep more of a large graph's marks in cache, at the price of a clearing every 65,535 searches.
     */
    private short[] marks = new short[0];
    private short epoch;
    final NodeHeap candidates = NodeHeap.nearestOnTop(64);
    final NodeHeap results = NodeHeap.farthestOnTop(64);
    /** A node's unvisited neighbours, gathered before they are scored ({@link #fresh}). */
    private int[] fresh = new int[64];
    /** The sums {@link VectorColumn.View#touch} returns, kept only so its loads are not dropped as dead code. */
    float touched;
    /** The same for link rows read ahead of their expansion. */
    int touchedLinks;

    /** This thread's scratch, ready for a graph of {@code nodes} nodes with nothing visited. */
    static SearchScratch forThread(int nodes) {
        SearchScratch scratch = PER_THREAD.get();
        scratch.reset(nodes);
        return scratch;
    }

    /** A scratch of its own, for a builder thread. */
    static SearchScratch detached(int nodes) {
        SearchScratch scratch = new SearchScratch();
        scratch.reset(nodes);
        return scratch;
    }

    /** Forgets every visit and empties the heaps. */
    void reset(int nodes) {
        if (marks.length < nodes) {
            marks = new short[nodes];
            epoch = 0;
        }
        epoch++;
        if (epoch == 0) {
            java.util.Arrays.fill(marks, (short) 0);
            epoch = 1;
        }
        candidates.clear();
        results.clear();
    }

    /** A buffer of at least {@code count} ints for one expansion's unvisited neighbours. */
    int[] fresh(int count) {
        if (fresh.length < count) {
            fresh = new int[count];
        }
        return fresh;
    }

    /** Marks {@code node} visited; false when it already was. */
    boolean visit(int node) {
        if (marks[node] == epoch) {
            return false;
        }
        marks[node] = epoch;
        return true;
    }
}
