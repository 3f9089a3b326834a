package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.Partition;
import dev.vectorvault.catalog.PartitionKey;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.expr.FilterExpression;
import dev.vectorvault.storage.data.CollectionLayout;
import dev.vectorvault.storage.data.DataStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Insert, upsert and delete with Milvus's validation: every field present (unless nullable, defaulted or an
 * auto-generated key), values of the declared type and size, unknown fields only into the dynamic field. A bad
 * batch is refused whole; nothing of it is written. Returns the primary keys and the write's timestamp.
 */
public final class EntityWriter {
    private final Catalog catalog;
    private final DataStore data;
    private final HybridClock clock;
    /** Auto ids: time-based like Milvus's, so they never repeat across restarts. */
    private final AtomicLong autoIds;
    private final ExpressionLimits filterLimits;

    public EntityWriter(Catalog catalog, DataStore data, HybridClock clock) {
        this(catalog, data, clock, ExpressionLimits.DEFAULTS);
    }

    public EntityWriter(Catalog catalog, DataStore data, HybridClock clock, ExpressionLimits filterLimits) {
        this.catalog = catalog;
        this.data = data;
        this.clock = clock;
        this.autoIds = new AtomicLong(clock.next());
        this.filterLimits = filterLimits;
    }

    public record WriteResult(List<Object> primaryKeys, long timestamp, long count) {}

    public WriteResult insert(String database, String collectionName, String partitionName, ColumnBatch batch) {
        return write(database, collectionName, partitionName, batch, false, false, List.of());
    }

    /** Upsert: rows replace those with the same key (auto-id collections must send their keys). */
    public WriteResult upsert(String database, String collectionName, String partitionName, ColumnBatch batch) {
        return write(database, collectionName, partitionName, batch, true, false, List.of());
    }


    /**
     * Upsert as Milvus 2.6.17 reads {@code partial_update} with {@code field_ops}. Partial: a row whose key exists
     * keeps the values of the fields the request leaves out and the dynamic keys it does not send; a row whose key
     * is new is inserted and needs every field an insert needs. The existing rows are read just before the write; a
     * concurrent write of the same key in between is overwritten, as with any upsert. An append or remove makes the
     * upsert partial whatever the flag says, and applies the sent elements of its array field to the stored ones
     * ({@link ArrayOperations}). The operations are checked before anything is read; a refused one, or a merged
     * array over its capacity, refuses the whole request.
     */
    public WriteResult upsert(String database, String collectionName, String partitionName, ColumnBatch batch,
                              boolean partialUpdate, List<FieldOperation> operations) {
        boolean partial = partialUpdate || FieldOperation.needStoredRows(operations);
        return write(database, collectionName, partitionName, batch, true, partial, operations);
    }

    /**
     * Deletes what the filter matches (optionally within one partition). A filter that names primary keys goes
     * straight to them; any other filter is evaluated over the current rows first.
     */
    public WriteResult delete(String database, String collectionName, String partitionName, String filter,
                              Map<String, Object> templates) {
        Collection collection = catalog.collection(database, collectionName);
        if (filter == null || filter.isBlank()) {
            throw MilvusException.invalidParameter("expression cannot be empty when deleting");
        }
        if (PartitionKey.of(collection).isPresent() && partitionName != null && !partitionName.isEmpty()) {
            throw new MilvusException(ErrorCode.UNEXPECTED, PartitionKey.NAMED_PARTITIONS_REFUSED);
        }
        Long partitionId = partitionName == null || partitionName.isEmpty() ? null
                : collection.partition(partitionName).orElseThrow(() -> new MilvusException(
                        ErrorCode.PARTITION_NOT_FOUND, "partition not found[partition=" + partitionName + "]"))
                        .partitionId();
        FilterExpression expression = Filters.parse(collection, filter, templates, filterLimits);
        CollectionLayout layout = Layouts.of(collection);
        int pk = collection.schema().fields().indexOf(collection.schema().primaryKey());
        Optional<List<Object>> named = expression.exactKeys(collection.schema().primaryKey().name());
        List<Object> keys = data.read(layout, view -> {
            List<Object> matching = new ArrayList<>();
            if (named.isPresent() && partitionId == null) {
                new java.util.LinkedHashSet<>(named.get()).stream().filter(k -> view.locate(k) >= 0)
                        .forEach(matching::add);
                return matching;
            }
            Filters.RowCursor cursor = new Filters.RowCursor(view, collection.schema().fields());
            for (int s = 0; s < view.segmentCount(); s++) {
                // The segment's scalar and term indexes narrow the rows to look at; those left are tested as
                // without them, unless the indexes answered the whole filter.
                dev.vectorvault.query.expr.RowSelection selected = cursor.select(expression, s).orElse(null);
                java.util.BitSet narrowed = selected == null ? null : selected.rows();
                boolean exact = selected != null && selected.exact();
                for (int o = narrowed == null ? 0 : narrowed.nextSetBit(0); o >= 0 && o < view.segmentSize(s);
                     o = narrowed == null ? o + 1 : narrowed.nextSetBit(o + 1)) {
                    if (view.isLive(s, o) && (partitionId == null || view.partition(s, o) == partitionId)
                            && (exact || expression.test(cursor.at(s, o)))) {
                        matching.add(view.value(s, pk, o));
                    }
                }
            }
            return matching;
        });
        int deleted = keys.isEmpty() ? 0 : data.delete(layout, keys);
        return new WriteResult(keys, clock.next(), deleted);
    }

