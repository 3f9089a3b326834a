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

    /** A layout without BM25 function outputs. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            VectorEncoding[] vectorEncodings, ScalarIndexSpec[] scalarIndexes,
                            int createdFields, Object[] absentValues, long ttlSeconds, TextMatchSpec[] textMatch) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum,
                vectorEncodings, scalarIndexes, createdFields, absentValues, ttlSeconds, textMatch, null);
    }

    /** A layout without text match fields. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            VectorEncoding[] vectorEncodings, ScalarIndexSpec[] scalarIndexes,
                            int createdFields, Object[] absentValues, long ttlSeconds) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum,
                vectorEncodings, scalarIndexes, createdFields, absentValues, ttlSeconds, null, null);
    }

    /** A layout of a collection without a TTL. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            VectorEncoding[] vectorEncodings, ScalarIndexSpec[] scalarIndexes,
                            int createdFields, Object[] absentValues) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum,
                vectorEncodings, scalarIndexes, createdFields, absentValues, 0, null, null);
    }

    /** This layout with another TTL. */
    public CollectionLayout withTtlSeconds(long seconds) {
        return new CollectionLayout(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes,
                shardsNum, vectorEncodings, scalarIndexes, createdFields, absentValues, seconds, textMatch,
                bm25Outputs);
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

    /** A layout of a collection whose fields all existed when it was created. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            VectorEncoding[] vectorEncodings, ScalarIndexSpec[] scalarIndexes) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum,
                vectorEncodings, scalarIndexes, vectorDims.length, null);
    }

    /** What field {@code f} reads in a row written before the field was added. */
    public Object absentValue(int f) {
        return absentValues[f];
    }

    /** A layout whose dense vector fields are all float32 and whose scalar fields have no scalar index. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum, null, null);
    }

    /** A layout whose scalar fields have no scalar index (every filter scans). */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            VectorEncoding[] vectorEncodings) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum,
                vectorEncodings, null);
    }

    /** A layout whose dense vector fields are all float32. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes, int shardsNum,
                            ScalarIndexSpec[] scalarIndexes) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, shardsNum, null,
                scalarIndexes);
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

    /** A layout of one shard. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions, VectorIndexSpec[] vectorIndexes) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions, vectorIndexes, 1);
    }

    /** A layout of one shard whose vector fields are all searched exactly. */
    public CollectionLayout(long collectionId, int primaryKeyField, int[] vectorDims, boolean[] jsonFields,
                            Set<Long> partitions) {
        this(collectionId, primaryKeyField, vectorDims, jsonFields, partitions,
                new VectorIndexSpec[vectorDims.length]);
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
