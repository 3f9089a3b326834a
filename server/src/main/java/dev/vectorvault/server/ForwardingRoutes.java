package dev.vectorvault.server;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where each MilvusService RPC is served in cluster mode (part 1: each collection's data lives on one owning node).
 * Every RPC of the service is listed here; {@code ForwardingRoutesTest} fails when the protocol gains an RPC this
 * table does not name, or when an RPC listed as unimplemented gets a handler, so a new data RPC cannot be served from
 * the wrong node by oversight.
 *
 * <p>An RPC is {@link Route#OWNER} when its handler reads or writes the collection's data ({@code DataStore},
 * {@code EntityReader}, {@code EntityWriter}): rows, row counts, index build progress. Metadata RPCs (catalog, users,
 * roles, grants, load state) are served by whichever node the client called, from its etcd-backed mirrors.
 */
final class ForwardingRoutes {

    enum Route {
        /** Served by the owner of the collection the request names ({@code db_name}, {@code collection_name}). */
        OWNER,
        /**
         * Search, hybrid search, query: served by one replica of the collection (the owner when it has no replica
         * placement), the next replica when the chosen node cannot answer.
         */
        REPLICA,
        /** Flush: every named collection's owner flushes, then the entry node does. */
        OWNERS_OF_EACH,
        /** Metadata only: served by the node the client called. */
        ANY_NODE,
        /**
         * No handler: any node answers UNIMPLEMENTED. Whoever implements one must classify it again (OWNER if its
         * handler touches the collection's data); the test refuses a handler for an RPC listed here.
         */
        UNIMPLEMENTED
    }

    private static final Map<String, Route> ROUTES = new TreeMap<>();

    static {
        // Rows written, read or counted; index build progress comes from the owner's segments.
        // Reads: one replica answers the whole request (this node when it serves one; see ForwardingInterceptor).
        for (String rpc : new String[] {"Search", "HybridSearch", "Query"}) {
            ROUTES.put(rpc, Route.REPLICA);
        }
        for (String rpc : new String[] {"Insert", "Upsert", "Delete",
                "GetCollectionStatistics", "GetPartitionStatistics",
                "DescribeIndex", "GetIndexStatistics", "GetIndexState", "GetIndexBuildProgress",
                "ManualCompaction", "GetPersistentSegmentInfo", "GetQuerySegmentInfo"}) {
            ROUTES.put(rpc, Route.OWNER);
        }
        ROUTES.put("Flush", Route.OWNERS_OF_EACH);
        // The system view describes the node the client called: its own health and hardware.
        ROUTES.put("GetComponentStates", Route.ANY_NODE);
        ROUTES.put("GetMetrics", Route.ANY_NODE);
        // GetFlushState answers "flushed" from no data (every acknowledged write is already durable); Load/Release
        // and the load state are catalog flags; DropCollection/DropPartition remove data through the owner's catalog
        // listener when its mirror sees the drop.
        for (String rpc : new String[] {"Connect", "GetVersion", "CheckHealth", "AllocTimestamp", "GetFlushState",
                "ListDatabases", "CreateDatabase", "DropDatabase", "DescribeDatabase", "AlterDatabase",
                "CreateCollection", "DescribeCollection", "HasCollection", "ShowCollections", "DropCollection",
                "RenameCollection", "AlterCollection",
                "AddCollectionFunction", "AlterCollectionFunction", "DropCollectionFunction",
                "CreatePartition", "DropPartition", "HasPartition", "ShowPartitions",
                "CreateAlias", "DropAlias", "AlterAlias", "DescribeAlias", "ListAliases",
                "CreateIndex", "DropIndex",
                "LoadCollection", "LoadPartitions", "ReleaseCollection", "ReleasePartitions", "GetLoadState",
                "GetLoadingProgress",
                "CreateCredential", "UpdateCredential", "DeleteCredential", "ListCredUsers", "SelectUser",
                "CreateRole", "AlterRole", "DropRole", "OperateUserRole", "SelectRole", "OperatePrivilege",
                "OperatePrivilegeV2", "SelectGrant", "CreatePrivilegeGroup", "DropPrivilegeGroup", "ListPrivilegeGroups",
                "OperatePrivilegeGroup", "BackupRBAC", "RestoreRBAC"}) {
            ROUTES.put(rpc, Route.ANY_NODE);
        }
        // Truncate gives the collection's partitions new ids in the catalog; the owner's data store drops the old
        // ones when its mirror sees the change, as for DropPartition.
        ROUTES.put("TruncateCollection", Route.ANY_NODE);
        // The replica placement is metadata in etcd, mirrored on every node.
        ROUTES.put("GetReplicas", Route.ANY_NODE);
        ROUTES.put("BatchDescribeCollection", Route.ANY_NODE);
        // Schema changes are catalog records in etcd; the owner's data store reads the wider layout from its mirror
        // at its next use of the collection (rows written before read the added field as absent).
        ROUTES.put("AddCollectionField", Route.ANY_NODE);
        ROUTES.put("AlterCollectionField", Route.ANY_NODE);
        ROUTES.put("AlterIndex", Route.ANY_NODE); // refuses every property it is given (nothing would change here)
        ROUTES.put("RunAnalyzer", Route.ANY_NODE); // reads only the (mirrored) catalog
        // A compaction completes within ManualCompaction's call: any node may say so (see SegmentRpc).
        ROUTES.put("GetCompactionState", Route.ANY_NODE);
        ROUTES.put("GetCompactionStateWithPlans", Route.ANY_NODE);
        // FlushAll seals what the called node holds; every acknowledged row is durable in the log anyway.
        ROUTES.put("FlushAll", Route.ANY_NODE);
        ROUTES.put("GetFlushAllState", Route.ANY_NODE);
        // Resource groups live in etcd (mirrored on every node), membership is computed from the live sessions.
        for (String rpc : new String[] {"CreateResourceGroup", "UpdateResourceGroups", "DropResourceGroup",
                "ListResourceGroups", "DescribeResourceGroup", "TransferNode", "TransferReplica"}) {
            ROUTES.put(rpc, Route.ANY_NODE);
        }
        // An import job writes its rows through the Insert path, so it runs on the collection's owner; the job
        // records are in etcd, so any node answers for them.
        ROUTES.put("Import", Route.OWNER);
        ROUTES.put("GetImportState", Route.ANY_NODE);
        ROUTES.put("ListImportTasks", Route.ANY_NODE);
        // Retired in Milvus: every node gives the same refusal.
        ROUTES.put("CalcDistance", Route.ANY_NODE);
        for (String rpc : new String[] {"AddFileResource", "AddUserTags",
                "CreateReplicateStream",
                "CreateRowPolicy", "DeleteUserTags", "DescribeSegmentIndexData",
                "DropRowPolicy", "Dummy", "DumpMessages",
                "GetReplicateConfiguration", "GetReplicateInfo", "GetUserTags",
                "ListFileResources", "ListIndexedSegment",
                "ListRowPolicies", "ListUsersWithTag", "LoadBalance",
                "RegisterLink", "RemoveFileResource", "ReplicateMessage",
                "UpdateReplicateConfiguration"}) {
            ROUTES.put(rpc, Route.UNIMPLEMENTED);
        }
    }

    private ForwardingRoutes() {}

    /** The route of an RPC by its bare name ({@code Insert}); an RPC not listed is served locally. */
    static Route of(String bareMethodName) {
        return ROUTES.getOrDefault(bareMethodName, Route.ANY_NODE);
    }

    /** Every RPC named in the table (tests). */
    static Map<String, Route> all() {
        return java.util.Collections.unmodifiableMap(ROUTES);
    }
}
