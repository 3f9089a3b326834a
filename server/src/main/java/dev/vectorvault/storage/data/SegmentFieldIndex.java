package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index over one sealed segment's field through its life: pending, then loaded from its file or built (and
 * written), or failed; cancelled when the segment or the index definition goes away. Readers use it only once
 * {@link #ready()}; until then the segment is read without it (scanned, or searched exactly). State fields are
 * volatile: one background thread writes them, reading threads read them. Subclasses say how their index is built,
 * written and read ({@link SegmentIndex} for vector fields, {@link SegmentScalarIndex}, {@link SegmentTextIndex}).
 *
 * @param <S> what the index is built from (the segment's values or vectors of the field)
 * @param <T> the immutable index
 */
abstract class SegmentFieldIndex<S, T> {
    /** How a finished index came to be; tests and logs tell a load from a rebuild by it. */
    enum Origin { NONE, LOADED, BUILT }

    private static final Logger LOG = LoggerFactory.getLogger(SegmentFieldIndex.class);

    final long segmentId;
    final int field;
    final int rows;
    private volatile T index;
    private volatile Origin origin = Origin.NONE;
    private volatile String failure = "";
    private volatile boolean cancelled;

    SegmentFieldIndex(long segmentId, int field, int rows) {
        this.segmentId = segmentId;
        this.field = field;
        this.rows = rows;
    }

    /**
     * Builds the index over the segment's field; may stop with a {@link CancellationException} once
     * {@link #cancelled()}.
     */
    abstract T build(S source);

    /** Writes {@code built} to {@code file}, atomically; a {@link StorageException} when it cannot. */
    abstract void write(T built, ObjectStore store, String file);

    /**
     * Reads the index over {@code source} from {@code file}; {@link CorruptIndexException} when the file cannot be
     * trusted, {@link StorageException} (STORAGE_NOT_FOUND when absent) when it cannot be read.
     */
    abstract T read(ObjectStore store, String file, S source);

    /** The event name prefix of this kind's log lines ({@code index}, {@code scalar_index}, ...). */
    abstract String event();

    /** What a log line says of the index's definition (kind, type), whether or not it was built. */
    abstract String definition();

    /** What a log line says of the finished index besides its definition (never a row value). */
    abstract String describe(T built);

    /** Whether {@code segment} still holds this index for its field (it was not replaced or dropped). */
    abstract boolean heldBy(Segment segment);

    boolean ready() {
        return origin != Origin.NONE;
    }

    Origin origin() {
        return origin;
    }

    String failure() {
        return failure;
    }

    boolean failed() {
        return !failure.isEmpty();
    }

    /** Another try is on its way: no longer failed (only pending) until that try ends. */
    void tryingAgain() {
        failure = "";
    }

    /** Stops a build that has not finished; a cancelled index never becomes ready and writes no file. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The finished index, or null before it is ready or once cancelled. */
    T index() {
        return ready() && !cancelled ? index : null;
    }

    /** The index as held, for readers that are only handed a ready one (null before it was built or loaded). */
    final T held() {
        return index;
    }

    /**
     * One try at making the index ready with its file written: loads it from {@code file} when {@code tryLoad} and
     * the file holds this index over these rows, else from {@code previousVersionFile} (when not null) and rewrites
     * it in the current version, else builds it from {@code source} and writes the file. A damaged or mismatched file
     * is logged and replaced, never used. After a try that built or loaded the index but could not write its file,
     * the index is used from memory and a further try only writes the file. Runs on the build thread.
     *
     * @return whether the index is settled: ready with its file written, or cancelled; false when this try failed
     *         (an I/O error, a full disk, too little memory) and another is worth making later
     */
    boolean loadOrBuild(S source, ObjectStore store, String file, String previousVersionFile, boolean tryLoad) {
        if (cancelled) {
            return true;
        }
        try {
            if (index == null) {
                if (tryLoad && load(source, store, file)) {
                    failure = "";
                    return true;
                }
                // Loaded from the previous version's file, the index is rewritten below in the current version, so
                // the old file can go at the next checkpoint.
                if (!(tryLoad && previousVersionFile != null && load(source, store, previousVersionFile))) {
                    long started = System.nanoTime();
                    T built = build(source);
                    if (cancelled) {
                        return true;
                    }
                    index = built;
                    LOG.info("event={}_built segment={} field={} rows={} {} ms={}", event(), segmentId, field, rows,
                            facts(built), (System.nanoTime() - started) / 1_000_000);
                }
            }
            if (cancelled) {
                return true;
            }
            // Written before it is first used, so that "ready" also means "on disk" unless the write failed.
            boolean written = write(store, file);
            if (origin == Origin.NONE) {
                origin = Origin.BUILT;
            }
            if (written) {
                failure = "";
            }
            return written;
        } catch (CancellationException e) {
            LOG.debug("event={}_build_cancelled segment={} field={}", event(), segmentId, field);
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = e.toString();
            LOG.error("event={}_build_failed segment={} field={} {} error={}", event(), segmentId, field,
                    definition(), e.toString(), e);
            return false;
        }
    }

    private boolean load(S source, ObjectStore store, String file) {
        try {
            index = read(store, file, source);
            origin = Origin.LOADED;
            LOG.info("event={}_loaded segment={} field={} rows={} {}", event(), segmentId, field, rows,
                    facts(index));
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

    private String facts(T built) {
        String described = describe(built);
        return described.isEmpty() ? definition() : definition() + " " + described;
    }

    /** Whether the file was written; when not, the index in memory is still fine, and the write is tried again. */
    private boolean write(ObjectStore store, String file) {
        try {
            write(index, store, file);
            return true;
        } catch (StorageException e) {
            failure = e.toString();
            LOG.warn("event={}_write_failed segment={} field={} error={}", event(), segmentId, field, e.toString());
            return false;
        }
    }
}
