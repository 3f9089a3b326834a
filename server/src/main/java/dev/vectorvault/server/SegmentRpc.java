package dev.vectorvault.server;

import dev.vectorvault.auth.rbac.Visibility;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.storage.data.CompactionHistory;
import dev.vectorvault.storage.data.CompactionPlan;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.SegmentInfo;
import io.milvus.grpc.CompactionMergeInfo;
import io.milvus.grpc.CompactionState;
import io.milvus.grpc.GetCompactionPlansRequest;
import io.milvus.grpc.GetCompactionPlansResponse;
import io.milvus.grpc.GetCompactionStateRequest;
import io.milvus.grpc.GetCompactionStateResponse;
import io.milvus.grpc.GetPersistentSegmentInfoRequest;
import io.milvus.grpc.GetPersistentSegmentInfoResponse;
import io.milvus.grpc.GetQuerySegmentInfoRequest;
import io.milvus.grpc.GetQuerySegmentInfoResponse;
import io.milvus.grpc.ManualCompactionRequest;
import io.milvus.grpc.ManualCompactionResponse;
import io.milvus.grpc.PersistentSegmentInfo;
import io.milvus.grpc.QuerySegmentInfo;
import io.milvus.grpc.SegmentLevel;
import io.milvus.grpc.SegmentState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ManualCompaction and the segment views (GetPersistentSegmentInfo, GetQuerySegmentInfo). A compaction runs within
 * the call, so by the time a client asks GetCompactionState it is complete; like Milvus, an id this node does not
 * know reads as completed with no plans. The store's {@link CompactionHistory} keeps the plans of its recent
 * compactions for GetCompactionStateWithPlans (in a cluster, on the node that ran them): manual ones, and the
 * automatic ones (background expiry, a checkpoint's threshold rewrite), whose ids only their log lines tell, as in
 * Milvus.
 *
 * <p>Milvus checks no privilege for the segment views; here they describe only collections the caller may see (as
 * DescribeCollection does), since row counts are the collection's data.
 */
final class SegmentRpc {
    private final Catalog catalog;
    private final DataStore data;
    private final long nodeId;
    private final Visibility visibility;

    /** {@code nodeId}: this node's cluster id, 0 when embedded (reported as the node holding the segments). */
    SegmentRpc(Catalog catalog, DataStore data, long nodeId, Visibility visibility) {
        this.catalog = catalog;
        this.visibility = visibility;
        this.data = data;
        this.nodeId = nodeId;
    }

    ManualCompactionResponse manualCompaction(ManualCompactionRequest r) {
        if (r.getMajorCompaction()) {
            throw MilvusException.invalidParameter("majorCompaction (clustering compaction) needs a clustering key,"
                    + " which this server does not support");
        }
        if (r.getTargetSize() != 0) {
            throw MilvusException.invalidParameter("target_size is not supported: segments merge up to"
                    + " localStorage.segmentRows rows");
        }
        if (!r.getChannel().isEmpty()) {
            throw MilvusException.invalidParameter("compaction of one channel is not supported; name segments"
                    + " (segment_ids) or a partition (partition_id) instead");
        }
        Collection collection = collection(r);
        Set<Long> segments = new HashSet<>(r.getSegmentIdsList());
        if (r.getPartitionId() != 0) {
            long partition = r.getPartitionId();
            if (collection.partitions().stream().noneMatch(p -> p.partitionId() == partition)) {
                throw new MilvusException(ErrorCode.PARTITION_NOT_FOUND, "partition not found[partition="
                        + partition + "]");
            }
            // Our segments may hold several partitions: those holding rows of this one are compacted.
            Set<Long> holding = new HashSet<>();
            data.segments(Layouts.of(collection)).stream().filter(s -> s.partitionId() == partition)
                    .forEach(s -> holding.add(s.segmentId()));
            if (!segments.isEmpty()) {
                holding.retainAll(segments);
            }
            if (holding.isEmpty()) {
                return remember(List.of());
            }
            segments = holding;
        }
        // l0Compaction: tombstones live beside each segment here (no L0 segments); a compaction applies them anyway.
        return remember(data.compact(Layouts.of(collection), segments));
    }

    private ManualCompactionResponse remember(List<CompactionPlan> plans) {
        long id = data.compactionHistory().record(plans);
        return ManualCompactionResponse.newBuilder().setStatus(StatusMapper.success()).setCompactionID(id)
                .setCompactionPlanCount(plans.size()).build();
    }

    GetCompactionStateResponse compactionState(GetCompactionStateRequest r) {
        List<CompactionPlan> plans = plans(r.getCompactionID());
        return GetCompactionStateResponse.newBuilder().setStatus(StatusMapper.success())
                .setState(CompactionState.Completed).setCompletedPlanNo(plans.size()).build();
    }

    GetCompactionPlansResponse compactionPlans(GetCompactionPlansRequest r) {
        GetCompactionPlansResponse.Builder out = GetCompactionPlansResponse.newBuilder()
                .setStatus(StatusMapper.success()).setState(CompactionState.Completed);
        for (CompactionPlan plan : plans(r.getCompactionID())) {
            out.addMergeInfos(CompactionMergeInfo.newBuilder().addAllSources(plan.sources())
                    .setTarget(plan.target()));
        }
        return out.build();
    }

    private List<CompactionPlan> plans(long compactionId) {
        return data.compactionHistory().plans(compactionId);
    }

    GetPersistentSegmentInfoResponse persistentSegments(GetPersistentSegmentInfoRequest r) {
        Collection collection = visible(r.getDbName(), r.getCollectionName());
        GetPersistentSegmentInfoResponse.Builder out = GetPersistentSegmentInfoResponse.newBuilder()
                .setStatus(StatusMapper.success());
        for (SegmentInfo segment : data.segments(Layouts.of(collection))) {
            out.addInfos(PersistentSegmentInfo.newBuilder().setSegmentID(segment.segmentId())
                    .setCollectionID(collection.collectionId()).setPartitionID(segment.partitionId())
                    .setNumRows(segment.rows()).setState(state(segment.state())).setLevel(SegmentLevel.L1));
        }
        return out.build();
    }

    /**
     * The sealed segments a loaded collection serves (growing rows are served too, but Milvus lists sealed segments
     * only). {@code mem_size} counts the vectors' bytes in memory, the bulk of a segment.
     */
    GetQuerySegmentInfoResponse querySegments(GetQuerySegmentInfoRequest r) {
        Collection collection = visible(r.getDbName(), r.getCollectionName());
        if (!collection.loaded()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + collection.name() + "]");
        }
        long bytesPerRow = 0;
        for (FieldSchema field : collection.schema().vectorFields()) {
            bytesPerRow += 4L * Math.max(0, field.dim());
        }
        IndexDefinition index = collection.schema().vectorFields().stream()
                .flatMap(f -> collection.indexOnField(f.name()).stream()).findFirst().orElse(null);
        GetQuerySegmentInfoResponse.Builder out = GetQuerySegmentInfoResponse.newBuilder()
                .setStatus(StatusMapper.success());
        for (SegmentInfo segment : data.segments(Layouts.of(collection))) {
            if (segment.state() == SegmentInfo.State.GROWING) {
                continue;
            }
            QuerySegmentInfo.Builder info = QuerySegmentInfo.newBuilder().setSegmentID(segment.segmentId())
                    .setCollectionID(collection.collectionId()).setPartitionID(segment.partitionId())
                    .setNumRows(segment.rows()).setMemSize(segment.rows() * bytesPerRow)
                    .setState(SegmentState.Sealed).setNodeID(nodeId).addNodeIds(nodeId).setLevel(SegmentLevel.L1);
            if (index != null) {
                info.setIndexName(index.indexName()).setIndexID(index.indexId());
            }
            out.addInfos(info);
        }
        return out.build();
    }

    private Collection visible(String database, String name) {
        Collection collection = catalog.collection(CatalogRpc.db(database), name);
        visibility.requireCollection(CallContext.caller().username(), collection.database(), collection.name());
        return collection;
    }

    /** By name (and database) when given, else by id, as the SDKs send either. */
    private Collection collection(ManualCompactionRequest r) {
        if (!r.getCollectionName().isEmpty()) {
            return catalog.collection(CatalogRpc.db(r.getDbName()), r.getCollectionName());
        }
        // Only in the request's database: the privilege was checked there, so an id cannot reach into another.
        String database = CatalogRpc.db(r.getDbName());
        return catalog.byId(r.getCollectionID()).filter(c -> c.database().equals(database))
                .orElseThrow(() -> new MilvusException(ErrorCode.COLLECTION_NOT_FOUND,
                        "collection not found[collection=" + r.getCollectionID() + "]"));
    }

    private static SegmentState state(SegmentInfo.State state) {
        return switch (state) {
            case GROWING -> SegmentState.Growing;
            case SEALED -> SegmentState.Sealed;
            case FLUSHED -> SegmentState.Flushed;
        };
    }
}
