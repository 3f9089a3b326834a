package dev.vectorvault.storage.log;

import dev.vectorvault.common.ErrorCode;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ShardLog} that passes everything to a real one, except that the next append can be made to fail with
 * {@code LOG_FAILED} as a broker refusal would: either before it reaches the log ({@link Refusal#BEFORE}: nothing
 * committed) or after the log committed it ({@link Refusal#AFTER}: the caller is told it failed, but it is there).
 * The writer that failed is closed, as a real one is.
 */
public final class RefusingShardLog implements ShardLog {
    /** Where the armed append fails. */
    public enum Refusal { BEFORE, AFTER }

    private final ShardLog real;
    private final AtomicReference<Refusal> armed = new AtomicReference<>();

    public RefusingShardLog(ShardLog real) {
        this.real = real;
    }

    /** The next append, to any shard, fails as {@code refusal} says; later ones pass. */
    public void refuseNextAppend(Refusal refusal) {
        armed.set(refusal);
    }

    @Override
    public ShardWriter openWriter(ShardId shard) {
        ShardWriter writer = real.openWriter(shard);
        return new ShardWriter() {
            @Override
            public ShardId shard() {
                return shard;
            }

            @Override
            public long append(List<byte[]> records) {
                Refusal refusal = armed.getAndSet(null);
                if (refusal == Refusal.BEFORE) {
                    writer.close();
                    throw refused(shard);
                }
                long position = writer.append(records);
                if (refusal == Refusal.AFTER) {
                    writer.close();
                    throw refused(shard);
                }
                return position;
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    private static ShardLogException refused(ShardId shard) {
        return new ShardLogException(ErrorCode.LOG_FAILED, "cannot append to " + shard
                + ": refused by the test's RefusingShardLog", null);
    }

    @Override
    public ShardReader openReader(ShardId shard, long position) {
        return real.openReader(shard, position);
    }

    @Override
    public long endPosition(ShardId shard) {
        return real.endPosition(shard);
    }

    @Override
    public void close() {
        real.close();
    }
}
