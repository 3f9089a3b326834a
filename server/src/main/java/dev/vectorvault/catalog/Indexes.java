package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.text.Bm25IndexParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Index definitions and the load state that depends on them. Vector fields take the kinds of {@link IndexKinds}
 * (FLAT for exact search, HNSW, IVF_FLAT, AUTOINDEX for HNSW with its defaults), each validating its own parameters;
 * the ANN indexes are built per sealed segment by the data layer. Scalar fields take Milvus's scalar index types under
 * Milvus's rules ({@link ScalarIndexRules}); STL_SORT, INVERTED, BITMAP and AUTOINDEX are built per sealed segment and
 * answer filters, TRIE and indexes on JSON are recorded only.
 */
public final class Indexes {
    public static final Set<String> SCALAR_INDEX_TYPES = Set.of("AUTOINDEX", "INVERTED", "STL_SORT", "TRIE", "BITMAP");
    static final String SCALAR_AUTOINDEX = "AUTOINDEX";

    private final Catalog catalog;

    public Indexes(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Same field and same definition again succeeds; a different one on an indexed field fails (702). */
    public IndexDefinition create(String database, String collectionName, String fieldName, String indexName,
                                  String indexType, RequestedMetric metricType, Map<String, String> params) {
        // Under the catalog's lock: the collection record read here is rewritten whole below, so no other catalog
        // change (partitions, load state, another index) may land in between and be lost.
        synchronized (catalog) {
            return createLocked(database, collectionName, fieldName, indexName, indexType, metricType, params);
        }
    }

    private IndexDefinition createLocked(String database, String collectionName, String fieldName,
                                         String indexName, String indexType, RequestedMetric metricType,
                                         Map<String, String> params) {
        Collection collection = catalog.collection(database, collectionName);
        FieldSchema field = collection.schema().field(fieldName).filter(f -> !f.dynamic()).orElseThrow(() ->
                new MilvusException(ErrorCode.FIELD_NOT_FOUND, "cannot create index on non-exist field: "
                        + fieldName));
        String requestedType = indexType == null || indexType.isEmpty() ? "AUTOINDEX"
                : indexType.toUpperCase(Locale.ROOT);
        String type = requestedType;
        Optional<MetricType> metric;
        if (field.dataType().isVector()) {
            boolean sparse = field.dataType().isSparseVector();
            boolean binary = field.dataType().isBinaryVector();
            IndexKind kind = IndexKinds.forField(requestedType, sparse, binary).orElseThrow(() ->
                    new MilvusException(ErrorCode.INDEX_NOT_SUPPORTED, "index type not supported: " + requestedType
                    + " (supported for vectors: " + IndexKinds.names() + ")"));
            if (kind.sparse() != sparse || kind.binary() != binary) {
                throw MilvusException.invalidParameter("data type " + (sparse ? "SparseFloatVector"
                        : binary ? "BinaryVector" : field.dataType().encoding().wireName())
                        + " can't build with this index " + kind.name() + " (field " + fieldName + ")");
            }
            if (binary && IndexKinds.AUTOINDEX.equals(requestedType)) {
                // Milvus's autoIndex.params.binary.build: BIN_IVF_FLAT with nlist 1024 unless the client set it.
                Map<String, String> filled = new java.util.HashMap<>(IndexKinds.BINARY_AUTOINDEX_PARAMS);
                filled.putAll(params);
                params = Map.copyOf(filled);
            }
            // AUTOINDEX on a sparse or binary field is stored as the kind it stands for: the stored name selects it.
            type = kind.sparse() || kind.binary() ? kind.name() : requestedType;
            if (collection.schema().bm25Producing(fieldName).isPresent()) {
                // Milvus: a BM25 output is searched with metric BM25 (filled in when missing) and its k1, b, avgdl.
                if (metricType.isNamed() && !"BM25".equalsIgnoreCase(metricType.name())) {
                    throw MilvusException.invalidParameter("index metric type of BM25 function output field must be"
                            + " BM25, got " + metricType.name());
                }
                metric = Optional.of(MetricType.BM25);
                params = Bm25IndexParams.withDefaults(params);
            } else {
                metric = Optional.of(kind.checkMetric(metricType));
            }
            // Refuses out-of-range parameters before anything is stored.
            kind.checkDimension(kind.parse(params), field.dim());
        } else {
            if (!SCALAR_INDEX_TYPES.contains(type)) {
                throw new MilvusException(ErrorCode.INDEX_NOT_SUPPORTED, "index type not supported: " + type
                        + " on scalar field " + fieldName);
            }
            ScalarIndexRules.check(field, type);
            metric = Optional.empty(); // Milvus ignores a metric given for a scalar index
        }
        String name = indexName == null || indexName.isEmpty() ? fieldName : indexName;
        for (IndexDefinition existing : collection.indexes()) {
            boolean sameField = existing.fieldName().equals(fieldName);
            if (sameField && existing.indexName().equals(name) && existing.indexType().equals(type)
                    && existing.metric().equals(metric) && existing.params().equals(params)) {
                return existing;
            }
            if (sameField) {
                throw new MilvusException(ErrorCode.INDEX_DUPLICATE,
                        "at most one distinct index is allowed per field");
            }
            if (existing.indexName().equals(name)) {
                throw new MilvusException(ErrorCode.INDEX_DUPLICATE, "index name " + name + " already exists");
            }
        }
        IndexDefinition index = new IndexDefinition(catalog.newId(), name, fieldName, type, metric, params,
                catalog.now());
        List<IndexDefinition> indexes = new ArrayList<>(collection.indexes());
        indexes.add(index);
        catalog.replace(collection.withIndexes(indexes, catalog.now()));
        return index;
    }

    /** Indexes matching the name or the field (both empty: all); none at all is 700 index not found. */
    public List<IndexDefinition> describe(String database, String collectionName, String fieldName,
                                          String indexName) {
        Collection collection = catalog.collection(database, collectionName);
        List<IndexDefinition> matching = collection.indexes().stream()
                .filter(i -> indexName == null || indexName.isEmpty() || i.indexName().equals(indexName))
                .filter(i -> fieldName == null || fieldName.isEmpty() || i.fieldName().equals(fieldName))
                .toList();
        if (matching.isEmpty()) {
            throw new MilvusException(ErrorCode.INDEX_NOT_FOUND, "index not found[collection=" + collectionName
                    + "]");
        }
        return matching;
    }

    public void drop(String database, String collectionName, String fieldName, String indexName) {
        synchronized (catalog) {
            dropLocked(database, collectionName, fieldName, indexName);
        }
    }

    private void dropLocked(String database, String collectionName, String fieldName, String indexName) {
        Collection collection = catalog.collection(database, collectionName);
        List<IndexDefinition> dropping = describe(database, collectionName, fieldName, indexName);
        boolean vector = dropping.stream().anyMatch(i -> collection.schema().field(i.fieldName())
                .map(f -> f.dataType().isVector()).orElse(false));
        if (vector && collection.loaded()) {
            throw new MilvusException(ErrorCode.UNEXPECTED,
                    "index cannot be dropped, collection is loaded, please release it first");
        }
        List<IndexDefinition> remaining = new ArrayList<>(collection.indexes());
        remaining.removeAll(dropping);
        catalog.replace(collection.withIndexes(remaining, catalog.now()));
    }

    /**
     * The scalar index the data layer builds per sealed segment for {@code index} on {@code field}; empty when the
     * field's filters scan (a vector index, TRIE, JSON).
     */
    public static Optional<dev.vectorvault.index.ScalarIndexType> builtScalarType(FieldSchema field,
                                                                                 IndexDefinition index) {
        return index.metric().isPresent() ? Optional.empty() : ScalarIndexRules.builtType(field, index.indexType());
    }

    /** Loading needs an index on every vector field, as in Milvus. */
    public void load(String database, String collectionName) {
        load(database, collectionName, List.of(), false);
    }

    /**
     * Loads the collection with only the named fields (none: every field), the dynamic field left out when
     * {@code skipDynamicField} (Milvus's partial load, checked by {@link LoadedFields#requested}). Every loaded
     * vector field needs an index, as in Milvus; one left out does not.
     */
    public void load(String database, String collectionName, List<String> loadFields, boolean skipDynamicField) {
        synchronized (catalog) {
            Collection collection = catalog.collection(database, collectionName);
            List<Long> fieldIds = LoadedFields.requested(collection.schema(), loadFields, skipDynamicField);
            requireVectorIndexes(collection, fieldIds);
            catalog.load(database, collection.name(), fieldIds);
        }
    }

    /**
     * Loads the named partitions besides those already loaded (Milvus 2.4+); like a whole load it needs an index on
     * every vector field. An empty list is refused with Milvus's message.
     */
    public void loadPartitions(String database, String collectionName, List<String> partitions) {
        loadPartitions(database, collectionName, partitions, List.of(), false);
    }

    /** {@link #loadPartitions} with only the named fields, as {@link #load(String, String, List, boolean)}. */
    public void loadPartitions(String database, String collectionName, List<String> partitions,
                               List<String> loadFields, boolean skipDynamicField) {
        synchronized (catalog) {
            Collection collection = catalog.collection(database, collectionName);
            List<Long> fieldIds = LoadedFields.requested(collection.schema(), loadFields, skipDynamicField);
            requireVectorIndexes(collection, fieldIds);
            partitions.forEach(p -> collection.partition(p).orElseThrow(() -> Catalog.partitionNotFound(p)));
            if (partitions.isEmpty()) {
                throw new MilvusException(ErrorCode.UNEXPECTED,
                        "failed to load partition, due to no partition specified");
            }
            catalog.loadPartitions(database, collection.name(), partitions, fieldIds);
        }
    }

    private static void requireVectorIndexes(Collection collection, List<Long> fieldIds) {
        for (FieldSchema vector : collection.schema().vectorFields()) {
            if (!fieldIds.isEmpty() && !fieldIds.contains(vector.fieldId())) {
                continue;
            }
            if (collection.indexOnField(vector.name()).isEmpty()) {
                throw new MilvusException(ErrorCode.INDEX_NOT_FOUND, "there is no vector index on field: ["
                        + vector.name() + "], please create index firstly: collection=" + collection.name()
                        + ": index not found");
            }
        }
    }

    public void release(String database, String collectionName) {
        catalog.setLoaded(database, catalog.collection(database, collectionName).name(), false);
    }

    /**
     * Releases the named partitions; the others stay loaded and searchable, and releasing the last loaded one
     * releases the collection. An empty list is refused with Milvus's message (1100).
     */
    public void releasePartitions(String database, String collectionName, List<String> partitions) {
        Collection collection = catalog.collection(database, collectionName);
        if (partitions.isEmpty()) {
            throw MilvusException.invalidParameterAsIs(
                    "invalid parameter[expected=any partition][actual=empty partition list]");
        }
        catalog.releasePartitions(database, collection.name(), partitions);
    }
}
