package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Inserts every vector into a new {@link HnswIndex}, following the paper's INSERT with its neighbour-selection
 * heuristic (Algorithm 4, without extending candidates or keeping pruned connections, as hnswlib does).
 *
 * <p>Layers are drawn for all nodes up front from one seeded generator ({@code floor(-ln(u) / ln(M))}), so the
 * layer structure does not depend on thread timing. With several threads, nodes are handed out in ordinal order and
 * inserted concurrently: every read or write of a node's link list holds that node's lock (a stripe of a fixed lock
 * array; never two at once, so no deadlock; only the read-ahead of a link count, whose value is thrown away, takes
 * none), and the entry point changes under its own lock. With one thread no lock is taken at all. Used once; not
 * thread-safe itself.
 */
final class HnswBuilder {
    /** Layers above this are not drawn; with M = 2 it is reached with probability 2^-31 per node. */
    static final int MAX_LEVEL = 31;
    private static final int LOCK_STRIPES = 1 << 12;
    private static final int PROGRESS_EVERY = 512;

    private final VectorColumn.View vectors;
    private final MetricType metric;
    private final HnswParams params;
    private final int threads;
    private final BuildProgress progress;
    private final int m;
    private final int stride0;
    private final int strideUp;
    private final int[] links0;
    private final int[][] linksUp;
    private final int[] levels;
    private final Object[] locks;
    private final boolean concurrent;
    private final Object entryLock = new Object();
    private final AtomicLong done = new AtomicLong();
    private int entryPoint;
    private int maxLevel;

    HnswBuilder(VectorColumn.View vectors, MetricType metric, HnswParams params, int threads, BuildProgress progress) {
        this.vectors = vectors;
        this.metric = metric;
        this.params = params;
        this.progress = progress;
        this.m = params.m();
        this.stride0 = 1 + 2 * m;
        this.strideUp = 1 + m;
        int size = vectors.size;
        this.threads = Math.max(1, Math.min(threads, size / 1024 + 1));
        this.concurrent = this.threads > 1;
        this.links0 = new int[Math.multiplyExact(size, stride0)];
        this.linksUp = new int[size][];
        this.levels = new int[size];
        this.locks = new Object[concurrent ? LOCK_STRIPES : 0];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        drawLevels();
    }

    private void drawLevels() {
        SplittableRandom random = new SplittableRandom(params.seed());
        double inverseLogM = 1.0 / Math.log(m);
        for (int node = 0; node < levels.length; node++) {
            double uniform = 1.0 - random.nextDouble(); // (0, 1]
            int level = (int) Math.min(MAX_LEVEL, Math.floor(-Math.log(uniform) * inverseLogM));
            levels[node] = level;
            if (level > 0) {
                linksUp[node] = new int[level * strideUp];
            }
        }
    }

    HnswIndex build() {
        int size = vectors.size;
        if (size > 0) {
            entryPoint = 0;
            maxLevel = levels[0];
            indexed();
            if (concurrent) {
                insertConcurrently(size);
            } else {
                Worker worker = new Worker();
                for (int node = 1; node < size; node++) {
                    worker.insert(node);
                }
            }
        }
        progress.indexed(size, size);
        return new HnswIndex(vectors, metric, params, links0, linksUp, entryPoint, maxLevel);
    }

