package dev.vectorvault.storage.data;

import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector of sealed objects (segment, tombstone and index files): deletes what no manifest names and no
 * wanted index needs, once it has stayed so for the {@link GarbagePolicy}'s grace, measured on this process's clock
 * from the sweep that first found it unnamed (so a restart only ever delays a deletion).
 *
 * <p><b>Whose objects.</b> On the store's own disk, every sealed file is this store's. In a shared bucket a sweep
 * looks only at the collections this store owns now (it alone writes their objects and manifests) and at
 * collections that are gone from the catalog (dropped): those it owned before, and, when asked to look at the whole
 * bucket, any other (a dropped collection whose owner died or restarted before collecting it). A collection that
 * passed to another owner is never touched: it still exists, and this store no longer owns it.
 *
 * <p><b>Against a concurrent checkpoint.</b> The caller runs a sweep while no checkpoint runs (the store's checkpoint
 * lock), with the names the newest manifest and the in-memory segments need; an object written by a checkpoint that
 * failed before its manifest is only ever "missing" and waits the longer tolerance. Thread-safe.
 */
final class SealedGarbage {
    private static final Logger LOG = LoggerFactory.getLogger(SealedGarbage.class);

    /** When an object was first found unnamed, and whether the sweep before that still named it. */
    private record Unnamed(long sinceMillis, boolean wasNamed) {}

    private final ObjectStore files;
    private final boolean shared;
    private volatile GarbagePolicy policy = GarbagePolicy.IMMEDIATE;
    private volatile LongSupplier clockMillis = System::currentTimeMillis;
    private final Map<String, Unnamed> unnamed = new HashMap<>();
    private final Set<Long> dropped = new HashSet<>();
    private Set<String> lastKept = Set.of();
    private Set<Long> lastScanned = Set.of();

    SealedGarbage(ObjectStore files, boolean shared) {
        this.files = files;
        this.shared = shared;
    }

    void policy(GarbagePolicy policy, LongSupplier clockMillis) {
        this.policy = policy;
        this.clockMillis = clockMillis;
    }

    GarbagePolicy policy() {
        return policy;
    }

    /**
     * One sweep.
     *
     * @param keep        names still needed: the newest manifest's segments and tombstones, the segments in memory,
     *                    the wanted index files
     * @param owned       collections this store owns now
     * @param exists      whether a collection is still in the catalog
     * @param wholeBucket in a shared bucket, also look for collections dropped while nobody collected them
     * @return how many objects were deleted
     */
    synchronized int sweep(Set<String> keep, Set<Long> owned, LongPredicate exists, boolean wholeBucket) {
        long now = clockMillis.getAsLong();
        GarbagePolicy grace = policy;
        int deleted = 0;
        try {
            Set<Long> scanned = new HashSet<>(owned);
            List<String> candidates = new ArrayList<>();
            if (!shared) {
                candidates.addAll(files.list(SegmentDirectory.SEGMENTS_PREFIX));
            } else {
                for (long id : lastScanned) {
                    if (!owned.contains(id) && !exists.test(id)) {
                        dropped.add(id);
                    }
                }
                if (wholeBucket) {
                    for (String name : files.list(SegmentDirectory.SEGMENTS_PREFIX)) {
                        long id = collectionOf(name);
                        if (id >= 0 && !owned.contains(id) && !exists.test(id)) {
                            dropped.add(id);
                        }
                    }
                }
                scanned.addAll(dropped);
                for (long id : scanned) {
                    List<String> folder = files.list(SegmentDirectory.collectionDir(id));
                    if (folder.isEmpty() && !owned.contains(id)) {
                        dropped.remove(id); // collected
                    }
                    candidates.addAll(folder);
                }
            }
            Set<String> present = new HashSet<>(candidates);
            unnamed.keySet().retainAll(present);
            for (String name : candidates) {
                if (keep.contains(name) || name.endsWith(LocalDisk.TEMP_SUFFIX)) {
                    unnamed.remove(name);
                    continue;
                }
                Unnamed since = unnamed.computeIfAbsent(name, n -> new Unnamed(now, lastKept.contains(n)));
                long tolerance = (since.wasNamed() ? grace.dropTolerance() : grace.missingTolerance()).toMillis();
                if (now - since.sinceMillis() >= tolerance) {
                    files.delete(name);
                    unnamed.remove(name);
                    deleted++;
                }
            }
            lastKept = Set.copyOf(keep);
            lastScanned = Set.copyOf(scanned);
        } catch (IOException e) {
            LOG.warn("event=object_gc_failed store={} error={}", files.describe(SegmentDirectory.SEGMENTS_PREFIX),
                    e.toString());
        }
        if (deleted > 0) {
            LOG.info("event=object_gc deleted={} waiting={}", deleted, unnamed.size());
        }
        return deleted;
    }

    /**
     * What a manifest read from the store names (at start-up, or a collection taken over): those objects count as
     * named before, so once unnamed they wait the drop tolerance, and the collections are looked at from now on.
     */
    synchronized void named(Set<String> names, Set<Long> collections) {
        Set<String> kept = new HashSet<>(lastKept);
        kept.addAll(names);
        lastKept = Set.copyOf(kept);
        Set<Long> scanned = new HashSet<>(lastScanned);
        scanned.addAll(collections);
        lastScanned = Set.copyOf(scanned);
    }

    /** How many unnamed objects wait out their grace now. */
    synchronized int waiting() {
        return unnamed.size();
    }

    /** The collection of a sealed name ({@code segments/<collection>/...}), or -1. */
    static long collectionOf(String name) {
        if (!name.startsWith(SegmentDirectory.SEGMENTS_PREFIX)) {
            return -1;
        }
        int slash = name.indexOf('/', SegmentDirectory.SEGMENTS_PREFIX.length());
        try {
            return slash < 0 ? -1 : Long.parseLong(name.substring(SegmentDirectory.SEGMENTS_PREFIX.length(), slash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
