package dev.vectorvault.ingest;

import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Job records over a store that forces one interleaving of two saves of a job: the first write of a record in the
 * {@code progress} state waits until the first write of an ended record (Completed or Failed) comes, and that one
 * goes on only once the progress write is done. The end's writer therefore read the record before the progress write
 * and compares after it, as when a job's own progress save and a stop's save of its end race.
 */
public final class EndOvertakenByProgress extends ForwardingMetaStore {
    /** Counted down once the progress write waits in the store. */
    public final CountDownLatch progressHeld = new CountDownLatch(1);
    private final CountDownLatch endArrived = new CountDownLatch(1);
    private final CountDownLatch progressWritten = new CountDownLatch(1);
    private final AtomicBoolean progressSeen = new AtomicBoolean();
    private final AtomicBoolean endSeen = new AtomicBoolean();
    private final ImportJob.State progress;

    public EndOvertakenByProgress(MetaStore store, ImportJob.State progress) {
        super(store);
        this.progress = progress;
    }

    @Override
    public boolean replace(String key, byte[] expected, byte[] value) {
        ImportJob.State state = ImportJobRecords.decode(key, value).job().state();
        if (state == progress && progressSeen.compareAndSet(false, true)) {
            progressHeld.countDown();
            awaitUninterruptibly(endArrived);
            try {
                return store.replace(key, expected, value);
            } finally {
                progressWritten.countDown();
            }
        }
        if (state.finished() && endSeen.compareAndSet(false, true)) {
            endArrived.countDown();
            awaitUninterruptibly(progressWritten);
        }
        return store.replace(key, expected, value);
    }

    /** A stop interrupts the job's thread while it waits here: the interleaving must happen all the same. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
