package dev.vectorvault.storage.data;

import dev.vectorvault.index.VectorEncoding;
import java.util.Arrays;
import java.util.Set;

/**
 * What the data layer needs to know about a collection: which field holds the primary key, the dimension of each
 * vector field (0 for scalar fields, {@link #SPARSE} for sparse vector fields; the array is aligned with the schema's fields), which fields hold JSON
 * (stored as JSON text, held in memory parsed), which partitions exist, and which approximate index each vector
 * field asks for ({@code vectorIndexes}, aligned with the fields; null where a field is searched exactly), and how
 * many shards its writes are spread over on a sharded log ({@code shardsNum}, CreateCollection's {@code shards_num};
 * the local write-ahead log ignores it), how each dense vector field's components are stored
 * ({@code vectorEncodings}, aligned with the fields; {@link VectorEncoding#FLOAT32} for every other field: rows hold
 * {@code float[]} whatever the encoding, which decides only the bytes in the log and in segment files), and which
 * scalar index each scalar field asks for ({@code scalarIndexes}, aligned with the fields; null where a field has
 * none), built per sealed segment to answer filters.
 *
 * <p>Fields added to an existing collection (AddCollectionField) are always the last ones. Rows written before a
 * field existed hold fewer values; they read that field as {@code absentValues[f]} (its default value, or null).
 * {@code createdFields} is how many fields the collection had when created: log records of the format that carried
 * no row width (type 3, written before fields could be added) hold exactly that many values per row.
 *
 * <p>{@code ttlSeconds} is the collection's TTL ({@code collection.ttl.seconds}; 0 or less: rows never expire): a
 * row inserted more than that long before a read is invisible to it, and compaction removes it.
 * {@link #DEFAULT_TTL} (the collection has no such property) means the store's default TTL
 * ({@link DataStore#expireByDefault}, Milvus's {@code common.entityExpiration}) applies.
 *
 * <p>{@code textMatch} (aligned with the fields; null where a field has no {@code enable_match}) gives each match
 * field's analyzer: every sealed segment gets a term index of the field for {@code text_match} / {@code phrase_match}.
 *
 * <p>{@code bm25Outputs} (aligned with the fields; null: none) marks the sparse fields a BM25 function fills from a
 * text field: a growing segment keeps their full-text postings and BM25 statistics current as rows arrive, which
 * plain sparse fields (searched by inner product) never need.
 */
