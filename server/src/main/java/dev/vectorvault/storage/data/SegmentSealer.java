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
    /** A segment whose rows are more than this share tombstones is rewritten at the next checkpoint. */
    static final double COMPACT_RATIO = 0.2;

    private final SegmentDirectory directory;

    SegmentSealer(SegmentDirectory directory) {
        this.directory = directory;
    }

    /** Persists the collection's segments; returns them as the manifest will name them. */
    List<SegmentRef> persist(CollectionData data, CollectionLayout layout) {
        List<SegmentRef> refs = new ArrayList<>();
        data.exclusive(segments -> {
            persist(data, segments, layout);
            segments.forEach(s -> refs.add(new SegmentRef(data.collectionId(), s.segmentId())));
            return null;
        });
        return refs;
    }

    private void persist(CollectionData data, List<Segment> segments, CollectionLayout layout) {
        long collectionId = data.collectionId();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment.size() == 0) {
                continue;
            }
            segment.seal();
            if (segment.persisted() && segment.deletedCount() > COMPACT_RATIO * segment.size()) {
                segment = compact(segment, data);
                data.replaceCompacted(i, segment);
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

    /** A new segment with only the live rows; the old files go once the manifest no longer names them. */
    private static Segment compact(Segment segment, CollectionData data) {
        Segment compacted = data.newSegment();
        for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
            if (!segment.isDeleted(ordinal)) {
                compacted.append(segment.partition(ordinal), data.fullRow(segment, ordinal));
            }
        }
        compacted.seal();
        return compacted;
    }
}
