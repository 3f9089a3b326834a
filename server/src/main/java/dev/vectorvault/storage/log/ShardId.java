package dev.vectorvault.storage.log;

/**
 * One shard of one collection: Milvus's virtual channel. Shards are numbered {@code 0 .. shards_num - 1}.
 *
 * @param collectionId the collection's id from the catalog
 * @param index the shard number within the collection
 */
public record ShardId(long collectionId, int index) {
    public ShardId {
        if (collectionId < 0) {
            throw new IllegalArgumentException("a collection id is never negative, got " + collectionId);
        }
        if (index < 0) {
            throw new IllegalArgumentException("a shard index is never negative, got " + index);
        }
    }

    @Override
    public String toString() {
        return "shard " + index + " of collection " + collectionId;
    }
}
