package dev.vectorvault.server;

import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.UserInfo;
import dev.vectorvault.auth.UserService;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.PermissionDeniedException;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.*;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Milvus gRPC service: one override per RPC, each delegating to an area adapter ({@link CatalogRpc}, ...) or
 * handling the handshake and user management itself. RPCs not overridden here answer UNIMPLEMENTED, which
 * every SDK treats as a fast, non-retried failure. No handler lets an exception escape (that would be UNKNOWN, which
 * the Java SDK retries 75 times).
 */
final class MilvusServiceAdapter extends MilvusServiceGrpc.MilvusServiceImplBase {
    static final String COMPATIBLE_VERSION = "v2.6.0";

    private final UserService users;
    private final CatalogRpc catalogRpc;
    private final DataRpc dataRpc;
    private final RbacRpc rbacRpc;
    private final AtomicLong identifiers = new AtomicLong(ThreadLocalRandom.current().nextLong(1, 1L << 40));
    private final ServerInfo serverInfo;
    private final SystemInfoRpc systemInfo;
    private final CallExecution calls;
    private final SegmentRpc segmentRpc;
    private final ResourceGroupRpc resourceGroups;
    private final ImportRpc imports;

    @Override
    public void import_(ImportRequest r, StreamObserver<ImportResponse> out) {
        respond("Import", out, () -> imports.importFiles(r), s -> ImportResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getImportState(GetImportStateRequest r, StreamObserver<GetImportStateResponse> out) {
        respond("GetImportState", out, () -> imports.state(r),
                s -> GetImportStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void listImportTasks(ListImportTasksRequest r, StreamObserver<ListImportTasksResponse> out) {
        respond("ListImportTasks", out, () -> imports.list(r),
                s -> ListImportTasksResponse.newBuilder().setStatus(s).build());
    }

    MilvusServiceAdapter(UserService users, CatalogRpc catalogRpc, DataRpc dataRpc, RbacRpc rbacRpc,
                         String buildTime, SystemInfoRpc systemInfo, CallExecution calls, SegmentRpc segmentRpc,
                         ResourceGroupRpc resourceGroups, ImportRpc imports) {
        this.resourceGroups = resourceGroups;
        this.imports = imports;
        this.systemInfo = systemInfo;
        this.segmentRpc = segmentRpc;
        this.calls = calls;
        this.users = users;
        this.rbacRpc = rbacRpc;
        this.catalogRpc = catalogRpc;
        this.dataRpc = dataRpc;
        this.serverInfo = ServerInfo.newBuilder()
                .setBuildTags(COMPATIBLE_VERSION)
                .setBuildTime(buildTime)
                .setGitCommit("vectorvault")
                .setGoVersion("Java " + Runtime.version())
                .setDeployMode("STANDALONE")
                .build();
    }

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> out) {
        respond("Connect", out, () -> {
                    // As Milvus: connecting to a database that does not exist fails (800 database not found).
                    catalogRpc.requireDatabase(CallContext.caller().database());
                    return ConnectResponse.newBuilder()
                        .setStatus(StatusMapper.success())
                        .setServerInfo(serverInfo)
                        .setIdentifier(identifiers.incrementAndGet())
                        .build();
                },
                s -> ConnectResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> out) {
        respond("GetVersion", out, () -> GetVersionResponse.newBuilder()
                        .setStatus(StatusMapper.success()).setVersion(COMPATIBLE_VERSION).build(),
                s -> GetVersionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void checkHealth(CheckHealthRequest request, StreamObserver<CheckHealthResponse> out) {
        respond("CheckHealth", out, () -> {
                    // As Milvus: unhealthy is an answer with reasons, not a failed call.
                    java.util.List<String> problems = systemInfo.problems();
                    return CheckHealthResponse.newBuilder().setStatus(StatusMapper.success())
                            .setIsHealthy(problems.isEmpty()).addAllReasons(problems).build();
                },
                s -> CheckHealthResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getComponentStates(GetComponentStatesRequest request, StreamObserver<ComponentStates> out) {
        respond("GetComponentStates", out, systemInfo::componentStates,
                s -> ComponentStates.newBuilder().setStatus(s).build());
    }

    @Override
    public void getMetrics(GetMetricsRequest request, StreamObserver<GetMetricsResponse> out) {
        respond("GetMetrics", out, () -> systemInfo.metrics(request),
                s -> GetMetricsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void listDatabases(ListDatabasesRequest request, StreamObserver<ListDatabasesResponse> out) {
        respond("ListDatabases", out, catalogRpc::listDatabases,
                s -> ListDatabasesResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createDatabase(CreateDatabaseRequest r, StreamObserver<Status> out) {
        respond("CreateDatabase", out, () -> catalogRpc.createDatabase(r), Function.identity());
    }

    @Override
    public void dropDatabase(DropDatabaseRequest r, StreamObserver<Status> out) {
        respond("DropDatabase", out, () -> catalogRpc.dropDatabase(r), Function.identity());
    }

    @Override
    public void describeDatabase(DescribeDatabaseRequest r, StreamObserver<DescribeDatabaseResponse> out) {
        respond("DescribeDatabase", out, () -> catalogRpc.describeDatabase(r), s -> DescribeDatabaseResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void alterDatabase(AlterDatabaseRequest r, StreamObserver<Status> out) {
        respond("AlterDatabase", out, () -> catalogRpc.alterDatabase(r), Function.identity());
    }

    @Override
    public void createCollection(CreateCollectionRequest r, StreamObserver<Status> out) {
        respond("CreateCollection", out, () -> {
            RequestAudit.createCollection(r);
            return catalogRpc.createCollection(r);
        }, Function.identity());
    }

    @Override
    public void describeCollection(DescribeCollectionRequest r, StreamObserver<DescribeCollectionResponse> out) {
        respond("DescribeCollection", out, () -> catalogRpc.describeCollection(r), s -> DescribeCollectionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void batchDescribeCollection(io.milvus.grpc.BatchDescribeCollectionRequest r,
                                        StreamObserver<io.milvus.grpc.BatchDescribeCollectionResponse> out) {
        respond("BatchDescribeCollection", out, () -> catalogRpc.batchDescribeCollection(r),
                s -> io.milvus.grpc.BatchDescribeCollectionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void truncateCollection(io.milvus.grpc.TruncateCollectionRequest r,
                                   StreamObserver<io.milvus.grpc.TruncateCollectionResponse> out) {
        respond("TruncateCollection", out, () -> catalogRpc.truncateCollection(r),
                s -> io.milvus.grpc.TruncateCollectionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void hasCollection(HasCollectionRequest r, StreamObserver<BoolResponse> out) {
        respond("HasCollection", out, () -> catalogRpc.hasCollection(r), s -> BoolResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void showCollections(ShowCollectionsRequest r, StreamObserver<ShowCollectionsResponse> out) {
        respond("ShowCollections", out, () -> catalogRpc.showCollections(r), s -> ShowCollectionsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void dropCollection(DropCollectionRequest r, StreamObserver<Status> out) {
        respond("DropCollection", out, () -> catalogRpc.dropCollection(r), Function.identity());
    }

    @Override
    public void renameCollection(RenameCollectionRequest r, StreamObserver<Status> out) {
        respond("RenameCollection", out, () -> catalogRpc.renameCollection(r), Function.identity());
    }

    @Override
    public void alterCollection(AlterCollectionRequest r, StreamObserver<Status> out) {
        respond("AlterCollection", out, () -> {
            RequestAudit.alterCollection(r);
            return catalogRpc.alterCollection(r);
        }, Function.identity());
    }

    @Override
    public void addCollectionField(io.milvus.grpc.AddCollectionFieldRequest r, StreamObserver<Status> out) {
        respond("AddCollectionField", out, () -> catalogRpc.addCollectionField(r), Function.identity());
    }

    @Override
    public void addCollectionFunction(io.milvus.grpc.AddCollectionFunctionRequest r, StreamObserver<Status> out) {
        respond("AddCollectionFunction", out, () -> catalogRpc.addCollectionFunction(r), Function.identity());
    }

    @Override
    public void alterCollectionFunction(io.milvus.grpc.AlterCollectionFunctionRequest r,
                                        StreamObserver<Status> out) {
        respond("AlterCollectionFunction", out, () -> catalogRpc.alterCollectionFunction(r), Function.identity());
    }

    @Override
    public void dropCollectionFunction(io.milvus.grpc.DropCollectionFunctionRequest r, StreamObserver<Status> out) {
        respond("DropCollectionFunction", out, () -> catalogRpc.dropCollectionFunction(r), Function.identity());
    }

    @Override
    public void alterCollectionField(io.milvus.grpc.AlterCollectionFieldRequest r, StreamObserver<Status> out) {
        respond("AlterCollectionField", out, () -> catalogRpc.alterCollectionField(r), Function.identity());
    }

    @Override
    public void alterIndex(io.milvus.grpc.AlterIndexRequest r, StreamObserver<Status> out) {
        respond("AlterIndex", out, () -> catalogRpc.alterIndex(r), Function.identity());
    }

    @Override
    public void getCollectionStatistics(GetCollectionStatisticsRequest r, StreamObserver<GetCollectionStatisticsResponse> out) {
        respond("GetCollectionStatistics", out, () -> catalogRpc.collectionStatistics(r), s -> GetCollectionStatisticsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createPartition(CreatePartitionRequest r, StreamObserver<Status> out) {
        respond("CreatePartition", out, () -> catalogRpc.createPartition(r), Function.identity());
    }

    @Override
    public void dropPartition(DropPartitionRequest r, StreamObserver<Status> out) {
        respond("DropPartition", out, () -> catalogRpc.dropPartition(r), Function.identity());
    }

    @Override
    public void hasPartition(HasPartitionRequest r, StreamObserver<BoolResponse> out) {
        respond("HasPartition", out, () -> catalogRpc.hasPartition(r), s -> BoolResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void showPartitions(ShowPartitionsRequest r, StreamObserver<ShowPartitionsResponse> out) {
        respond("ShowPartitions", out, () -> catalogRpc.showPartitions(r), s -> ShowPartitionsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getPartitionStatistics(GetPartitionStatisticsRequest r, StreamObserver<GetPartitionStatisticsResponse> out) {
        respond("GetPartitionStatistics", out, () -> catalogRpc.partitionStatistics(r), s -> GetPartitionStatisticsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createAlias(CreateAliasRequest r, StreamObserver<Status> out) {
        respond("CreateAlias", out, () -> catalogRpc.createAlias(r), Function.identity());
    }

    @Override
    public void dropAlias(DropAliasRequest r, StreamObserver<Status> out) {
        respond("DropAlias", out, () -> catalogRpc.dropAlias(r), Function.identity());
    }

    @Override
    public void alterAlias(AlterAliasRequest r, StreamObserver<Status> out) {
        respond("AlterAlias", out, () -> catalogRpc.alterAlias(r), Function.identity());
    }

    @Override
    public void describeAlias(DescribeAliasRequest r, StreamObserver<DescribeAliasResponse> out) {
        respond("DescribeAlias", out, () -> catalogRpc.describeAlias(r), s -> DescribeAliasResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void listAliases(ListAliasesRequest r, StreamObserver<ListAliasesResponse> out) {
        respond("ListAliases", out, () -> catalogRpc.listAliases(r), s -> ListAliasesResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createIndex(CreateIndexRequest r, StreamObserver<Status> out) {
        respond("CreateIndex", out, () -> catalogRpc.createIndex(r), Function.identity());
    }

    @Override
    public void describeIndex(DescribeIndexRequest r, StreamObserver<DescribeIndexResponse> out) {
        respond("DescribeIndex", out, () -> catalogRpc.describeIndex(r), s -> DescribeIndexResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getIndexStatistics(io.milvus.grpc.GetIndexStatisticsRequest r,
                                   StreamObserver<io.milvus.grpc.GetIndexStatisticsResponse> out) {
        respond("GetIndexStatistics", out, () -> catalogRpc.getIndexStatistics(r),
                s -> io.milvus.grpc.GetIndexStatisticsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getIndexState(GetIndexStateRequest r, StreamObserver<GetIndexStateResponse> out) {
        respond("GetIndexState", out, () -> catalogRpc.indexState(r), s -> GetIndexStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getIndexBuildProgress(GetIndexBuildProgressRequest r, StreamObserver<GetIndexBuildProgressResponse> out) {
        respond("GetIndexBuildProgress", out, () -> catalogRpc.indexBuildProgress(r), s -> GetIndexBuildProgressResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void dropIndex(DropIndexRequest r, StreamObserver<Status> out) {
        respond("DropIndex", out, () -> catalogRpc.dropIndex(r), Function.identity());
    }

    @Override
    public void loadCollection(LoadCollectionRequest r, StreamObserver<Status> out) {
        respond("LoadCollection", out, () -> catalogRpc.loadCollection(r), Function.identity());
    }

    @Override
    public void getReplicas(io.milvus.grpc.GetReplicasRequest r,
                            StreamObserver<io.milvus.grpc.GetReplicasResponse> out) {
        respond("GetReplicas", out, () -> catalogRpc.getReplicas(r),
                s -> io.milvus.grpc.GetReplicasResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createResourceGroup(io.milvus.grpc.CreateResourceGroupRequest r, StreamObserver<Status> out) {
        respond("CreateResourceGroup", out, () -> resourceGroups.create(r), Function.identity());
    }

    @Override
    public void updateResourceGroups(io.milvus.grpc.UpdateResourceGroupsRequest r, StreamObserver<Status> out) {
        respond("UpdateResourceGroups", out, () -> resourceGroups.update(r), Function.identity());
    }

    @Override
    public void dropResourceGroup(io.milvus.grpc.DropResourceGroupRequest r, StreamObserver<Status> out) {
        respond("DropResourceGroup", out, () -> resourceGroups.drop(r), Function.identity());
    }

    @Override
    public void listResourceGroups(io.milvus.grpc.ListResourceGroupsRequest r,
                                   StreamObserver<io.milvus.grpc.ListResourceGroupsResponse> out) {
        respond("ListResourceGroups", out, resourceGroups::list,
                s -> io.milvus.grpc.ListResourceGroupsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void describeResourceGroup(io.milvus.grpc.DescribeResourceGroupRequest r,
                                      StreamObserver<io.milvus.grpc.DescribeResourceGroupResponse> out) {
        respond("DescribeResourceGroup", out, () -> resourceGroups.describe(r),
                s -> io.milvus.grpc.DescribeResourceGroupResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void transferNode(io.milvus.grpc.TransferNodeRequest r, StreamObserver<Status> out) {
        respond("TransferNode", out, () -> resourceGroups.transferNode(r), Function.identity());
    }

    @Override
    public void transferReplica(io.milvus.grpc.TransferReplicaRequest r, StreamObserver<Status> out) {
        respond("TransferReplica", out, () -> resourceGroups.transferReplica(r), Function.identity());
    }

    @Override
    public void loadPartitions(LoadPartitionsRequest r, StreamObserver<Status> out) {
        respond("LoadPartitions", out, () -> catalogRpc.loadPartitions(r), Function.identity());
    }

    @Override
    public void releaseCollection(ReleaseCollectionRequest r, StreamObserver<Status> out) {
        respond("ReleaseCollection", out, () -> catalogRpc.releaseCollection(r), Function.identity());
    }

    @Override
    public void releasePartitions(ReleasePartitionsRequest r, StreamObserver<Status> out) {
        respond("ReleasePartitions", out, () -> catalogRpc.releasePartitions(r), Function.identity());
    }

    @Override
    public void getLoadState(GetLoadStateRequest r, StreamObserver<GetLoadStateResponse> out) {
        respond("GetLoadState", out, () -> catalogRpc.loadState(r), s -> GetLoadStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getLoadingProgress(GetLoadingProgressRequest r, StreamObserver<GetLoadingProgressResponse> out) {
        respond("GetLoadingProgress", out, () -> catalogRpc.loadingProgress(r), s -> GetLoadingProgressResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void allocTimestamp(AllocTimestampRequest r, StreamObserver<AllocTimestampResponse> out) {
        respond("AllocTimestamp", out, () -> catalogRpc.allocTimestamp(), s -> AllocTimestampResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void insert(InsertRequest r, StreamObserver<MutationResult> out) {
        respond("Insert", out, () -> dataRpc.insert(r), s -> MutationResult.newBuilder().setStatus(s).build());
    }

    @Override
    public void upsert(UpsertRequest r, StreamObserver<MutationResult> out) {
        respond("Upsert", out, () -> dataRpc.upsert(r), s -> MutationResult.newBuilder().setStatus(s).build());
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<MutationResult> out) {
        respond("Delete", out, () -> dataRpc.delete(r), s -> MutationResult.newBuilder().setStatus(s).build());
    }

    @Override
    public void flush(FlushRequest r, StreamObserver<FlushResponse> out) {
        respond("Flush", out, () -> dataRpc.flush(r), s -> FlushResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getFlushState(GetFlushStateRequest r, StreamObserver<GetFlushStateResponse> out) {
        respond("GetFlushState", out, () -> dataRpc.flushState(), s -> GetFlushStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void flushAll(io.milvus.grpc.FlushAllRequest r, StreamObserver<io.milvus.grpc.FlushAllResponse> out) {
        respond("FlushAll", out, () -> dataRpc.flushAll(r),
                s -> io.milvus.grpc.FlushAllResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getFlushAllState(io.milvus.grpc.GetFlushAllStateRequest r,
                                 StreamObserver<io.milvus.grpc.GetFlushAllStateResponse> out) {
        respond("GetFlushAllState", out, () -> dataRpc.flushAllState(r),
                s -> io.milvus.grpc.GetFlushAllStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void manualCompaction(io.milvus.grpc.ManualCompactionRequest r,
                                 StreamObserver<io.milvus.grpc.ManualCompactionResponse> out) {
        respond("ManualCompaction", out, () -> segmentRpc.manualCompaction(r),
                s -> io.milvus.grpc.ManualCompactionResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getCompactionState(io.milvus.grpc.GetCompactionStateRequest r,
                                   StreamObserver<io.milvus.grpc.GetCompactionStateResponse> out) {
        respond("GetCompactionState", out, () -> segmentRpc.compactionState(r),
                s -> io.milvus.grpc.GetCompactionStateResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getCompactionStateWithPlans(io.milvus.grpc.GetCompactionPlansRequest r,
                                            StreamObserver<io.milvus.grpc.GetCompactionPlansResponse> out) {
        respond("GetCompactionStateWithPlans", out, () -> segmentRpc.compactionPlans(r),
                s -> io.milvus.grpc.GetCompactionPlansResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getPersistentSegmentInfo(io.milvus.grpc.GetPersistentSegmentInfoRequest r,
                                         StreamObserver<io.milvus.grpc.GetPersistentSegmentInfoResponse> out) {
        respond("GetPersistentSegmentInfo", out, () -> segmentRpc.persistentSegments(r),
                s -> io.milvus.grpc.GetPersistentSegmentInfoResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void getQuerySegmentInfo(io.milvus.grpc.GetQuerySegmentInfoRequest r,
                                    StreamObserver<io.milvus.grpc.GetQuerySegmentInfoResponse> out) {
        respond("GetQuerySegmentInfo", out, () -> segmentRpc.querySegments(r),
                s -> io.milvus.grpc.GetQuerySegmentInfoResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void search(SearchRequest r, StreamObserver<SearchResults> out) {
        calls.run(() -> dataRpc.cost(r), () -> respond("Search", out, () -> dataRpc.search(r),
                s -> SearchResults.newBuilder().setStatus(s).build()));
    }

    @Override
    public void hybridSearch(HybridSearchRequest r, StreamObserver<SearchResults> out) {
        calls.run(() -> dataRpc.cost(r), () -> respond("HybridSearch", out, () -> dataRpc.hybridSearch(r),
                s -> SearchResults.newBuilder().setStatus(s).build()));
    }

    /**
     * Milvus 2.3 retired CalcDistance and its proxies answer every call with the same service-unavailable status;
     * answering alike (not gRPC UNIMPLEMENTED) gives SDK code written against Milvus the failure it already handles.
     */
    @Override
    public void calcDistance(io.milvus.grpc.CalcDistanceRequest r,
                             StreamObserver<io.milvus.grpc.CalcDistanceResults> out) {
        respond("CalcDistance", out, () -> {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "service unavailable: CalcDistance deprecated");
        }, s -> io.milvus.grpc.CalcDistanceResults.newBuilder().setStatus(s).build());
    }

    @Override
    public void runAnalyzer(io.milvus.grpc.RunAnalyzerRequest r,
                            StreamObserver<io.milvus.grpc.RunAnalyzerResponse> out) {
        respond("RunAnalyzer", out, () -> dataRpc.runAnalyzer(r),
                s -> io.milvus.grpc.RunAnalyzerResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void query(QueryRequest r, StreamObserver<QueryResults> out) {
        calls.run(() -> dataRpc.cost(r), () -> respond("Query", out, () -> dataRpc.query(r),
                s -> QueryResults.newBuilder().setStatus(s).build()));
    }

    @Override
    public void createCredential(CreateCredentialRequest request, StreamObserver<Status> out) {
        respond("CreateCredential", out, () -> {
            Password password = decodePassword(request.getPassword(), "decode password fail");
            users.createUser(caller(), request.getUsername(), password, request.getDescription());
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void updateCredential(UpdateCredentialRequest request, StreamObserver<Status> out) {
        respond("UpdateCredential", out, () -> {
            Caller caller = caller();
            boolean passwordChange = !request.getOldPassword().isEmpty() || !request.getNewPassword().isEmpty();
            // The v2 SDK's updateUser sends only a description: that must never touch the password.
            if (!passwordChange && request.hasDescription()) {
                users.changeDescription(caller, request.getUsername(), request.getDescription());
                return StatusMapper.success();
            }
            Password oldPassword = decodePassword(request.getOldPassword(), "decode old password failed");
            Password newPassword = decodePassword(request.getNewPassword(), "decode password failed");
            users.changePassword(caller, request.getUsername(), oldPassword, newPassword);
            if (request.hasDescription()) {
                users.changeDescription(caller, request.getUsername(), request.getDescription());
            }
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void deleteCredential(DeleteCredentialRequest request, StreamObserver<Status> out) {
        respond("DeleteCredential", out, () -> {
            users.deleteUser(caller(), request.getUsername());
            return StatusMapper.success();
        }, Function.identity());
    }

    @Override
    public void listCredUsers(ListCredUsersRequest request, StreamObserver<ListCredUsersResponse> out) {
        respond("ListCredUsers", out, () -> ListCredUsersResponse.newBuilder()
                        .setStatus(StatusMapper.success())
                        .addAllUsernames(users.listUsers(caller()))
                        .build(),
                s -> ListCredUsersResponse.newBuilder().setStatus(s).build());
    }

    /** Users with descriptions, and their bound roles when asked for ({@code public} is implicit, not listed). */
    @Override
    public void selectUser(SelectUserRequest request, StreamObserver<SelectUserResponse> out) {
        respond("SelectUser", out, () -> {
            Optional<String> name = request.hasUser() && !request.getUser().getName().isEmpty()
                    ? Optional.of(request.getUser().getName()) : Optional.empty();
            SelectUserResponse.Builder response = SelectUserResponse.newBuilder().setStatus(StatusMapper.success());
            for (UserInfo user : users.describeUsers(caller(), name)) {
                UserResult.Builder result = UserResult.newBuilder()
                        .setUser(UserEntity.newBuilder().setName(user.username()))
                        .setDescription(user.description());
                if (request.getIncludeRoleInfo()) {
                    result.addAllRoles(rbacRpc.rolesOf(user.username()));
                }
                response.addResults(result);
            }
            return response.build();
        }, s -> SelectUserResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createRole(CreateRoleRequest r, StreamObserver<Status> out) {
        respond("CreateRole", out, () -> rbacRpc.createRole(r), Function.identity());
    }

    @Override
    public void alterRole(AlterRoleRequest r, StreamObserver<Status> out) {
        respond("AlterRole", out, () -> rbacRpc.alterRole(r), Function.identity());
    }

    @Override
    public void dropRole(DropRoleRequest r, StreamObserver<Status> out) {
        respond("DropRole", out, () -> rbacRpc.dropRole(r), Function.identity());
    }

    @Override
    public void operateUserRole(OperateUserRoleRequest r, StreamObserver<Status> out) {
        respond("OperateUserRole", out, () -> rbacRpc.operateUserRole(r), Function.identity());
    }

    @Override
    public void selectRole(SelectRoleRequest r, StreamObserver<SelectRoleResponse> out) {
        respond("SelectRole", out, () -> rbacRpc.selectRole(r), s -> SelectRoleResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void operatePrivilege(OperatePrivilegeRequest r, StreamObserver<Status> out) {
        respond("OperatePrivilege", out, () -> rbacRpc.operatePrivilege(r), Function.identity());
    }

    @Override
    public void operatePrivilegeV2(OperatePrivilegeV2Request r, StreamObserver<Status> out) {
        respond("OperatePrivilegeV2", out, () -> rbacRpc.operatePrivilegeV2(r), Function.identity());
    }

    @Override
    public void selectGrant(SelectGrantRequest r, StreamObserver<SelectGrantResponse> out) {
        respond("SelectGrant", out, () -> rbacRpc.selectGrant(r), s -> SelectGrantResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void createPrivilegeGroup(CreatePrivilegeGroupRequest r, StreamObserver<Status> out) {
        respond("CreatePrivilegeGroup", out, () -> rbacRpc.createPrivilegeGroup(r), Function.identity());
    }

    @Override
    public void dropPrivilegeGroup(DropPrivilegeGroupRequest r, StreamObserver<Status> out) {
        respond("DropPrivilegeGroup", out, () -> rbacRpc.dropPrivilegeGroup(r), Function.identity());
    }

    @Override
    public void listPrivilegeGroups(ListPrivilegeGroupsRequest r, StreamObserver<ListPrivilegeGroupsResponse> out) {
        respond("ListPrivilegeGroups", out, rbacRpc::listPrivilegeGroups, s -> ListPrivilegeGroupsResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void operatePrivilegeGroup(OperatePrivilegeGroupRequest r, StreamObserver<Status> out) {
        respond("OperatePrivilegeGroup", out, () -> rbacRpc.operatePrivilegeGroup(r), Function.identity());
    }

    @Override
    public void backupRBAC(BackupRBACMetaRequest r, StreamObserver<BackupRBACMetaResponse> out) {
        respond("BackupRBAC", out, rbacRpc::backup, s -> BackupRBACMetaResponse.newBuilder().setStatus(s).build());
    }

    @Override
    public void restoreRBAC(RestoreRBACMetaRequest r, StreamObserver<Status> out) {
        respond("RestoreRBAC", out, () -> rbacRpc.restore(r), Function.identity());
    }

    private static Caller caller() {
        return CallContext.caller();
    }

    private static Password decodePassword(String base64, String failure) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new MilvusException(ErrorCode.UNEXPECTED, failure + ": illegal base64 data");
        }
        return Password.fromUtf8(bytes).orElseThrow(
                () -> MilvusException.invalidParameter("invalid password: not valid UTF-8"));
    }

    /**
     * Runs a handler and always answers: a domain failure in the response Status, a privilege failure as gRPC
     * PERMISSION_DENIED (as Milvus), anything unexpected as a Status with an incident id.
     */
    private static <T> void respond(String method, StreamObserver<T> out, Supplier<T> handler,
                                    Function<Status, T> failed) {
        T response;
        try {
            response = handler.get();
        } catch (MilvusException e) {
            response = failed.apply(StatusMapper.of(e));
        } catch (PermissionDeniedException e) {
            out.onError(io.grpc.Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            response = failed.apply(StatusMapper.unexpected(method, e));
        }
        out.onNext(response);
        out.onCompleted();
    }
}
