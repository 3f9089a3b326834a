package dev.vectorvault.storage.log;

import dev.vectorvault.common.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ShardLog} that passes everything to a real one ({@link InterceptingShardLog}), except that the next append can be made to fail with
 * {@code LOG_FAILED} as a broker refusal would: either before it reaches the log ({@link Refusal#BEFORE}: nothing
 * committed) or after the log committed it ({@link Refusal#AFTER}: the caller is told it failed, but it is there).
 * The writer that failed is closed, as a real one is.
 */
public final class RefusingShardLog extends InterceptingShardLog {
    /** Where the armed append fails. */
    public enum Refusal { BEFORE, AFTER }

    private final AtomicReference<Refusal> armed = new AtomicReference<>();

    public RefusingShardLog(ShardLog real) {
        super(real);
    }

    /** The next append, to any shard, fails as {@code refusal} says; later ones pass. */
    public void refuseNextAppend(Refusal refusal) {
        armed.set(refusal);
    }

    @Override
    Map<Integer, Long> append(ShardWriter writer, long collectionId, Map<Integer, List<byte[]>> records,
                              Runnable logged) {
        Refusal refusal = armed.getAndSet(null);
        if (refusal == Refusal.BEFORE) {
            writer.close();
            throw refused(collectionId);
        }
        Map<Integer, Long> positions = writer.append(records, logged);
        if (refusal == Refusal.AFTER) {
            writer.close();
            throw refused(collectionId);
        }
        return positions;
    }

    private static ShardLogException refused(long collectionId) {
        return new ShardLogException(ErrorCode.LOG_FAILED, "cannot append to collection " + collectionId
                + ": refused by the test's RefusingShardLog", null);
    }
}