    /**
     * Every check an insert of {@code batch} makes, nothing written: bulk import checks a whole file this way before
     * it writes its first row. Auto-generated keys drawn here are not reused (they only leave gaps, as in Milvus).
     */
    public void checkInsert(String database, String collectionName, String partitionName, ColumnBatch batch) {
        PreparedWrite prepared = prepare(database, collectionName, partitionName, batch, false, false, List.of());
        data.checkRowsFit(Layouts.of(prepared.collection()), prepared.rows());
    }

    /** A write checked and turned into rows in the collection's field order, not yet applied. */
    private record PreparedWrite(Collection collection, Optional<PartitionKey> partitionKey, Partition partition,
                                 List<Object[]> rows, int pk) {}

    private WriteResult write(String database, String collectionName, String partitionName, ColumnBatch batch,
                              boolean upsert, boolean partial, List<FieldOperation> operations) {
        PreparedWrite prepared = prepare(database, collectionName, partitionName, batch, upsert, partial, operations);
        List<Object[]> rows = prepared.rows();
        List<Object> keys = new ArrayList<>(rows.size());
        // A key repeated within one request: the last row wins, as with any later write of that key.
        rows.forEach(row -> keys.add(row[prepared.pk()]));
        if (prepared.partitionKey().isPresent()) {
            putByPartitionKey(prepared.collection(), prepared.partitionKey().get(), prepared.pk(), rows);
        } else {
            data.put(Layouts.of(prepared.collection()), prepared.partition().partitionId(), rows);
        }
        return new WriteResult(keys, clock.next(), rows.size());
    }

