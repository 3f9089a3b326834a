package dev.vectorvault.storage.log;

import java.util.List;
import java.util.Map;

/**
 * A {@link ShardLog} that passes everything to a real one and lets a test step into each append: the base of the
 * tests' fault and timing logs, so each of them states only what it does to an append.
 */
abstract class InterceptingShardLog implements ShardLog {
    private final ShardLog real;

    InterceptingShardLog(ShardLog real) {
        this.real = real;
    }

    /**
     * Carries one append of {@code collectionId}'s writer: normally {@code writer.append(records, logged)} with the
     * test's steps around it.
     */
    abstract Map<Integer, Long> append(ShardWriter writer, long collectionId, Map<Integer, List<byte[]>> records,
                                       Runnable logged);

    @Override
    public final ShardWriter openWriter(long collectionId, int shards) {
        ShardWriter writer = real.openWriter(collectionId, shards);
        return new ShardWriter() {
            @Override
            public long collectionId() {
                return collectionId;
            }

            @Override
            public Map<Integer, Long> append(Map<Integer, List<byte[]>> records) {
                return append(records, () -> { });
            }

            @Override
            public Map<Integer, Long> append(Map<Integer, List<byte[]>> records, Runnable logged) {
                return InterceptingShardLog.this.append(writer, collectionId, records, logged);
            }

            @Override
            public int appendsAtOnce() {
                return writer.appendsAtOnce();
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    @Override
    public final int appendsAtOnce() {
        return real.appendsAtOnce();
    }

    @Override
    public final ShardReader openReader(ShardId shard, long position) {
        return real.openReader(shard, position);
    }

    @Override
    public final long endPosition(ShardId shard) {
        return real.endPosition(shard);
    }

    @Override
    public final void close() {
        real.close();
    }
}