    private void insertConcurrently(int size) {
        AtomicInteger next = new AtomicInteger(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                Worker worker = new Worker();
                try {
                    for (int node = next.getAndIncrement(); node < size && failure.get() == null;
                         node = next.getAndIncrement()) {
                        worker.insert(node);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "hnsw-build-" + t);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : workers) {
                thread.join();
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            Thread.currentThread().interrupt();
            for (Thread thread : workers) {
                thread.interrupt();
            }
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        if (error != null) {
            throw new IllegalStateException("index build interrupted", error);
        }
    }

    private void indexed() {
        long count = done.incrementAndGet();
        if (count % PROGRESS_EVERY == 0) {
            progress.indexed(count, vectors.size);
        }
    }

    private Object lockOf(int node) {
        return locks[node & (LOCK_STRIPES - 1)];
    }

    /** One inserting thread's state: its visited set, heaps and buffers, reused for every node it inserts. */
    private final class Worker {
        private final SearchScratch scratch = SearchScratch.detached(vectors.size);
        private final NodeHeap sorter = NodeHeap.nearestOnTop(2 * m + 2);
        private final int[] linkBuffer = new int[2 * m + 1];
        private int[] candidateIds = new int[Math.max(2 * m + 2, 64)];
        private float[] candidateDistances = new float[candidateIds.length];
        private final int[] selected = new int[2 * m + 1];
        /** A node's chosen neighbours on the layer being linked ({@link #selected} is reused while linking back). */
        private final int[] own = new int[m];

        void insert(int node) {
            int level = levels[node];
            int ep;
            int top;
            if (concurrent) {
                synchronized (entryLock) {
                    ep = entryPoint;
                    top = maxLevel;
                }
            } else {
                ep = entryPoint;
                top = maxLevel;
            }
            float epDistance = metric.distanceBetween(vectors, node, ep);
            for (int lc = top; lc > level; lc--) {
                boolean moved = true;
                while (moved) {
                    moved = false;
                    int count = readLinks(ep, lc, linkBuffer);
                    scratch.touched += vectors.touch(linkBuffer, count);
                    for (int j = 0; j < count; j++) {
                        float distance = metric.distanceBetween(vectors, node, linkBuffer[j]);
                        if (distance < epDistance) {
                            epDistance = distance;
                            ep = linkBuffer[j];
                            moved = true;
                        }
                    }
                }
            }
            for (int lc = Math.min(level, top); lc >= 0; lc--) {
                searchLayer(node, ep, epDistance, lc);
                int found = drainAscending(scratch.results);
                ep = candidateIds[0];
                epDistance = candidateDistances[0];
                int chosen = selectNeighbours(found, m);
                System.arraycopy(selected, 0, own, 0, chosen);
                // Added one by one, never written over: in a concurrent build a node inserted meanwhile may already
                // have linked itself into this node's list on this layer (it found the node through a higher layer),
                // and overwriting the list would drop that link.
                for (int j = 0; j < chosen; j++) {
                    linkBack(node, own[j], lc);
                }
                for (int j = 0; j < chosen; j++) {
                    linkBack(own[j], node, lc);
                }
            }
            if (level > top) {
                synchronized (entryLock) {
                    if (level > maxLevel) {
                        maxLevel = level;
                        entryPoint = node;
                    }
                }
            }
            indexed();
        }

        /** SEARCH-LAYER with width efConstruction; leaves the nearest found in {@code scratch.results}. */
        private void searchLayer(int node, int ep, float epDistance, int level) {
            int ef = params.efConstruction();
            scratch.reset(vectors.size);
            NodeHeap candidates = scratch.candidates;
            NodeHeap results = scratch.results;
            scratch.visit(node);
            scratch.visit(ep);
            candidates.push(ep, epDistance);
            results.push(ep, epDistance);
            while (!candidates.isEmpty()) {
                if (candidates.topDistance() > results.topDistance() && results.size() >= ef) {
                    break;
                }
                int current = candidates.topNode();
                candidates.pop();
                if (level == 0 && !candidates.isEmpty()) {
                    // The likely next node to expand: its link row is read now, while this node's neighbours are
                    // scored. Unlocked: a stale count is harmless, the value only keeps the load alive.
                    scratch.touchedLinks += links0[candidates.topNode() * stride0];
                }
                int count = readLinks(current, level, linkBuffer);
                int fresh = 0;
                for (int j = 0; j < count; j++) {
                    int neighbour = linkBuffer[j];
                    if (scratch.visit(neighbour)) {
                        linkBuffer[fresh++] = neighbour;
                    }
                }
                scratch.touched += vectors.touch(linkBuffer, fresh);
                for (int j = 0; j < fresh; j++) {
                    int neighbour = linkBuffer[j];
                    float distance = metric.distanceBetween(vectors, node, neighbour);
                    if (results.size() < ef) {
                        candidates.push(neighbour, distance);
                        results.push(neighbour, distance);
                    } else if (distance < results.topDistance()) {
                        candidates.push(neighbour, distance);
                        results.replaceTop(neighbour, distance);
                    }
                }
            }
        }

        /** Empties a heap into the candidate arrays, nearest first; returns how many. */
        private int drainAscending(NodeHeap heap) {
            int count = heap.size();
            if (candidateIds.length < count) {
                candidateIds = new int[count];
                candidateDistances = new float[count];
            }
            return heap.drainNearestFirst(candidateIds, candidateDistances);
        }

        /**
         * The paper's heuristic over the first {@code count} candidates (nearest first): a candidate is kept only if
         * it is nearer to the base node than to every neighbour kept so far, so links spread in all directions
         * instead of clustering. Fewer candidates than {@code max} are all kept. Fills {@link #selected}.
         */
        private int selectNeighbours(int count, int max) {
            if (count <= max) {
                System.arraycopy(candidateIds, 0, selected, 0, count);
                return count;
            }
            int chosen = 0;
            for (int i = 0; i < count && chosen < max; i++) {
                int candidate = candidateIds[i];
                float toBase = candidateDistances[i];
                boolean diverse = true;
                for (int j = 0; j < chosen; j++) {
                    if (metric.distanceBetween(vectors, candidate, selected[j]) < toBase) {
                        diverse = false;
                        break;
                    }
                }
                if (diverse) {
                    selected[chosen++] = candidate;
                }
            }
            return chosen;
        }

        /** Adds {@code node} to {@code target}'s links on {@code level}, pruning by the heuristic when full. */
        private void linkBack(int target, int node, int level) {
            if (concurrent) {
                synchronized (lockOf(target)) {
                    linkBackLocked(target, node, level);
                }
            } else {
                linkBackLocked(target, node, level);
            }
        }

        private void linkBackLocked(int target, int node, int level) {
            int[] links = level == 0 ? links0 : linksUp[target];
            int base = level == 0 ? target * stride0 : (level - 1) * strideUp;
            int capacity = level == 0 ? 2 * m : m;
            int count = links[base];
            for (int j = 1; j <= count; j++) {
                if (links[base + j] == node) {
                    return;
                }
            }
            if (count < capacity) {
                links[base + 1 + count] = node;
                links[base] = count + 1;
                return;
            }
            sorter.clear();
            sorter.push(node, metric.distanceBetween(vectors, target, node));
            for (int j = 1; j <= count; j++) {
                sorter.push(links[base + j], metric.distanceBetween(vectors, target, links[base + j]));
            }
            int candidates = drainAscending(sorter);
            int chosen = selectNeighbours(candidates, capacity);
            System.arraycopy(selected, 0, links, base + 1, chosen);
            links[base] = chosen;
        }

        /** Copies a node's links on a layer into {@code out} (under its lock when building concurrently). */
        private int readLinks(int node, int level, int[] out) {
            if (concurrent) {
                synchronized (lockOf(node)) {
                    return readLinksLocked(node, level, out);
                }
            }
            return readLinksLocked(node, level, out);
        }

        private int readLinksLocked(int node, int level, int[] out) {
            int[] links = level == 0 ? links0 : linksUp[node];
            int base = level == 0 ? node * stride0 : (level - 1) * strideUp;
            int count = links[base];
            System.arraycopy(links, base + 1, out, 0, count);
            return count;
        }
    }
}
