package dev.vectorvault.storage.data;

import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorEncoding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rows of one collection: sealed segments plus one growing segment, and a primary-key map so that a key has at
 * most one live row (writing an existing key replaces its row; this is how upsert works, and insert does the same).
 * Writers take the write lock, readers the read lock, so every read sees whole requests only.
 */
final class CollectionData {
    private final long collectionId;
    private final int primaryKeyField;
    /** The fields as the collection has them now; grows when fields are added (see {@link #adopt}). */
    private volatile int[] vectorDims;
    /** How each dense vector field's components are held (aligned with {@link #vectorDims}; null: all float32). */
    private volatile VectorEncoding[] vectorEncodings;
    /** What each field reads in a row written before the field existed (aligned with {@link #vectorDims}). */
    private volatile Object[] absentValues;
    /** Which sparse fields a BM25 function fills (aligned with {@link #vectorDims}; null: none). */
    private volatile boolean[] bm25Outputs;
    private final int sealThreshold;
    private final LongSupplier segmentIds;
    private final List<Segment> segments = new ArrayList<>();
    private final Map<Object, Long> primaryKeys = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** {@link CollectionView#readerState}: what readers derived from these rows, kept between reads. */
    private final ConcurrentHashMap<Object, Object> readerState = new ConcurrentHashMap<>();
    /** The view of reads that expire nothing (no TTL), shared by them. */
    private final View view = new View(NO_EXPIRY);
    /** An expiry cutoff below every insert time: no row expires. */
    static final long NO_EXPIRY = Long.MIN_VALUE;

    CollectionData(long collectionId, int primaryKeyField, int[] vectorDims, int sealThreshold,
                   LongSupplier segmentIds) {
        this.collectionId = collectionId;
        this.primaryKeyField = primaryKeyField;
        this.vectorDims = vectorDims.clone();
        this.sealThreshold = sealThreshold;
        this.segmentIds = segmentIds;
    }

    /**
     * Takes the collection's current layout: when fields were added since (AddCollectionField), new segments get
     * them, and rows of the older, narrower segments read them as the layout's absent values. Cheap when nothing
     * changed; fields are only ever added at the end.
     */
    CollectionData adopt(CollectionLayout layout) {
        if (absentValues != null && layout.fieldCount() <= vectorDims.length) {
            return this;
        }
        lock.writeLock().lock();
        try {
            if (absentValues == null || layout.fieldCount() > vectorDims.length) {
                absentValues = layout.absentValues();
                vectorEncodings = layout.vectorEncodings();
                bm25Outputs = layout.bm25Outputs();
                vectorDims = layout.vectorDims();
            }
            return this;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A row of {@code segment} with a value for every field the collection has now. */
    Object[] fullRow(Segment segment, int ordinal) {
        Object[] row = segment.row(ordinal);
        if (row.length == vectorDims.length) {
            return row;
        }
        Object[] full = java.util.Arrays.copyOf(row, vectorDims.length);
        for (int f = row.length; f < full.length; f++) {
            full[f] = absentValues[f];
        }
        return full;
    }

    long collectionId() {
        return collectionId;
    }

    /**
     * Writes rows (replacing rows with the same primary key), all inserted at {@code insertTime} (epoch milliseconds
     * as the log record holds it, or {@link Segment#NO_INSERT_TIME}).
     */
    void put(long partitionId, long insertTime, List<Object[]> rows) {
        lock.writeLock().lock();
        try {
            for (Object[] row : rows) {
                deleteKey(row[primaryKeyField]);
                int index = growingIndex();
                int ordinal = segments.get(index).append(partitionId, insertTime, row);
                primaryKeys.put(row[primaryKeyField], position(index, ordinal));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Deletes the rows with these keys; returns how many existed. */
    int delete(Collection<?> keys) {
        lock.writeLock().lock();
        try {
            int deleted = 0;
            for (Object key : keys) {
                if (deleteKey(key)) {
                    deleted++;
                }
            }
            return deleted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Rows not deleted and not expired at {@code cutoff} ({@link #NO_EXPIRY}: none expire); -1: every partition. */
    long liveRows(long partitionId, long cutoff) {
        return read(cutoff, v -> {
            if (partitionId < 0 && cutoff == NO_EXPIRY) {
                return (long) primaryKeys.size();
            }
            long count = 0;
            for (long where : primaryKeys.values()) {
                int segment = segmentOf(where);
                int ordinal = ordinalOf(where);
                if ((partitionId < 0 || v.partition(segment, ordinal) == partitionId)
                        && !segments.get(segment).isExpired(ordinal, cutoff)) {
                    count++;
                }
            }
            return count;
        });
    }

    /** Every segment holding rows, once per partition it holds rows of, in segment order. */
    List<SegmentInfo> segmentInfos() {
        lock.readLock().lock();
        try {
            List<SegmentInfo> infos = new ArrayList<>();
            for (Segment segment : segments) {
                SegmentInfo.State state = !segment.sealed() ? SegmentInfo.State.GROWING
                        : segment.persisted() ? SegmentInfo.State.FLUSHED : SegmentInfo.State.SEALED;
                Map<Long, Long> rows = new java.util.TreeMap<>();
                for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
                    rows.merge(segment.partition(ordinal), 1L, Long::sum);
                }
                rows.forEach((partition, count) -> infos.add(
                        new SegmentInfo(segment.segmentId(), partition, count, state)));
            }
            return infos;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes every row of a partition (the partition was dropped). */
    void dropPartition(long partitionId) {
        lock.writeLock().lock();
        try {
            primaryKeys.entrySet().removeIf(e -> {
                Segment s = segments.get(segmentOf(e.getValue()));
                int ordinal = ordinalOf(e.getValue());
                if (s.partition(ordinal) == partitionId) {
                    s.delete(ordinal);
                    return true;
                }
                return false;
            });
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Runs {@code reader} on a view in which rows inserted before {@code cutoff} (the reader's now less the
     * collection's TTL, or {@link #NO_EXPIRY}) read as deleted: expiry is decided at read time, so a TTL change
     * applies to existing rows at once, and each replica decides with the insert times the log carried.
     */
    <R> R read(long cutoff, Function<CollectionView, R> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(cutoff == NO_EXPIRY ? view : new View(cutoff));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code action} with writers excluded (checkpoints and compaction). */
    <R> R exclusive(Function<List<Segment>, R> action) {
        lock.writeLock().lock();
        try {
            return action.apply(segments);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds a sealed segment loaded from disk (start-up only). */
    void addLoaded(Segment segment) {
        lock.writeLock().lock();
        try {
            segments.add(segment);
            int index = segments.size() - 1;
            for (int ordinal = 0; ordinal < segment.size(); ordinal++) {
                if (!segment.isDeleted(ordinal)) {
                    primaryKeys.put(segment.value(primaryKeyField, ordinal), position(index, ordinal));
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs {@code action} on every segment with writers excluded but other readers allowed. */
    void forEachSegment(java.util.function.Consumer<Segment> action) {
        lock.readLock().lock();
        try {
            segments.forEach(action);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * This data is going away (its collection dropped or reloaded, the store closing, a replica's copy replaced):
     * retire every segment ({@link Segment#retire}).
     */
    void retire() {
        // Exclusive, so a read in progress on this data (a replica's copy just replaced) finishes with its files.
        exclusive(segments -> {
            segments.forEach(Segment::retire);
            return null;
        });
    }

    /** Replaces one segment by its compacted copy (same live rows, no tombstones); caller holds exclusive(). */
    void replaceCompacted(int index, Segment compacted) {
        segments.get(index).retire();
        segments.set(index, compacted);
        for (int ordinal = 0; ordinal < compacted.size(); ordinal++) {
            primaryKeys.put(compacted.value(primaryKeyField, ordinal), position(index, ordinal));
        }
    }

    /**
     * Replaces the segments at {@code indexes} by {@code merged} (a copy of their live rows), which takes the first
     * one's place; the others become empty, for {@link #removeEmptySegments} to drop. Caller holds exclusive().
     */
    void replaceMerged(List<Integer> indexes, Segment merged) {
        replaceCompacted(indexes.get(0), merged);
        for (int index : indexes.subList(1, indexes.size())) {
            segments.get(index).retire();
            segments.set(index, new Segment(-1, vectorDims, vectorEncodings));
        }
    }

    /**
     * An expired row is being compacted away: its key has no row any more (a later put of the key is an insert).
     * Caller holds exclusive().
     */
    void forgetExpired(Segment segment, int ordinal) {
        primaryKeys.remove(segment.value(primaryKeyField, ordinal));
    }

    /** Rows after which a growing segment seals: the size merged segments are kept under. */
    int sealThreshold() {
        return sealThreshold;
    }

    /**
     * Drops segments without rows (a compacted copy of a segment whose rows were all deleted) and points the
     * primary keys at the positions the remaining segments move to; caller holds exclusive().
     */
    void removeEmptySegments() {
        if (segments.stream().allMatch(s -> s.size() > 0)) {
            return;
        }
        int[] newIndex = new int[segments.size()];
        List<Segment> kept = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            newIndex[i] = segments.get(i).size() == 0 ? -1 : kept.size();
            if (newIndex[i] >= 0) {
                kept.add(segments.get(i));
            } else {
                segments.get(i).retire();
            }
        }
        segments.clear();
        segments.addAll(kept);
        primaryKeys.replaceAll((key, where) -> position(newIndex[segmentOf(where)], ordinalOf(where)));
    }

    /** A segment to be filled and sealed at once (a compacted or merged copy). */
    Segment newSegment() {
        return new Segment(segmentIds.getAsLong(), vectorDims, vectorEncodings);
    }

    /**
     * A segment that takes rows as they are written: its BM25 outputs keep their full-text postings current, since
     * it is searched without an index until it seals and its index is built.
     */
    private Segment newGrowingSegment() {
        return new Segment(segmentIds.getAsLong(), vectorDims, vectorEncodings, bm25Outputs);
    }

    private int growingIndex() {
        if (!segments.isEmpty() && segments.get(segments.size() - 1).fieldCount() < vectorDims.length) {
            segments.get(segments.size() - 1).seal(); // grown before a field was added: new rows are wider
        }
        if (segments.isEmpty() || segments.get(segments.size() - 1).sealed()) {
            segments.add(newGrowingSegment());
        }
        int last = segments.size() - 1;
        if (segments.get(last).size() >= sealThreshold) {
            segments.get(last).seal();
            segments.add(newGrowingSegment());
            last++;
        }
        return last;
    }

    private boolean deleteKey(Object key) {
        Long where = primaryKeys.remove(key);
        if (where == null) {
            return false;
        }
        segments.get(segmentOf(where)).delete(ordinalOf(where));
        return true;
    }

    private static long position(int segment, int ordinal) {
        return ((long) segment << 32) | (ordinal & 0xffffffffL);
    }

    static int segmentOf(long position) {
        return (int) (position >>> 32);
    }

    static int ordinalOf(long position) {
        return (int) position;
    }

    /** A view at one expiry cutoff; used by the threads of one read at once (see {@link #deletedCount}). */
    private final class View implements CollectionView {
        private final long cutoff;
        /** Per segment, its deleted plus expired rows, or -1 until counted (racing threads count alike). */
        private final int[] hidden;

        View(long cutoff) {
            this.cutoff = cutoff;
            this.hidden = cutoff == NO_EXPIRY ? null : new int[segments.size()];
            if (hidden != null) {
                java.util.Arrays.fill(hidden, -1);
            }
        }

        @Override
        public int segmentCount() {
            return segments.size();
        }

        @Override
        public int segmentSize(int segment) {
            return segments.get(segment).size();
        }

        @Override
        public int deletedCount(int segment) {
            Segment s = segments.get(segment);
            if (hidden == null) {
                return s.deletedCount();
            }
            int count = hidden[segment];
            if (count < 0) {
                count = s.deletedCount() + s.expiredLiveCount(cutoff);
                hidden[segment] = count;
            }
            return count;
        }

        @Override
        public boolean isLive(int segment, int ordinal) {
            Segment s = segments.get(segment);
            return !s.isDeleted(ordinal) && !s.isExpired(ordinal, cutoff);
        }

        @Override
        public long partition(int segment, int ordinal) {
            return segments.get(segment).partition(ordinal);
        }

        @Override
        public Object value(int segment, int field, int ordinal) {
            Segment s = segments.get(segment);
            return field < s.fieldCount() ? s.value(field, ordinal) : absentValues[field];
        }

        @Override
        public VectorColumn vectors(int segment, int field) {
            return segments.get(segment).vectors(field);
        }

        @Override
        public dev.vectorvault.index.SparseColumn sparseVectors(int segment, int field) {
            return segments.get(segment).sparseVectors(field);
        }

        @Override
        public dev.vectorvault.index.BinaryColumn binaryVectors(int segment, int field) {
            return segments.get(segment).binaryVectors(field);
        }

        @Override
        public AnnIndex annIndex(int segment, int field) {
            SegmentIndex index = segments.get(segment).annIndex(field);
            return index != null && index.ready() && !index.cancelled() ? index : null;
        }

        @Override
        public dev.vectorvault.index.ScalarIndex scalarIndex(int segment, int field) {
            SegmentScalarIndex index = segments.get(segment).scalarIndex(field);
            return index == null ? null : index.index();
        }

        @Override
        public dev.vectorvault.text.TextMatchIndex textMatchIndex(int segment, int field) {
            SegmentTextIndex index = segments.get(segment).textIndex(field);
            return index == null ? null : index.index();
        }

        @Override
        public long locate(Object primaryKey) {
            Long where = primaryKeys.get(primaryKey);
            return where == null || segments.get(segmentOf(where)).isExpired(ordinalOf(where), cutoff) ? -1 : where;
        }

        @Override
        public <T> T readerState(Object key, Class<T> type, Supplier<T> create) {
            Object kept = readerState.get(key);
            return type.cast(kept != null ? kept : readerState.computeIfAbsent(key, k -> create.get()));
        }
    }
}
