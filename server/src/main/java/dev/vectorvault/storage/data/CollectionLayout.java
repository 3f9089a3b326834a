package dev.vectorvault.storage.data;

import java.util.Set;

/**
 * What the data layer needs to know about a collection: which field holds the primary key, the dimension of each
 * vector field (0 for scalar fields; the array is aligned with the schema's fields), which fields hold JSON
 * (stored as JSON text, held in memory parsed) and which partitions exist.
 */
public record CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                               Set<Long> partitions) {
    public CollectionLayout {
        vectorDims = vectorDims.clone();
        jsonFields = jsonFields.clone();
        partitions = Set.copyOf(partitions);
    }

    public int fieldCount() {
        return vectorDims.length;
    }
}
