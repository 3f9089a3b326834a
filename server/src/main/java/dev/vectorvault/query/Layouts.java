package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.catalog.Partition;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexParams;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.storage.data.CollectionLayout;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.ScalarIndexSpec;
import dev.vectorvault.storage.data.TextMatchSpec;
import dev.vectorvault.storage.data.VectorIndexSpec;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Describes catalog collections to the data layer, which knows nothing of schemas. */
public final class Layouts implements DataStore.LayoutSource {
    private final Catalog catalog;

    public Layouts(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Optional<CollectionLayout> layout(long collectionId) {
        return catalog.byId(collectionId).map(Layouts::of);
    }

    /**
     * The layout last described, by the collection instance it was described from. A search or query describes its
     * collection twice (its cost estimate, then the read) and the catalog hands out the same immutable instance until
     * the collection changes, so this saves parsing its index parameters on every request; any other instance
     * (another collection, or this one changed) is described afresh.
     */
    private static volatile Described last;

    private record Described(Collection collection, CollectionLayout layout) {}

    public static CollectionLayout of(Collection collection) {
        Described seen = last;
        if (seen != null && seen.collection() == collection) {
            return seen.layout();
        }
        CollectionLayout layout = describe(collection);
        last = new Described(collection, layout);
        return layout;
    }

    private static CollectionLayout describe(Collection collection) {
        List<FieldSchema> fields = collection.schema().fields();
        int[] dims = new int[fields.size()];
        VectorIndexSpec[] indexes = new VectorIndexSpec[fields.size()];
        ScalarIndexSpec[] scalarIndexes = new ScalarIndexSpec[fields.size()];
        TextMatchSpec[] textMatch = new TextMatchSpec[fields.size()];
        boolean[] json = new boolean[fields.size()];
        boolean[] bm25Outputs = new boolean[fields.size()];
        Object[] absent = new Object[fields.size()];
        VectorEncoding[] encodings = new VectorEncoding[fields.size()];
        int pk = -1;
        for (int f = 0; f < fields.size(); f++) {
            FieldSchema field = fields.get(f);
            encodings[f] = field.dataType().isDenseVector() ? field.dataType().encoding() : VectorEncoding.FLOAT32;
            dims[f] = field.dataType().isDenseVector() ? field.dim()
                    : field.dataType().isSparseVector() ? CollectionLayout.SPARSE
                    : field.dataType().isBinaryVector() ? CollectionLayout.binaryEntry(field.dim()) : 0;
            json[f] = field.dataType() == DataType.JSON;
            // Rows written before the field was added read its default value (Milvus), else null.
            absent[f] = field.defaultValue();
            if (dims[f] != 0) {
                indexes[f] = collection.indexOnField(field.name()).flatMap(Layouts::spec).orElse(null);
            } else {
                scalarIndexes[f] = collection.indexOnField(field.name()).flatMap(index ->
                        Indexes.builtScalarType(field, index).map(type -> new ScalarIndexSpec(index.indexId(), type,
                                field.dataType() == DataType.ARRAY))).orElse(null);
            }
            // The fields text_match accepts (ExpressionSchema's rule).
            if (field.dataType() == DataType.VARCHAR && field.enableAnalyzer() && field.enableMatch()) {
                textMatch[f] = new TextMatchSpec(field.analyzerParams());
            }
            bm25Outputs[f] = field.dataType().isSparseVector()
                    && collection.schema().bm25Producing(field.name()).isPresent();
            if (field.primaryKey()) {
                pk = f;
            }
        }
        return CollectionLayout.builder(collection.collectionId(), pk, dims).json(json)
                .partitions(collection.partitions().stream().map(Partition::partitionId).collect(Collectors.toSet()))
                .vectorIndexes(indexes).shards(Math.max(1, collection.shardsNum())).encodings(encodings)
                .scalarIndexes(scalarIndexes).addedFields(collection.schema().createdFieldCount(), absent)
                .ttlSeconds(ttlSeconds(collection)).textMatch(textMatch).bm25Outputs(bm25Outputs).build();
    }

    /** Milvus's collection property for the rows' time to live, in seconds (0, absent or -1: no TTL). */
    public static final String TTL_PROPERTY = "collection.ttl.seconds";

    /**
     * The collection's TTL; {@link CollectionLayout#DEFAULT_TTL} when it has no property (the server's
     * {@code common.entityExpiration} applies then, as in Milvus), 0 when the property says none. The value was
     * checked when it was set (an integer of at least -1); anything else here came from a catalog written before
     * TTLs were kept, where only 0 passed, and reads as none.
     */
    static long ttlSeconds(Collection collection) {
        String value = collection.properties().get(TTL_PROPERTY);
        if (value == null) {
            return CollectionLayout.DEFAULT_TTL;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The built index an index definition asks the data layer for; empty for FLAT (exact search). */
    static Optional<VectorIndexSpec> spec(IndexDefinition index) {
        Optional<IndexKind> kind = index.kind().filter(IndexKind::builds);
        if (kind.isEmpty() || index.metric().isEmpty()) {
            return Optional.empty();
        }
        IndexParams params;
        try {
            params = kind.get().parse(index.params());
        } catch (MilvusException e) {
            // Checked when the index was created; a definition stored by an older version may not pass: search it
            // exactly rather than fail every request.
            return Optional.empty();
        }
        return Optional.of(new VectorIndexSpec(index.indexId(), kind.get(), index.metric().get(), params));
    }
}
