package dev.vectorvault.storage.log;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ShardLog} that passes everything to a real one ({@link InterceptingShardLog}), counting the records of each append (one append is one
 * Kafka transaction), and that can hold the next append after the log committed it, until released: writes made
 * meanwhile queue up behind it, as they do behind a slow commit.
 */
public final class HoldingShardLog extends InterceptingShardLog {
    private final List<Integer> recordsPerAppend = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> held = new AtomicReference<>();
    private final CountDownLatch reached = new CountDownLatch(1);

    public HoldingShardLog(ShardLog real) {
        super(real);
    }

    /** The next committed append waits for {@link #release}; one hold per instance. */
    public void holdNextAppend() {
        held.set(new CountDownLatch(1));
    }

    /** Returns once the held append has committed and is waiting. */
    public void awaitHeld() throws InterruptedException {
        reached.await();
    }

    public void release() {
        CountDownLatch latch = held.get();
        if (latch != null) {
            latch.countDown();
        }
    }

    /** How many records each append so far carried (all shards together), in order; failed appends are left out. */
    public List<Integer> recordsPerAppend() {
        return List.copyOf(recordsPerAppend);
    }

    @Override
    Map<Integer, Long> append(ShardWriter writer, long collectionId, Map<Integer, List<byte[]>> records,
                              Runnable logged) {
        Map<Integer, Long> positions = writer.append(records, logged);
        recordsPerAppend.add(records.values().stream().mapToInt(List::size).sum());
        CountDownLatch latch = held.get();
        if (latch != null && reached.getCount() > 0) {
            reached.countDown();
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return positions;
    }
}
