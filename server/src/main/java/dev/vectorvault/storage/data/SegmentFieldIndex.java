package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index over one sealed segment's scalar field values through its life, as {@link SegmentIndex} is for vector
 * fields: pending, then loaded from its file or built (and written), or failed; cancelled when the segment or the
 * index goes away. Readers use it only once {@link #ready()}; until then the segment is scanned. State fields are
 * volatile: one background thread writes them, reading threads read them. Subclasses say how their index is built,
 * written and read ({@link SegmentScalarIndex}, {@link SegmentTextIndex}).
 *
 * @param <T> the immutable index
 */
abstract class SegmentFieldIndex<T> {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFieldIndex.class);

    final long segmentId;
    final int field;
    final int rows;
    private volatile T index;
    private volatile SegmentIndex.Origin origin = SegmentIndex.Origin.NONE;
    private volatile String failure = "";
    private volatile boolean cancelled;

    SegmentFieldIndex(long segmentId, int field, int rows) {
        this.segmentId = segmentId;
        this.field = field;
        this.rows = rows;
    }

    /** Builds the index over the segment's values of the field. */
    abstract T build(List<Object> values);

    /** Writes {@code built} to {@code file}, atomically; a {@link StorageException} when it cannot. */
    abstract void write(T built, ObjectStore store, String file);

    /**
     * Reads the index from {@code file} for these rows; {@link CorruptIndexException} when the file cannot be trusted,
     * {@link StorageException} (STORAGE_NOT_FOUND when absent) when it cannot be read.
     */
    abstract T read(ObjectStore store, String file);

    /** The event name prefix of this kind's log lines ({@code scalar_index}, ...). */
    abstract String event();

    /** What a log line says of the index besides segment and field (never a row value). */
    abstract String describe(T built);

    /** Whether {@code segment} still holds this index for its field (it was not replaced or dropped). */
    abstract boolean heldBy(Segment segment);

    boolean ready() {
        return origin != SegmentIndex.Origin.NONE;
    }

    SegmentIndex.Origin origin() {
        return origin;
    }

    String failure() {
        return failure;
    }

    boolean failed() {
        return !failure.isEmpty();
    }

    void tryingAgain() {
        failure = "";
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The finished index, or null before it is ready. */
    T index() {
        return ready() && !cancelled ? index : null;
    }

    /**
     * One try at making the index ready with its file written: loads it from {@code file} when the segment came from
     * disk and the file holds this index over these rows, else builds it from {@code values} and writes the file. A
     * damaged or mismatched file is logged and replaced, never used. Runs on the build thread.
     *
     * @return whether settled (ready with its file written, or cancelled); false when another try is worth making
     */
    boolean loadOrBuild(List<Object> values, ObjectStore store, String file, boolean tryLoad) {
        if (cancelled) {
            return true;
        }
        try {
            if (index == null) {
                if (tryLoad && load(store, file)) {
                    failure = "";
                    return true;
                }
                long started = System.nanoTime();
                index = build(values);
                LOG.info("event={}_built segment={} field={} rows={} {} ms={}", event(), segmentId, field, rows,
                        describe(index), (System.nanoTime() - started) / 1_000_000);
            }
            if (cancelled) {
                return true;
            }
            boolean written;
            try {
                write(index, store, file);
                written = true;
            } catch (StorageException e) {
                failure = e.toString();
                LOG.warn("event={}_write_failed segment={} field={} error={}", event(), segmentId, field,
                        e.toString());
                written = false;
            }
            if (origin == SegmentIndex.Origin.NONE) {
                origin = SegmentIndex.Origin.BUILT;
            }
            if (written) {
                failure = "";
            }
            return written;
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = e.toString();
            LOG.error("event={}_build_failed segment={} field={} error={}", event(), segmentId, field, e.toString(),
                    e);
            return false;
        }
    }

    private boolean load(ObjectStore store, String file) {
        try {
            index = read(store, file);
            origin = SegmentIndex.Origin.LOADED;
            LOG.info("event={}_loaded segment={} field={} rows={} {}", event(), segmentId, field, rows,
                    describe(index));
            return true;
        } catch (CorruptIndexException e) {
            LOG.warn("event={}_file_rejected segment={} field={} error={} action=rebuild", event(), segmentId, field,
                    e.getMessage());
        } catch (StorageException e) {
            if (e.errorCode() != ErrorCode.STORAGE_NOT_FOUND) {
                LOG.warn("event={}_file_unreadable segment={} field={} error={} action=rebuild", event(), segmentId,
                        field, e.getMessage());
            }
        }
        return false;
    }
}