public record CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                               Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                               VectorEncoding[] vectorEncodings, ScalarIndexSpec[] scalarIndexes,
                               int createdFields, Object[] absentValues, long ttlSeconds,
                               TextMatchSpec[] textMatch, boolean[] bm25Outputs) {
    /** The {@code vectorDims} entry of a sparse vector field (its rows are {@link dev.vectorvault.index.SparseVector}s). */
    public static final int SPARSE = -1;

    /**
     * The {@code ttlSeconds} of a collection without a TTL property of its own: the store's default applies. Not -1,
     * which a collection may set to say "never", overriding the default.
     */
    public static final long DEFAULT_TTL = Long.MIN_VALUE;

    /**
     * The {@code vectorDims} entry of a binary vector field of {@code dim} bits: {@code -dim} (dim is a positive
     * multiple of 8, so never {@link #SPARSE}); its rows are {@code byte[]}s of {@code dim / 8} bytes, held packed.
     */
    public static int binaryEntry(int dim) {
        if (dim <= 0 || dim % 8 != 0) {
            throw new IllegalArgumentException("a binary vector's dimension is a positive multiple of 8: " + dim);
        }
        return -dim;
    }

    /** Whether a {@code vectorDims} entry is a binary vector field's ({@link #binaryEntry}). */
    public static boolean isBinaryEntry(int entry) {
        return entry < SPARSE;
    }

    public CollectionLayout {
        if (shardsNum < 1) {
            throw new IllegalArgumentException("a collection has at least one shard, got " + shardsNum);
        }
        vectorDims = vectorDims.clone();
        jsonFields = jsonFields.clone();
        if (jsonFields.length != vectorDims.length) {
            throw new IllegalArgumentException(jsonFields.length + " JSON marks for " + vectorDims.length + " fields");
        }
        partitions = Set.copyOf(partitions);
        vectorIndexes = vectorIndexes.clone();
        vectorEncodings = vectorEncodings == null ? float32(vectorDims.length) : vectorEncodings.clone();
        if (vectorEncodings.length != vectorDims.length) {
            throw new IllegalArgumentException(vectorEncodings.length + " vector encodings for " + vectorDims.length
                    + " fields");
        }
        if (vectorIndexes.length != vectorDims.length) {
            throw new IllegalArgumentException(vectorIndexes.length + " index specs for " + vectorDims.length
                    + " fields");
        }
        scalarIndexes = scalarIndexes == null ? new ScalarIndexSpec[vectorDims.length] : scalarIndexes.clone();
        if (scalarIndexes.length != vectorDims.length) {
            throw new IllegalArgumentException(scalarIndexes.length + " scalar index specs for " + vectorDims.length
                    + " fields");
        }
        absentValues = absentValues == null ? new Object[vectorDims.length] : absentValues.clone();
        if (absentValues.length != vectorDims.length || createdFields < 0 || createdFields > vectorDims.length) {
            throw new IllegalArgumentException(absentValues.length + " absent values and " + createdFields
                    + " created fields for " + vectorDims.length + " fields");
        }
        textMatch = textMatch == null ? new TextMatchSpec[vectorDims.length] : textMatch.clone();
        if (textMatch.length != vectorDims.length) {
            throw new IllegalArgumentException(textMatch.length + " text match specs for " + vectorDims.length
                    + " fields");
        }
        bm25Outputs = bm25Outputs == null ? new boolean[vectorDims.length] : bm25Outputs.clone();
        if (bm25Outputs.length != vectorDims.length) {
            throw new IllegalArgumentException(bm25Outputs.length + " BM25 output marks for " + vectorDims.length
                    + " fields");
        }
        for (int f = 0; f < bm25Outputs.length; f++) {
            if (bm25Outputs[f] && vectorDims[f] != SPARSE) {
                throw new IllegalArgumentException("field " + f + " is a BM25 output but not a sparse vector field");
            }
        }
    }

    /**
     * Starts the layout of collection {@code collectionId} whose fields have these {@code vectorDims} entries. Unless
     * the builder says otherwise: no JSON field, no partition, one shard, every vector field searched exactly and
     * stored as float32, no scalar index, every field there since creation, no TTL, no text match, no BM25 output.
     */
    public static Builder builder(long collectionId, int primaryKeyField, int[] vectorDims) {
        return new Builder(collectionId, primaryKeyField, vectorDims);
    }

    /** Names each optional part of a layout, so a caller states only what its collection has. */
    public static final class Builder {
        private final long collectionId;
        private final int primaryKeyField;
        private final int[] vectorDims;
        private boolean[] jsonFields;
        private Set<Long> partitions = Set.of();
        private VectorIndexSpec[] vectorIndexes;
        private int shardsNum = 1;
        private VectorEncoding[] vectorEncodings;
        private ScalarIndexSpec[] scalarIndexes;
        private int createdFields;
        private Object[] absentValues;
        private long ttlSeconds;
        private TextMatchSpec[] textMatch;
        private boolean[] bm25Outputs;

        private Builder(long collectionId, int primaryKeyField, int[] vectorDims) {
            this.collectionId = collectionId;
            this.primaryKeyField = primaryKeyField;
            this.vectorDims = vectorDims;
            this.jsonFields = new boolean[vectorDims.length];
            this.vectorIndexes = new VectorIndexSpec[vectorDims.length];
            this.createdFields = vectorDims.length;
        }

        /** Which fields hold JSON (aligned with the fields). */
        public Builder json(boolean... jsonFields) {
            this.jsonFields = jsonFields;
            return this;
        }

        public Builder partitions(Set<Long> partitions) {
            this.partitions = partitions;
            return this;
        }

        /** The approximate index each vector field asks for (aligned with the fields; null: searched exactly). */
        public Builder vectorIndexes(VectorIndexSpec... vectorIndexes) {
            this.vectorIndexes = vectorIndexes;
            return this;
        }

        public Builder shards(int shardsNum) {
            this.shardsNum = shardsNum;
            return this;
        }

        /** How each dense vector field's components are stored (aligned with the fields; null: float32). */
        public Builder encodings(VectorEncoding... vectorEncodings) {
            this.vectorEncodings = vectorEncodings;
            return this;
        }

        /** The scalar index each scalar field asks for (aligned with the fields; null: none). */
        public Builder scalarIndexes(ScalarIndexSpec... scalarIndexes) {
            this.scalarIndexes = scalarIndexes;
            return this;
        }

        /**
         * The collection was created with its first {@code createdFields} fields; rows written before a later field
         * was added read it as {@code absentValues[f]}.
         */
        public Builder addedFields(int createdFields, Object... absentValues) {
            this.createdFields = createdFields;
            this.absentValues = absentValues;
            return this;
        }

        /** The collection's TTL ({@link #DEFAULT_TTL}: the store's default applies). */
        public Builder ttlSeconds(long ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
            return this;
        }

        /** Each match field's analyzer (aligned with the fields; null: no {@code enable_match}). */
        public Builder textMatch(TextMatchSpec... textMatch) {
            this.textMatch = textMatch;
            return this;
        }

        /** The sparse fields a BM25 function fills (aligned with the fields). */
        public Builder bm25Outputs(boolean... bm25Outputs) {
            this.bm25Outputs = bm25Outputs;
            return this;
        }

        public CollectionLayout build() {
            return new CollectionLayout(collectionId, primaryKeyField, vectorDims, jsonFields, partitions,
                    vectorIndexes, shardsNum, vectorEncodings, scalarIndexes, createdFields, absentValues, ttlSeconds,
                    textMatch, bm25Outputs);
        }
    }

    /** A builder holding every part of this layout, to make one that differs in a few. */
    public Builder toBuilder() {
        return builder(collectionId, primaryKeyField, vectorDims).json(jsonFields).partitions(partitions)
                .vectorIndexes(vectorIndexes).shards(shardsNum).encodings(vectorEncodings).scalarIndexes(scalarIndexes)
                .addedFields(createdFields, absentValues).ttlSeconds(ttlSeconds).textMatch(textMatch)
                .bm25Outputs(bm25Outputs);
    }

    /** This layout with another TTL. */
    public CollectionLayout withTtlSeconds(long seconds) {
        return toBuilder().ttlSeconds(seconds).build();
    }

    /**
     * The insert time before which rows are expired for a read at {@code nowMillis} (Milvus: a row expires when its
     * insert time plus the TTL is before the read's time), or {@link CollectionData#NO_EXPIRY} without a TTL;
     * {@code defaultTtlSeconds} applies when the collection has no TTL of its own ({@link #DEFAULT_TTL}).
     */
    long expiryCutoff(long nowMillis, long defaultTtlSeconds) {
        long ttl = ttlSeconds == DEFAULT_TTL ? defaultTtlSeconds : ttlSeconds;
        return ttl <= 0 ? CollectionData.NO_EXPIRY : nowMillis - ttl * 1000;
    }

    /** What field {@code f} reads in a row written before the field was added. */
    public Object absentValue(int f) {
        return absentValues[f];
    }

    private static VectorEncoding[] float32(int fields) {
        VectorEncoding[] all = new VectorEncoding[fields];
        Arrays.fill(all, VectorEncoding.FLOAT32);
        return all;
    }

    /** How field {@code f}'s vectors are stored (FLOAT32 for a field that holds none). */
    public VectorEncoding encoding(int f) {
        return vectorEncodings[f];
    }

    /** Whether field {@code f} holds sparse vectors. */
    public boolean sparse(int f) {
        return vectorDims[f] == SPARSE;
    }

    /** Whether field {@code f} is filled by a BM25 function (a sparse field of term frequencies). */
    public boolean bm25Output(int f) {
        return bm25Outputs[f];
    }

    /** Whether field {@code f} holds binary vectors; its dimension in bits is then {@code -vectorDims()[f]}. */
    public boolean binary(int f) {
        return isBinaryEntry(vectorDims[f]);
    }

    public int fieldCount() {
        return vectorDims.length;
    }
}