    private PreparedWrite prepare(String database, String collectionName, String partitionName, ColumnBatch batch,
                                  boolean upsert, boolean partial, List<FieldOperation> operations) {
        Collection collection = catalog.collection(database, collectionName);
        Optional<PartitionKey> partitionKey = PartitionKey.of(collection);
        boolean named = partitionName != null && !partitionName.isEmpty();
        if (partitionKey.isPresent() && named) {
            throw new MilvusException(ErrorCode.UNEXPECTED, PartitionKey.NAMED_PARTITIONS_REFUSED);
        }
        Partition partition = partitionKey.isPresent() ? null : !named
                ? collection.partition(Partition.DEFAULT).orElseThrow()
                : collection.partition(partitionName).orElseThrow(() -> new MilvusException(
                        ErrorCode.PARTITION_NOT_FOUND, "partition not found[partition=" + partitionName + "]"));
        if (batch.rowCount() <= 0) {
            throw MilvusException.invalidParameter("the number of rows must be positive");
        }
        List<FieldSchema> fields = collection.schema().fields();
        checkNoUnknownColumns(collection, batch);
        checkRowCounts(batch);
        Map<String, FieldOperation.Kind> arrayOperations = ArrayOperations.resolve(collection, batch, operations);
        FunctionOutputs functions = FunctionOutputs.of(collection);
        List<Object[]> rows = new ArrayList<>(batch.rowCount());
        int pk = fields.indexOf(collection.schema().primaryKey());
        Map<Object, Object[]> existing = partial ? existingRows(collection, batch, pk) : Map.of();
        for (int r = 0; r < batch.rowCount(); r++) {
            Object[] row = new Object[fields.size()];
            Object[] before = partial ? existing.get(valueFor(fields.get(pk), batch, r, true)) : null;
            for (int f = 0; f < fields.size(); f++) {
                FieldSchema field = fields.get(f);
                if (functions.computes(f)) {
                    continue; // filled below from the row's input values
                }
                boolean sent = field.dynamic() ? batch.dynamicRows() != null
                        : batch.columns().containsKey(field.name());
                if (before != null && field.dynamic()) {
                    row[f] = mergedDynamic(before[f], valueFor(field, batch, r, upsert), fields);
                } else if (before != null && !sent) {
                    row[f] = before[f];
                } else {
                    row[f] = valueFor(field, batch, r, upsert);
                    FieldOperation.Kind operation = arrayOperations.get(field.name());
                    if (operation != null) {
                        row[f] = ArrayOperations.apply(field, operation, before == null ? null : before[f], row[f], r);
                    }
                }
            }
            functions.fill(row);
            rows.add(row);
        }
        return new PreparedWrite(collection, partitionKey, partition, rows, pk);
    }

    /**
     * Rows to the partitions their key hashes to, one durable write per partition. A key repeated in the request is
     * written once, from its last row (as the single write would have it), so the partition order cannot change
     * which row wins. Everything was checked before the first write; a failure of the log itself may leave the
     * partitions written so far, as a Milvus insert spread over several channels may.
     */
    private void putByPartitionKey(Collection collection, PartitionKey partitionKey, int pk, List<Object[]> rows) {
        int keyColumn = collection.schema().fields().indexOf(partitionKey.field());
        Map<Object, Object[]> lastByKey = new LinkedHashMap<>();
        for (Object[] row : rows) {
            lastByKey.remove(row[pk]);
            lastByKey.put(row[pk], row);
        }
        Map<Long, List<Object[]>> byPartition = new LinkedHashMap<>();
        for (Object[] row : lastByKey.values()) {
            byPartition.computeIfAbsent(partitionKey.partitionIdFor(row[keyColumn]), id -> new ArrayList<>())
                    .add(row);
        }
        CollectionLayout layout = Layouts.of(collection);
        data.checkRowsFit(layout, rows); // a row too large for the log fails the request before any partition's put
        byPartition.forEach((partitionId, partitionRows) -> data.put(layout, partitionId, partitionRows));
    }

    /** The stored rows of the keys a partial update names, read from one consistent view. */
    private Map<Object, Object[]> existingRows(Collection collection, ColumnBatch batch, int pk) {
        FieldSchema key = collection.schema().fields().get(pk);
        if (!batch.columns().containsKey(key.name())) {
            throw MilvusException.invalidParameter("must assign pk when upsert, primary field: " + key.name());
        }
        List<Object> wanted = new ArrayList<>();
        for (int r = 0; r < batch.rowCount(); r++) {
            wanted.add(valueFor(key, batch, r, true));
        }
        int fieldCount = collection.schema().fields().size();
        return data.read(Layouts.of(collection), view -> {
            Map<Object, Object[]> found = new java.util.HashMap<>();
            for (Object k : wanted) {
                long at = view.locate(k);
                if (at >= 0 && !found.containsKey(k)) {
                    int segment = (int) (at >>> 32);
                    int ordinal = (int) at;
                    Object[] row = new Object[fieldCount];
                    for (int f = 0; f < fieldCount; f++) {
                        row[f] = view.value(segment, f, ordinal);
                    }
                    found.put(k, row);
                }
            }
            return found;
        });
    }

