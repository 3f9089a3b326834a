package dev.vectorvault.storage.data;

import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint's work on one collection: seals its growing segment, rewrites segments that are mostly tombstones
 * (compaction), and writes the segment and tombstone files that are not on disk yet. The caller holds the lock that
 * keeps writers out and records the manifest afterwards.
 */
final class SegmentSealer {
    private final SegmentDirectory directory;
    /**
     * A flushed segment whose rows are more than this share deleted or expired is rewritten at the next checkpoint,
     * and by the background expiry compaction (Milvus's {@code dataCoord.compaction.single.ratio.threshold}).
     */
    private volatile double ratioThreshold = CompactionPolicy.DEFAULT_RATIO_THRESHOLD;

    SegmentSealer(SegmentDirectory directory) {
        this.directory = directory;
    }

    void ratioThreshold(double ratio) {
        this.ratioThreshold = ratio;
    }

    /** Whether the segment's deleted and expired rows together pass the ratio threshold. */
    private boolean mostlyHidden(Segment segment, long cutoff) {
        return segment.deletedCount() + segment.expiredLiveCount(cutoff) > ratioThreshold * segment.size();
    }

    /**
     * The flushed segments that hold rows expired at {@code cutoff} and whose deleted and expired rows pass the ratio
     * threshold: what a background expiry compaction rewrites (with {@link #compact(CollectionData, java.util.Set,
     * long)}, as a manual compaction naming them would).
     */
    java.util.Set<Long> dueForExpiry(CollectionData data, long cutoff) {
        java.util.Set<Long> due = new java.util.HashSet<>();
        data.forEachSegment(segment -> {
            if (segment.persisted() && segment.mayHoldExpired(cutoff) && segment.expiredLiveCount(cutoff) > 0
                    && mostlyHidden(segment, cutoff)) {
                due.add(segment.segmentId());
            }
        });
        return due;
    }

    /**
     * Persists the collection's segments; returns them as the manifest will name them. Rows inserted before
     * {@code cutoff} (now less the collection's TTL, or {@link CollectionData#NO_EXPIRY}) count as deleted for
     * deciding what to rewrite, and are left out of what is rewritten; each segment so rewritten is added to
     * {@code rewritten}.
     */
    List<SegmentRef> persist(CollectionData data, CollectionLayout layout, long cutoff,
            List<CompactionPlan> rewritten) {
        List<SegmentRef> refs = new ArrayList<>();
        data.exclusive(segments -> {
            persist(data, segments, layout, cutoff, rewritten);
            segments.forEach(s -> refs.add(new SegmentRef(data.collectionId(), s.segmentId())));
            return null;
        });
        return refs;
    }

    private void persist(CollectionData data, List<Segment> segments, CollectionLayout layout, long cutoff,
            List<CompactionPlan> rewritten) {
        long collectionId = data.collectionId();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment.size() == 0) {
                continue;
            }
            segment.seal();
            if (segment.persisted() && mostlyHidden(segment, cutoff)) {
                long source = segment.segmentId();
                segment = compact(segment, data, cutoff);
                data.replaceCompacted(i, segment);
                rewritten.add(new CompactionPlan(List.of(source), segment.size() == 0 ? -1 : segment.segmentId()));
            }
            if (!segment.persisted()) {
                directory.writeSegment(collectionId, segment, layout);
                segment.markPersisted();
                if (!segment.deletesDirty()) {
                    directory.deleteStaleDeletes(collectionId, segment.segmentId());
                }
            }
            if (segment.deletesDirty()) {
                directory.writeDeletes(collectionId, segment);
                segment.deletesWritten();
            }
        }
        // Not segments.removeIf: the primary-key map holds segment positions, which must move with them.
        data.removeEmptySegments();
    }

    /**
     * A manual compaction of the collection's flushed segments (all of them, or those in {@code only}): runs of
     * consecutive small segments (under half the seal threshold of live rows) merge into one while the merged one
     * stays within the threshold; any other with tombstones is rewritten without them. Growing and not yet flushed
     * segments are left to the checkpoint, as Milvus compacts flushed segments only. Rows expired at {@code cutoff}
     * count as tombstones and are dropped (Milvus's compaction removes expired rows). The caller then checkpoints.
     */
    List<CompactionPlan> compact(CollectionData data, java.util.Set<Long> only, long cutoff) {
        return data.exclusive(segments -> {
            int threshold = data.sealThreshold();
            List<List<Integer>> groups = new ArrayList<>();
            List<Integer> run = new ArrayList<>();
            long runRows = 0;
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (!segment.persisted() || !only.isEmpty() && !only.contains(segment.segmentId())) {
                    groups.add(run);
                    run = new ArrayList<>();
                    runRows = 0;
                    continue;
                }
                int hidden = segment.deletedCount() + segment.expiredLiveCount(cutoff);
                long live = segment.size() - hidden;
                boolean small = live < threshold / 2;
                if (!small || runRows + live > threshold) {
                    groups.add(run);
                    run = new ArrayList<>();
                    runRows = 0;
                }
                if (small) {
                    run.add(i);
                    runRows += live;
                } else if (hidden > 0) {
                    groups.add(List.of(i));
                }
            }
            groups.add(run);
            // Segments with tombstones that merge with nothing are rewritten alone.
            List<List<Integer>> plans = new ArrayList<>();
            for (List<Integer> group : groups) {
                Segment first = group.isEmpty() ? null : segments.get(group.get(0));
                if (group.size() > 1 || group.size() == 1
                        && first.deletedCount() + first.expiredLiveCount(cutoff) > 0) {
                    plans.add(group);
                }
            }
            // Indexes stay put until every plan is done: merged-away segments are left empty, then dropped at once.
            List<CompactionPlan> done = new ArrayList<>();
            for (List<Integer> group : plans) {
                List<Long> sources = new ArrayList<>();
                Segment merged = data.newSegment();
                for (int index : group) {
                    Segment source = segments.get(index);
                    sources.add(source.segmentId());
                    for (int ordinal = 0; ordinal < source.size(); ordinal++) {
                        if (!source.isDeleted(ordinal) && !source.isExpired(ordinal, cutoff)) {
                            merged.append(source.partition(ordinal), source.insertTime(ordinal),
                                    data.fullRow(source, ordinal));
                        } else if (!source.isDeleted(ordinal)) {
                            data.forgetExpired(source, ordinal);
                        }
                    }
                }
                merged.seal();
                data.replaceMerged(group, merged);
                done.add(new CompactionPlan(sources, merged.size() == 0 ? -1 : merged.segmentId()));
            }
            data.removeEmptySegments();
            return done;
        });
    }

    /**
     * A new segment with only the live rows (neither deleted nor expired at {@code cutoff}); the old files go once
     * the manifest no longer names them.
     */
    private static Segment compact(Segment segment, CollectionData data, long cutoff) {
        Segment compacted = data.newSegment();
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            if (!segment.isDeleted(ordinal) && !segment.isExpired(ordinal, cutoff)) {
                compacted.append(segment.partition(ordinal), segment.insertTime(ordinal),
                        data.fullRow(segment, ordinal));
            } else if (!segment.isDeleted(ordinal)) {
                data.forgetExpired(segment, ordinal);
            }
        }
        compacted.seal();
        return compacted;
    }
}
