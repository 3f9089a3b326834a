package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.data.DataManifest.ShardPosition;
import dev.vectorvault.storage.log.LogRecord;
import dev.vectorvault.storage.log.ShardId;
import dev.vectorvault.storage.log.ShardLog;
import dev.vectorvault.storage.log.ShardReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only copy of a collection another node owns (a follower replica): the sealed segments its manifest names
 * (read through {@link SealedStorage}, with its cache) plus every shard's records after the manifest's positions,
 * tailed continuously with {@link ShardReader#poll}. It never opens a writer, so it never fences the owner.
 *
 * <p><b>A new manifest is a new copy.</b> When the owner records a checkpoint, records this copy already applied are
 * now also inside the new segments. Rather than work out which rows of the old copy the new segments duplicate (rows
 * move between segments when the owner compacts; deletes may hit sealed rows), the copy is rebuilt from the new
 * manifest (segments loaded, shards replayed from the new positions) on the tailing thread, and swapped in with one
 * volatile write: a read sees either the old copy or the new one, each on its own exactly once, never a mix. Reads
 * keep being served by the old copy meanwhile; the cost is a reload per checkpoint (sealed objects come from the local
 * cache). The manifest record is compared every {@link #MANIFEST_CHECK} on the tailing thread.
 *
 * <p><b>Freshness.</b> Per shard the copy knows its position (after the last record applied) and when a poll last
 * came back empty (it was at the end of what was committed then). {@link #awaitFresh} waits until every shard reached
 * its end position taken when it was called (Strong), unless every shard was seen at its end within the allowed lag
 * (Bounded).
 *
 * <p>One daemon thread per followed collection ("replica-follower-&lt;id&gt;"), ended by {@link #close}.
 */
final class FollowedCollection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowedCollection.class);
    static final Duration MANIFEST_CHECK = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Segment ids of segments the copy seals by itself: apart from the owner's, and never written anywhere. */
    private static final AtomicLong LOCAL_SEGMENT_IDS = new AtomicLong(1L << 60);

    /** One built copy: its rows and, per shard, its reader and where it stands. */
    private static final class Copy {
        final byte[] manifestRecord;
        final CollectionData data;
        final ShardReader[] readers;
        final long[] positions;
        final long[] atEndSinceMillis;

        Copy(byte[] manifestRecord, CollectionData data, ShardReader[] readers, long[] positions,
             long[] atEndSinceMillis) {
            this.manifestRecord = manifestRecord;
            this.data = data;
            this.readers = readers;
            this.positions = positions;
            this.atEndSinceMillis = atEndSinceMillis;
        }

        void close() {
            for (ShardReader reader : readers) {
                if (reader != null) {
                    reader.close();
                }
            }
        }
    }

    private final long collectionId;
    private final DataStore.LayoutSource layouts;
    private final SegmentDirectory directory;
    private final Supplier<Optional<byte[]>> manifestRecord;
    private final ShardLog log;
    private final int sealThreshold;
    private final java.util.function.BiConsumer<CollectionLayout, CollectionData> indexes;
    private final Object monitor = new Object();
    private final Thread tailer;
    private volatile Copy current;
    private volatile boolean closed;
    private volatile String lastFailure = "";
    private final AtomicLong builds = new AtomicLong();

    FollowedCollection(long collectionId, DataStore.LayoutSource layouts, SegmentDirectory directory,
                       Supplier<Optional<byte[]>> manifestRecord, ShardLog log, int sealThreshold,
                       java.util.function.BiConsumer<CollectionLayout, CollectionData> indexes) {
        this.collectionId = collectionId;
        this.layouts = layouts;
        this.directory = directory;
        this.manifestRecord = manifestRecord;
        this.log = log;
        this.sealThreshold = sealThreshold;
        this.indexes = indexes;
        this.tailer = new Thread(this::run, "replica-follower-" + collectionId);
        this.tailer.setDaemon(true);
    }

    void start() {
        tailer.start();
    }

    /** How many copies were built so far (tests: a new manifest makes a new copy). */
    long builds() {
        return builds.get();
    }

    /** Whether a copy is built and may serve reads. */
    boolean ready() {
        return current != null;
    }

    /** Reads the copy, rows inserted before {@code cutoff} hidden (see {@link CollectionData#read}). */
    <R> R read(long cutoff, Function<CollectionView, R> reader) {
        Copy copy = current;
        if (copy == null) {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "the replica of collection " + collectionId
                    + " on this node is still loading" + (lastFailure.isEmpty() ? "" : " (" + lastFailure + ")"));
        }
        return copy.data.read(cutoff, reader);
    }

    /** The copy as it is now (index reconciliation, dropped partitions); null while loading. */
    CollectionData data() {
        Copy copy = current;
        return copy == null ? null : copy.data;
    }

    /**
     * Returns once the copy holds every write acknowledged before this call (each shard's end position, taken now),
     * or at once when every shard was at its end within the last {@code maxLagMillis}.
     *
     * @throws MilvusException {@code SERVICE_UNAVAILABLE} when that takes longer than {@code timeoutMillis}
     */
    void awaitFresh(long maxLagMillis, long timeoutMillis) {
        long now = System.currentTimeMillis();
        Copy copy = current;
        if (copy != null && maxLagMillis > 0
                && Arrays.stream(copy.atEndSinceMillis).min().orElse(0) >= now - maxLagMillis) {
            return;
        }
        CollectionLayout layout = layouts.layout(collectionId).orElse(null);
        if (layout == null) {
            return; // dropped: the read reports it
        }
        long[] targets = new long[layout.shardsNum()];
        for (int shard = 0; shard < targets.length; shard++) {
            targets[shard] = log.endPosition(new ShardId(collectionId, shard));
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (monitor) {
            while (!reached(current, targets)) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "the replica of collection "
                            + collectionId + " on this node did not catch up with the shard log within "
                            + timeoutMillis + " ms (wanted positions " + Arrays.toString(targets) + ", at "
                            + positionsOf(current) + ")" + (lastFailure.isEmpty() ? "" : ": " + lastFailure)
                            + "; retry, or read with a weaker consistency level");
                }
                try {
                    monitor.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "interrupted waiting for the replica");
                }
            }
        }
    }

    private static boolean reached(Copy copy, long[] targets) {
        if (copy == null || copy.positions.length < targets.length) {
            return false;
        }
        for (int i = 0; i < targets.length; i++) {
            if (copy.positions[i] < targets[i]) {
                return false;
            }
        }
        return true;
    }

    private static String positionsOf(Copy copy) {
        return copy == null ? "not loaded" : Arrays.toString(copy.positions);
    }

    private void run() {
        long nextManifestCheck = 0;
        boolean rebuild = false;
        while (!closed) {
            try {
                if (rebuild || System.nanoTime() - nextManifestCheck >= 0) {
                    nextManifestCheck = System.nanoTime() + MANIFEST_CHECK.toNanos();
                    byte[] bytes = manifestRecord.get().orElse(new byte[0]);
                    Copy copy = current;
                    if (rebuild || copy == null || !Arrays.equals(copy.manifestRecord, bytes)) {
                        rebuild(bytes);
                    }
                    rebuild = false;
                }
                tail();
                lastFailure = "";
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                String message = String.valueOf(e.getMessage());
                if (!message.equals(lastFailure)) {
                    LOG.warn("event=replica_follow_failed collection={} error=\"{}\": rebuilding the copy", collectionId,
                            message);
                }
                lastFailure = message;
                // The copy built so far keeps serving (a Strong read waits for the rebuilt one); its readers may be
                // broken, so the next copy starts afresh from the manifest.
                rebuild = true;
                sleep(500);
            }
        }
    }

    /** Loads the manifest's segments, replays every shard from its recorded position to its end, swaps it in. */
    private void rebuild(byte[] record) {
        Optional<CollectionLayout> found = layouts.layout(collectionId);
        if (found.isEmpty()) {
            sleep(200);
            return; // dropped: unfollowed soon
        }
        CollectionLayout layout = found.get();
        long buildStarted = System.nanoTime();
        DataManifest part = directory.readFollowedManifest(collectionId);
        CollectionData data = new CollectionData(collectionId, layout.primaryKeyField(), layout.vectorDims(),
                sealThreshold, LOCAL_SEGMENT_IDS::getAndIncrement).adopt(layout);
        DataStore.LayoutSource only = c -> c == collectionId ? layouts.layout(c) : Optional.empty();
        directory.loadSegments(part, only, (l, segment) -> data.addLoaded(segment));
        int shards = layout.shardsNum();
        ShardReader[] readers = new ShardReader[shards];
        long[] positions = new long[shards];
        long[] atEnd = new long[shards];
        int replayed = 0;
        try {
            for (int shard = 0; shard < shards; shard++) {
                long from = 0;
                for (ShardPosition p : part.shardPositions()) {
                    if (p.collectionId() == collectionId && p.shard() == shard) {
                        from = p.position();
                    }
                }
                long started = System.currentTimeMillis();
                readers[shard] = log.openReader(new ShardId(collectionId, shard), from);
                List<LogRecord> records = readers[shard].readToEnd();
                apply(data, shard, records);
                replayed += records.size();
                positions[shard] = readers[shard].position();
                atEnd[shard] = records.isEmpty() ? started : 0;
            }
        } catch (RuntimeException e) {
            for (ShardReader reader : readers) {
                if (reader != null) {
                    reader.close();
                }
            }
            throw e;
        }
        indexes.accept(layout, data);
        Copy previous;
        synchronized (monitor) {
            previous = current;
            current = new Copy(record, data, readers, positions, atEnd);
            monitor.notifyAll();
        }
        builds.incrementAndGet();
        if (previous != null) {
            previous.close();
            previous.data.retire(); // waits for the searches still reading the old copy
        }
        LOG.info("event=replica_copy_built collection={} segments={} replayedRecords={} positions={} ms={}",
                collectionId, part.segments().size(), replayed, Arrays.toString(positions),
                (System.nanoTime() - buildStarted) / 1_000_000);
    }

    /** Polls every shard once and applies what arrived. */
    private void tail() {
        Copy copy = current;
        if (copy == null) {
            return;
        }
        for (int shard = 0; shard < copy.readers.length && !closed; shard++) {
            long started = System.currentTimeMillis();
            List<LogRecord> records = copy.readers[shard].poll(POLL);
            if (records.isEmpty()) {
                copy.atEndSinceMillis[shard] = started;
            } else {
                apply(copy.data, shard, records);
            }
            synchronized (monitor) {
                copy.positions[shard] = copy.readers[shard].position();
                monitor.notifyAll();
            }
        }
    }

    /** Applies records as the owner did (see {@code DataStore.apply}). */
    private void apply(CollectionData data, int shard, List<LogRecord> records) {
        String name = new ShardId(collectionId, shard).toString();
        List<LogRecordCodec.Entry> entries = new ArrayList<>(records.size());
        for (LogRecord record : records) {
            LogRecordCodec.decode(name, "the record at position " + record.position(), record.payload(), layouts)
                    .ifPresent(entries::add);
        }
        for (LogRecordCodec.Entry entry : entries) {
            if (entry instanceof LogRecordCodec.Put put) {
                if (entry.layout().partitions().contains(put.partitionId())) {
                    data.adopt(entry.layout()).put(put.partitionId(), put.insertTime(), put.rows());
                } else {
                    int pk = entry.layout().primaryKeyField();
                    data.delete(put.rows().stream().map(row -> row[pk]).toList());
                }
            } else if (entry instanceof LogRecordCodec.Delete delete) {
                data.delete(delete.primaryKeys());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        tailer.interrupt();
        try {
            tailer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Copy copy = current;
        current = null;
        if (copy != null) {
            copy.data.retire();
            copy.close();
        }
    }
}