    /**
     * A partial update's dynamic keys are merged into the row's, as Milvus 2.6 merges {@code $meta}: a sent key
     * replaces the stored one, the others stay. The SDKs send a {@code $meta} column ({@code {}} for a row without
     * dynamic keys) with every write to a dynamic collection, so replacing it would lose the row's keys. A stored key
     * that has since become a declared field (AddCollectionField) is dropped, as Milvus drops it.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> mergedDynamic(Object stored, Object sent, List<FieldSchema> fields) {
        Map<String, Object> merged = new LinkedHashMap<>(stored == null ? Map.of() : (Map<String, Object>) stored);
        merged.putAll((Map<String, Object>) sent);
        fields.forEach(field -> {
            if (!field.dynamic()) {
                merged.remove(field.name());
            }
        });
        return merged;
    }

    private Object valueFor(FieldSchema field, ColumnBatch batch, int row, boolean upsert) {
        if (field.dynamic()) {
            Map<String, Object> extra = batch.dynamicRows() == null ? Map.of() : batch.dynamicRows().get(row);
            return new LinkedHashMap<>(extra == null ? Map.of() : extra);
        }
        List<Object> column = batch.columns().get(field.name());
        if (field.primaryKey() && field.autoId()) {
            if (column != null && !upsert) {
                throw MilvusException.invalidParameter("the primary key field " + field.name()
                        + " is auto-generated, no need to provide");
            }
            if (column == null) {
                if (upsert) {
                    throw MilvusException.invalidParameter("must assign pk when upsert, primary field: "
                            + field.name());
                }
                return field.dataType() == DataType.INT64 ? autoIds.incrementAndGet()
                        : Long.toString(autoIds.incrementAndGet());
            }
        }
        if (column == null) {
            if (field.defaultValue() != null || field.nullable()) {
                return field.defaultValue();
            }
            throw MilvusException.invalidParameter("field " + field.name() + " is missing in the data,"
                    + " and it is neither nullable nor has a default value");
        }
        if (column.size() != batch.rowCount()) {
            throw MilvusException.invalidParameter("the length of field " + field.name() + " (" + column.size()
                    + ") does not match the number of rows (" + batch.rowCount() + ")");
        }
        Object value = column.get(row);
        if (value == null) {
            if (field.defaultValue() != null) {
                return field.defaultValue();
            }
            if (!field.nullable()) {
                throw MilvusException.invalidParameter("the value of field " + field.name()
                        + " must not be null (row " + (row + 1) + ")");
            }
            return null;
        }
        return ValueRules.check(field, value, row);
    }

    /**
     * Every column must hold the request's number of rows, checked before anything is sized by that number: a
     * request claiming two billion rows with five values per column is refused, not allocated for.
     */
    private static void checkRowCounts(ColumnBatch batch) {
        if (batch.columns().isEmpty() && batch.dynamicRows() == null) {
            throw MilvusException.invalidParameter("no field data in the request");
        }
        for (Map.Entry<String, List<Object>> column : batch.columns().entrySet()) {
            if (column.getValue().size() != batch.rowCount()) {
                throw MilvusException.invalidParameter("the length of field " + column.getKey() + " ("
                        + column.getValue().size() + ") does not match the number of rows (" + batch.rowCount() + ")");
            }
        }
        if (batch.dynamicRows() != null && batch.dynamicRows().size() != batch.rowCount()) {
            throw MilvusException.invalidParameter("the dynamic field has " + batch.dynamicRows().size()
                    + " rows, expected " + batch.rowCount());
        }
    }

    private static void checkNoUnknownColumns(Collection collection, ColumnBatch batch) {
        for (String name : batch.columns().keySet()) {
            if (collection.schema().field(name).filter(f -> !f.dynamic()).isEmpty()) {
                throw MilvusException.invalidParameter("field " + name + " does not exist in collection "
                        + collection.name());
            }
            if (collection.schema().isFunctionOutput(name)) {
                throw MilvusException.invalidParameter("not allowed to insert data into field " + name
                        + ", the output field of a function: the server computes it");
            }
        }
        if (batch.dynamicRows() != null && !collection.schema().enableDynamicField()) {
            throw MilvusException.invalidParameter("dynamic fields are not enabled in collection "
                    + collection.name() + ", so extra keys cannot be inserted");
        }
    }
}
