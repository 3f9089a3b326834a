package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.index.ScalarIndex;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scalar index of one sealed segment's field through its life, as {@link SegmentIndex} is for vector fields:
 * pending, then loaded from its file or built (and written), or failed; cancelled when the segment or the index
 * definition goes away. Filters use it only once {@link #ready()}; until then the segment is scanned. State fields
 * are volatile: one background thread writes them, reading threads read them.
 */
final class SegmentScalarIndex {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentScalarIndex.class);

    final ScalarIndexSpec spec;
    final long segmentId;
    final int field;
    private final int rows;
    private volatile ScalarIndex index;
    private volatile SegmentIndex.Origin origin = SegmentIndex.Origin.NONE;
    private volatile String failure = "";
    private volatile boolean cancelled;

    SegmentScalarIndex(ScalarIndexSpec spec, long segmentId, int field, int rows) {
        this.spec = spec;
        this.segmentId = segmentId;
        this.field = field;
        this.rows = rows;
    }

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
    ScalarIndex index() {
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
                index = ScalarIndex.build(spec.type(), values, spec.arrayElements());
                LOG.info("event=scalar_index_built segment={} field={} type={} rows={} keys={} ms={}", segmentId,
                        field, spec.type(), rows, index.keyCount(), (System.nanoTime() - started) / 1_000_000);
            }
            if (cancelled) {
                return true;
            }
            boolean written;
            try {
                index.write(store, file);
                written = true;
            } catch (StorageException e) {
                failure = e.toString();
                LOG.warn("event=scalar_index_write_failed segment={} field={} error={}", segmentId, field,
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
            LOG.error("event=scalar_index_build_failed segment={} field={} type={} error={}", segmentId, field,
                    spec.type(), e.toString(), e);
            return false;
        }
    }

    private boolean load(ObjectStore store, String file) {
        try {
            index = ScalarIndex.read(store, file, spec.type(), rows, spec.arrayElements());
            origin = SegmentIndex.Origin.LOADED;
            LOG.info("event=scalar_index_loaded segment={} field={} type={} rows={}", segmentId, field, spec.type(),
                    rows);
            return true;
        } catch (CorruptIndexException e) {
            LOG.warn("event=scalar_index_file_rejected segment={} field={} error={} action=rebuild", segmentId, field,
                    e.getMessage());
        } catch (StorageException e) {
            if (e.errorCode() != ErrorCode.STORAGE_NOT_FOUND) {
                LOG.warn("event=scalar_index_file_unreadable segment={} field={} error={} action=rebuild", segmentId,
                        field, e.getMessage());
            }
        }
        return false;
    }
}
