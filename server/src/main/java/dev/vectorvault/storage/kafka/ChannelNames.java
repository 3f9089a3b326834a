package dev.vectorvault.storage.kafka;

import dev.vectorvault.storage.log.ShardId;

/**
 * Milvus's channel names. A physical channel (pchannel) is {@code <msgChannel.chanNamePrefix.cluster>-
 * <msgChannel.chanNamePrefix.rootCoordDml>_<i>} for {@code i} in {@code 0 .. rootCoord.dmlChannelNum - 1}
 * ({@code by-dev-rootcoord-dml_0} ... with the defaults) and is one Kafka topic; a shard is a virtual channel
 * (vchannel) {@code <pchannel>_<collectionId>v<shard>} carried inside it, as in Milvus.
 *
 * <p>Which pchannel carries a shard: {@code (collectionId + shard) mod dmlChannelNum}, so the shards of one collection
 * land on distinct pchannels as long as {@code shards_num <= dmlChannelNum}. Milvus picks the least used pchannel and
 * records the choice in the collection's metadata; we compute it, so {@code rootCoord.dmlChannelNum} must not change
 * once data has been written (Milvus likewise keeps existing collections on the channels they started with).
 */
public final class ChannelNames {
    private final String prefix;
    private final int channels;

    /**
     * @param prefix {@code <cluster>-<rootCoordDml>}, for example {@code by-dev-rootcoord-dml}
     * @param channels {@code rootCoord.dmlChannelNum}
     */
    public ChannelNames(String prefix, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("at least one pchannel is needed, got " + channels);
        }
        this.prefix = prefix;
        this.channels = channels;
    }

    /** The pchannel (Kafka topic) number {@code i}. */
    public String pchannel(int i) {
        if (i < 0 || i >= channels) {
            throw new IllegalArgumentException("pchannel " + i + " is outside 0.." + (channels - 1));
        }
        return prefix + "_" + i;
    }

    /** The pchannel (Kafka topic) that carries {@code shard}. */
    public String pchannelOf(ShardId shard) {
        return pchannel((int) Math.floorMod(shard.collectionId() + shard.index(), (long) channels));
    }

    /** The shard's vchannel, {@code <pchannel>_<collectionId>v<shard>}. */
    public String vchannel(ShardId shard) {
        return pchannelOf(shard) + "_" + shard.collectionId() + "v" + shard.index();
    }

    /**
     * The Kafka {@code transactional.id} of the writer of a collection's shards, {@code <prefix>_<collectionId>w}:
     * one per collection, so a newer writer fences the older one across all its shards, and a write spread over
     * several shards is one transaction.
     */
    public String writerId(long collectionId) {
        return prefix + "_" + collectionId + "w";
    }

    /**
     * The {@code transactional.id} of the writer's lane {@code lane} ({@code kafka.transactionsInFlight}): lane 0 is
     * {@link #writerId(long)} itself, so one lane fences and is fenced as before; lane {@code j > 0} is
     * {@code <prefix>_<collectionId>w<j>}.
     */
    public String writerId(long collectionId, int lane) {
        if (lane < 0) {
            throw new IllegalArgumentException("a lane is never negative, got " + lane);
        }
        return lane == 0 ? writerId(collectionId) : writerId(collectionId) + lane;
    }
}
