package dev.vectorvault.storage.log;

import dev.vectorvault.common.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ShardLog} that passes everything to a real one ({@link InterceptingShardLog}), except that the next append
 * can be made to end as an unknown outcome with a second append in flight behind it: the armed append commits, waits
 * until the append after it has placed its records in the log, then fails with {@code LOG_UNAVAILABLE} (as a marker
 * wait that ran out of time does) and closes its writer, as a real failing writer ends itself.
 */
public final class UnknownOutcomeShardLog extends InterceptingShardLog {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    /** Counted down by the appends after the armed one; set when armed, so earlier appends do not count. */
    private final AtomicReference<CountDownLatch> nextLogged = new AtomicReference<>(new CountDownLatch(0));

    public UnknownOutcomeShardLog(ShardLog real) {
        super(real);
    }

    /** The next append commits, then waits for the one after it and fails as unknown. */
    public void failNextAppendAfterTheFollowingOneLogged() {
        nextLogged.set(new CountDownLatch(1));
        armed.set(true);
    }

    /** Returns once the armed append committed and waits for the next one. */
    public void awaitHeld() throws InterruptedException {
        held.await();
    }

    @Override
    Map<Integer, Long> append(ShardWriter writer, long collectionId, Map<Integer, List<byte[]>> records,
                              Runnable logged) {
        if (armed.getAndSet(false)) {
            CountDownLatch following = nextLogged.get();
            writer.append(records, logged);
            held.countDown();
            try {
                following.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writer.close();
            throw new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot confirm the append to collection "
                    + collectionId + ": made unknown by the test's UnknownOutcomeShardLog", null);
        }
        return writer.append(records, () -> {
            logged.run();
            nextLogged.get().countDown();
        });
    }
}
