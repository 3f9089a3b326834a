package dev.vectorvault.server;

import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.AuditSink;
import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.CredentialPolicy;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.LoginThrottle;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.RecentAuditEvents;
import dev.vectorvault.auth.UserService;
import dev.vectorvault.auth.VerifiedCredentialCache;
import dev.vectorvault.auth.rbac.CredentialDirectory;
import dev.vectorvault.auth.rbac.RbacAccessPolicy;
import dev.vectorvault.auth.rbac.RbacStore;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.cluster.ClusterNode;
import dev.vectorvault.cluster.Coordination;
import dev.vectorvault.cluster.NodeForwarding;
import dev.vectorvault.cluster.etcd.EtcdCoordination;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.logging.RollingAuditFile;
import dev.vectorvault.metrics.ServerMetrics;
import dev.vectorvault.metrics.prometheus.PrometheusMetrics;
import dev.vectorvault.query.EntityReader;
import dev.vectorvault.ingest.BucketImportFiles;
import dev.vectorvault.ingest.ImportFiles;
import dev.vectorvault.ingest.ImportRoot;
import dev.vectorvault.ingest.SharedImportLedger;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.resourcegroup.QueryNode;
import dev.vectorvault.resourcegroup.ResourceGroups;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataLog;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.data.Manifests;
import dev.vectorvault.storage.data.SealedStorage;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.kafka.KafkaShardLog;
import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.wal.Durability;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: the metadata store, the auth services built on it, and the gRPC endpoint (Milvus service plus
 * the standard health service, both behind {@link AuthInterceptor}). Closing it stops the endpoint, then the store.
 */
public final class MilvusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusServer.class);
    private final Server grpc;
    private final MetaStore store;
    private final DataStore data;
    private final ConnectionGuard connections;
    private final RequestBudget budget;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /** Where calls of the public port run (set once started). */
    private CallExecution calls;
    /** The data store's background threads: the server owns them and stops them after the store is closed. */
    private final DataExecutors dataExecutors;
    /** Cluster mode only (null when embedded): this node's session, and the etcd client under it. */
    private final ClusterNode node;
    private final Coordination coordination;
    /** Cluster mode only: the endpoint other nodes forward to, and the channels this node forwards on. */
    private InternalEndpoint internal;
    private OwnerChannels owners;
    private ManagementEndpoint management;
    /** The rolling audit file ({@code proxy.auditLog.*}), closed last so the shutdown's own events reach it. */
    private AuditSink auditFile = AuditSink.NONE;
    /** The RESTful API v2 (null when {@code proxy.http.enabled} is false), and the port it answers on (-1: none). */
    private RestEndpoint rest;
    private int restPort = -1;
    /** {@code common.storageType: remote} only: the object storage client, closed after the data store. */
    private S3ObjectStore objectStorage;
    /** The web console's own gateway into the public chain (null when the console is off). */
    private RestGateway consoleGateway;
    private ImportJobs importJobs;

    private MilvusServer(Server grpc, MetaStore store, DataStore data, ConnectionGuard connections,
                         RequestBudget budget, EventLoopGroup boss, EventLoopGroup workers,
                         DataExecutors dataExecutors, ClusterNode node, Coordination coordination) {
        this.node = node;
        this.coordination = coordination;
        this.budget = budget;
        this.dataExecutors = dataExecutors;
        this.grpc = grpc;
        this.store = store;
        this.data = data;
        this.connections = connections;
        this.boss = boss;
        this.workers = workers;
    }

    /** Opens the data folder and starts listening; {@code proxy.port} 0 picks a free port. */
    public static MilvusServer start(ServerConfig config) throws IOException {
        warnAboutLoosePermissions(config.dataDir());
        if (config.cluster().enabled()) {
            return startClusterNode(config);
        }
        MetaStore store = MvMetaStore.open(config.dataDir().resolve("meta"));
        try {
            return start(config, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts on a given metadata store (tests and benchmarks pass an in-memory one); collection data still goes
     * under {@code localStorage.path}, so give each such server its own folder. The server closes the store.
     */
    public static MilvusServer start(ServerConfig config, MetaStore store) throws IOException {
        return start(config, store, store, null, null, null);
    }

    /**
     * As {@link #start(ServerConfig, MetaStore)}; with {@code forwarding} (cluster mode) a collection's data calls are
     * forwarded to its owner, and the internal endpoint on {@code proxy.internalPort} serves calls forwarded here.
     */
    public static MilvusServer start(ServerConfig config, MetaStore store, NodeForwarding forwarding)
            throws IOException {
        return start(config, store, store, null, null, forwarding);
    }

    /**
     * Cluster mode: metadata in etcd ({@code etcd.endpoints}), shared with the other nodes; collection data in this
     * node's {@code localStorage.path}, its manifest under this node's own etcd keys.
     */
    private static MilvusServer startClusterNode(ServerConfig config) throws IOException {
        Coordination coordination = EtcdCoordination.connect(config.cluster());
        try {
            ClusterNode node = ClusterNode.join(coordination, config.cluster(), config.dataDir());
            return start(config, node.metadata(), node.nodeMetadata(), node, coordination,
                    new NodeForwarding(node.nodeId(), node.placement(), node));
        } catch (IOException | RuntimeException e) {
            coordination.close();
            throw e;
        }
    }

    /**
     * Where writes are made durable: the local write-ahead log, or with {@code mq.type: kafka} the collections'
     * shards on Kafka; a cluster node replays and writes only the collections it owns.
     */
    private static DataLog dataLog(ServerConfig config, FileStore logDisk, Catalog catalog, ClusterNode node) {
        if (!config.mq().kafka()) {
            return DataLog.local(logDisk, config.storage().syncWrites() ? Durability.FSYNC : Durability.OS_BUFFERED);
        }
        KafkaShardLog shards = new KafkaShardLog(config.mq());
        LOG.info("event=shard_log mq={}", config.mq());
        return DataLog.sharded(shards, () -> servedCollections(catalog, node), config.mq().groupCommitMaxWrites(),
                config.mq().groupCommitGatherMs(), config.mq().maxMessageBytes());
    }

    /**
     * Where checkpoints record the data manifest: this store's own record, or in a cluster on Kafka one record per
     * collection in etcd, written only while this node owns the collection (so it can pass to another node).
     */
    private static Manifests manifests(ServerConfig config, MetaStore dataMeta, Catalog catalog, ClusterNode node) {
        if (node == null || !config.mq().kafka()) {
            return Manifests.node(dataMeta);
        }
        return Manifests.perCollection(new Manifests.CollectionRecords() {
            @Override
            public java.util.Optional<byte[]> read(long collectionId) {
                return node.collectionManifest(collectionId);
            }

            @Override
            public boolean writeWhileOwner(long collectionId, byte[] record) {
                return node.writeCollectionManifest(collectionId, record);
            }
        }, () -> servedCollections(catalog, node));
    }

    /**
     * LoadCollection's replicas: placed across the cluster when a collection's data is shared (Kafka and object
     * storage), else one replica on this node.
     */
    private static ReplicaLoads replicaLoads(ServerConfig config, ClusterNode node, boolean objectStorage,
                                             ResourceGroups groups) {
        dev.vectorvault.storage.kafka.ChannelNames names = new dev.vectorvault.storage.kafka.ChannelNames(
                config.mq().pchannelPrefix(), config.mq().dmlChannelNum());
        Function<dev.vectorvault.storage.log.ShardId, String> channels = names::vchannel;
        if (node == null) {
            return ReplicaLoads.single(0, "", channels, "this server is a single node (embedded mode)", groups, false);
        }
        if (!config.mq().kafka() || !objectStorage) {
            return ReplicaLoads.single(node.nodeId(), config.cluster().advertiseHost() + ":" + config.port(), channels,
                    "more than one replica needs mq.type: kafka and common.storageType: remote (a collection's data"
                    + " must be readable by every node)", groups, true);
        }
        return ReplicaLoads.cluster(node.replicas(), id -> java.util.Optional.ofNullable(node.liveNodes().get(id)),
                channels, groups);
    }

    /**
     * The nodes resource groups divide: this server (embedded), or every live node of the cluster with the address
     * its session registered.
     */
    private static Supplier<List<QueryNode>> queryNodes(
            ServerConfig config, ClusterNode node, AtomicInteger port) {
        if (node == null) {
            String hostname = localHostName();
            return () -> List.of(new QueryNode(0,
                    config.cluster().advertiseHost() + ":" + port.get(), hostname));
        }
        return () -> node.liveNodes().entrySet().stream().map(e -> new QueryNode(
                e.getKey(), e.getValue(), hostOf(e.getValue()))).toList();
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static String hostOf(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** Every collection of the catalog; in a cluster, those this node owns. */
    private static java.util.Set<Long> servedCollections(Catalog catalog, ClusterNode node) {
        java.util.Set<Long> served = new java.util.HashSet<>();
        catalog.listDatabases().forEach(db -> catalog.listCollections(db.name())
                .forEach(c -> served.add(c.collectionId())));
        if (node != null) {
            served.retainAll(node.ownedCollections());
        }
        return served;
    }

    /**
     * Embedded: files from {@code localStorage.importPath}, jobs in memory. A cluster reads the files from its bucket
     * and records the jobs in etcd; without object storage its nodes share no files, so imports are refused.
     */
    private static ImportJobs importJobs(ServerConfig config, ClusterNode node, S3ObjectStore objectStorage,
                                         Catalog catalog, EntityWriter writer, HybridClock clock, FileStore logDisk) {
        // The staging folder lies in the data folder, on the write-ahead log's disk: its free space is asked there.
        ImportJobs.Staging staging = new ImportJobs.Staging(config.dataDir().resolve("import-staging"), logDisk);
        if (node == null) {
            return new ImportJobs(catalog, writer, clock, config.bulkImport(), staging, null,
                    System::currentTimeMillis);
        }
        String refusal = objectStorage != null ? null
                : "bulk import in cluster mode reads the files from the deployment's bucket: set common.storageType:"
                + " remote (and minio.*), or insert the rows instead";
        ImportFiles files = objectStorage == null ? new ImportRoot(config.bulkImport().root())
                : new BucketImportFiles(objectStorage);
        return new ImportJobs(catalog, writer, config.bulkImport(), files,
                new SharedImportLedger(node.importRecords(), node.nodeId(), node::sessionLease, node::sessionLeaseOf,
                        clock::next, System::nanoTime), staging, refusal, System::currentTimeMillis);
    }

    private static MilvusServer start(ServerConfig config, MetaStore store, MetaStore dataMeta, ClusterNode node,
                                      Coordination coordination, NodeForwarding forwarding) throws IOException {
        AuditSink auditFile = RollingAuditFile.open(config.auditLog());
        // The web console's audit page reads the same lines as the audit file, from a bounded ring.
        boolean console = config.webui().enabled() && config.metricsPort() >= 0;
        RecentAuditEvents recentAudit = console
                ? new RecentAuditEvents(config.webui().auditRingSize(), System::currentTimeMillis) : null;
        AuditLog audit = new AuditLog(config.throttle().auditIntervalMs(), config.throttle().auditMaxPairs(),
                System::currentTimeMillis, config.auditLog().json() ? AuditLog.Format.JSON : AuditLog.Format.TEXT,
                recentAudit == null ? auditFile : RecentAuditEvents.both(auditFile, recentAudit));
        CredentialStore credentials = new CredentialStore(store);
        PasswordHasher hasher = new PasswordHasher(config.hash());
        PrometheusMetrics metrics = new PrometheusMetrics(node == null ? "0" : Long.toString(node.nodeId()));
        Authenticator authenticator = new Authenticator(credentials, hasher, new VerifiedCredentialCache(),
                new LoginThrottle(config.throttle(), System::currentTimeMillis), audit,
                Math.max(2, Runtime.getRuntime().availableProcessors()), metrics);
        CredentialPolicy credentialPolicy = new CredentialPolicy(config.limits());
        Rbac rbac = Rbac.start(config, store, new CredentialDirectory(credentials, credentialPolicy, hasher));
        UserService users = new UserService(credentials, authenticator, hasher, credentialPolicy,
                new RbacAccessPolicy(rbac.decider()), audit, config.superUsers(), rbac.service()::userDeleted);
        users.bootstrapRoot(config.defaultRootPassword());
        HybridClock clock = new HybridClock();
        DataCleanup cleanup = new DataCleanup();
        DataExecutors dataExecutors = new DataExecutors();
        Catalog catalog = new Catalog(store, clock, cleanup);
        // The log stays in localStorage.path; sealed data there too, or in object storage (common.storageType).
        FileStore logDisk = DataStore.localDisk(config.dataDir().resolve("data"));
        S3ObjectStore objectStorage = null;
        if (config.objectStorage().remote()) {
            objectStorage = S3ObjectStore.open(config.objectStorage());
            LOG.info("event=object_storage store={}", objectStorage);
        }
        DataStore data;
        try {
            SealedStorage sealed = objectStorage == null ? SealedStorage.local(logDisk)
                    : SealedStorage.remote(objectStorage, config.dataDir().resolve("object-cache"),
                            config.objectStorage().objectCacheMB() << 20);
            data = DataStore.open(dataLog(config, logDisk, catalog, node), sealed,
                    manifests(config, dataMeta, catalog, node),
                    new Layouts(catalog), config.storage().segmentRows(), config.storage().checkpointBytes(),
                    new IndexBuildSettings(config.storage().indexBuildThreads(),
                            IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS,
                            java.time.Duration.ofMillis(config.storage().indexBuildRetryFirstDelayMs()),
                            java.time.Duration.ofMillis(config.storage().indexBuildRetryMaxDelayMs())),
                    dataExecutors);
        } catch (IOException | RuntimeException e) {
            if (objectStorage != null) {
                objectStorage.close();
            }
            throw e;
        }
        if (config.storage().segmentRows() < IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS) {
            // Allowed (tests use small segments), but segments sealed at that size are too small for an index.
            LOG.warn("event=segments_too_small_to_index segmentRows={} minSegmentRows={}: segments sealed at this size get"
                    + " no vector or scalar index and are searched exactly (localStorage.segmentRows)",
                    config.storage().segmentRows(), IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS);
        }
        cleanup.attach(data);
        data.onLogForce(metrics::walForced);
        // Sealed objects no manifest names any more go after Milvus's dataCoord.gc.* grace periods.
        data.collectGarbage(new dev.vectorvault.storage.data.GarbagePolicy(
                java.time.Duration.ofMillis(config.objectGc().intervalMs()),
                java.time.Duration.ofMillis(config.objectGc().dropToleranceMs()),
                java.time.Duration.ofMillis(config.objectGc().missingToleranceMs())), System::currentTimeMillis);
        // Rows a TTL expired leave the segment files by themselves (Milvus's dataCoord.compaction.* keys); the
        // default TTL of collections without one is Milvus's common.entityExpiration.
        data.expireByDefault(config.entityExpirationSeconds());
        data.compaction(new dev.vectorvault.storage.data.CompactionPolicy(config.compaction().background(),
                java.time.Duration.ofMillis(config.compaction().intervalMs()), config.compaction().ratioThreshold()));
        NodeHealth nodeHealth = new NodeHealth(data, dataExecutors, node);
        if (node != null && config.mq().kafka() && objectStorage != null) {
            // Everything of a collection is shared (Kafka, object storage, its etcd manifest): it can move.
            node.takeOverDeadOwners(data::adoptCollection, data::releaseCollection);
            // Follower replicas: a read-only copy of each collection this node is a replica of but does not own.
            data.followersRead(node::collectionManifest, node::ownsHere);
            node.followReplicas(new dev.vectorvault.cluster.CollectionReplicas.Followers() {
                @Override
                public void follow(long collectionId) {
                    data.follow(collectionId);
                }

                @Override
                public void unfollow(long collectionId) {
                    data.unfollow(collectionId);
                }
            });
        }
        // Recovered and told about catalog changes: now its indexes may load and build in the background.
        data.startBackgroundWork();
        CatalogRpc catalogRpc = new CatalogRpc(catalog, new Indexes(catalog), clock, (collectionId, partitionId) ->
                catalog.byId(collectionId).map(c -> data.liveRows(Layouts.of(c), partitionId)).orElse(0L),
                rbac.service(), rbac.visibility());
        catalogRpc.indexProgress(new EntityReader(catalog, data)::indexProgress);
        catalogRpc.maxShardNum(config.maxShardNum());
        ExpressionLimits filterLimits = new ExpressionLimits(config.filters().maxLength(), config.filters().maxDepth(),
                config.filters().maxListSize());
        EntityWriter writer = new EntityWriter(catalog, data, clock, filterLimits);
        DataRpc dataRpc = new DataRpc(catalog, writer,
                new EntityReader(catalog, data, config.search(), filterLimits), data, clock);
        ImportJobs importJobs = importJobs(config, node, objectStorage, catalog, writer, clock, logDisk);
        dataRpc.consistency(config.cluster().gracefulTimeMs(), config.cluster().consistencyWaitMs());
        AtomicInteger boundPort = new AtomicInteger(
                config.port());
        ResourceGroups resourceGroups = new ResourceGroups(
                store, queryNodes(config, node, boundPort), config.maxResourceGroups(), config.maxEtcdTxnNum(),
                config.rbac().maxNameLength());
        ReplicaLoads replicaLoads = replicaLoads(config, node, objectStorage != null, resourceGroups);
        if (node != null) {
            // Replicas go to the live nodes of their resource group, and a dead one's replacement too.
            node.replicas().groupMembership(() -> {
                Map<String, List<Long>> byGroup = new java.util.TreeMap<>();
                resourceGroups.membership().forEach((group, members) -> byGroup.put(group,
                        members.stream().map(QueryNode::nodeId).toList()));
                return byGroup;
            });
        }
        catalogRpc.replicaLoads(replicaLoads);

        HealthStatusManager health = new HealthStatusManager();
        ServerConfig.EndpointLimits limits = config.endpoint();
        RequestBudget budget = new RequestBudget(limits.maxInflightRecvBytes() > 0 ? limits.maxInflightRecvBytes()
                : Runtime.getRuntime().maxMemory() / 4);
        PortTransport transport = PortTransport.choose(limits.nativeTransport());
        String fallback = PortTransport.fellBackBecause(limits.nativeTransport());
        if (fallback != null) {
            LOG.warn("event=native_transport_unavailable transport=nio cause=\"{}\" (proxy.grpc.nativeTransport)",
                    fallback);
        }
        ConnectionGuard connections = new ConnectionGuard(limits.maxConnectionsPerAddress(),
                limits.unauthenticatedIdleMs(), transport);
        // Our own listening channel runs every accept through the connection guard, so our own event loops, of the
        // same transport as that channel.
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("grpc-accept", true), transport.ioHandlers().get());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
                new DefaultThreadFactory("grpc-worker", true), transport.ioHandlers().get());
        Instant started = Instant.now();
        CallExecution calls = new CallExecution(limits.callPoolThreads(), limits.inlineCostLimit(), node != null,
                config.authorizationEnabled(), authenticator);
        MilvusServiceAdapter service = new MilvusServiceAdapter(users, catalogRpc, dataRpc,
                new RbacRpc(rbac.service(), audit), started.toString(),
                new SystemInfoRpc(nodeHealth, node == null ? 0 : node.nodeId(), node != null,
                        config.cluster().advertiseHost(), config.dataDir(), started, started.toString()), calls,
                new SegmentRpc(catalog, data, node == null ? 0 : node.nodeId(), rbac.visibility()),
                new ResourceGroupRpc(resourceGroups, catalog, replicaLoads), new ImportRpc(importJobs));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.port()))
                .channelFactory(connections::newServerChannel)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                // The SDKs ping every 10 s even when idle; grpc-java's default would answer GOAWAY too_many_pings.
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // Larger messages are refused unread (RESOURCE_EXHAUSTED); the budget bounds the rest together.
                .maxInboundMessageSize(limits.maxRecvBytes())
                .handshakeTimeout(limits.handshakeTimeoutMs(), TimeUnit.MILLISECONDS)
                .addService(budget.guard(service.bindService()))
                .addService(budget.guard(health.getHealthService().bindService()))
                .addTransportFilter(new ConnectionTracker(authenticator));
        calls.install(builder);
        if (limits.maxConnectionIdleMs() > 0) {
            builder.maxConnectionIdle(limits.maxConnectionIdleMs(), TimeUnit.MILLISECONDS);
        }
        if (limits.maxConnectionAgeMs() > 0) {
            builder.maxConnectionAge(limits.maxConnectionAgeMs(), TimeUnit.MILLISECONDS)
                    .maxConnectionAgeGrace(limits.maxConnectionAgeGraceMs(), TimeUnit.MILLISECONDS);
        }
        // The last interceptor added runs first: the call guard, (cluster) the serving gate, authentication, marking
        // the connection as authenticated, the privilege check (which needs the caller that authentication found),
        // (cluster) the forwarding step, so only a call already authenticated and authorized here is forwarded, and
        // innermost (cluster) the wait until every node has applied what the call changed. With authentication off
        // nothing is enforced, so the check is not installed.
        // Every interceptor of the public port, in the order added, so the REST gateway runs the very same chain.
        List<io.grpc.ServerInterceptor> chain = new ArrayList<>();
        Consumer<io.grpc.ServerInterceptor> intercept = interceptor -> {
            builder.intercept(interceptor);
            chain.add(interceptor);
        };
        if (node != null) {
            intercept.accept(new ChangePropagation(node.barrier()));
            Runnable credentialsReload = credentials::reload;
            Runnable rbacReload = rbac.store()::reload;
            Runnable catalogReload = catalog::reload;
            CredentialStore.KEY_PREFIXES.forEach(prefix -> node.mirror(prefix, credentialsReload));
            RbacStore.KEY_PREFIXES.forEach(prefix -> node.mirror(prefix, rbacReload));
            Catalog.KEY_PREFIXES.forEach(prefix -> node.mirror(prefix, catalogReload));
            Runnable resourceGroupReload = resourceGroups::reload;
            ResourceGroups.KEY_PREFIXES.forEach(prefix -> node.mirror(prefix,
                    resourceGroupReload));
        }
        OwnerChannels owners = forwarding == null ? null : new OwnerChannels(limits.maxSendBytes());
        if (forwarding != null) {
            ForwardingInterceptor forwarder = new ForwardingInterceptor(catalog, forwarding.placement(), owners,
                    forwarding.key(), forwarding.nodeId(), System::currentTimeMillis,
                    config.cluster().forwardTimeoutMs());
            if (node != null && config.mq().kafka() && objectStorage != null) {
                forwarder.readReplicas(collectionId -> node.replicas().readers(collectionId, data::followReady));
            }
            intercept.accept(forwarder);
        }
        if (config.authorizationEnabled()) {
            intercept.accept(new AuthorizationInterceptor(new RequestPrivileges(), rbac.decider(), catalog,
                    config.rbac().resolveAliasForPrivilege(), audit, metrics));
        }
        intercept.accept(connections.authenticatedCalls());
        intercept.accept(new AuthInterceptor(config.authorizationEnabled(), config.protectedMode(), authenticator));
        if (node != null) {
            intercept.accept(new ClusterGate(node));
        }
        intercept.accept(new CallGuard(budget, limits.maxSendBytes()));
        // Outermost: every call is counted, those refused by the guard or authentication too.
        intercept.accept(new CallMetrics(metrics));
        List<io.grpc.ServerServiceDefinition> restServices = List.of(
                budget.guard(service.bindService()), budget.guard(RestSchemaService.definition(catalogRpc)));
        RestEndpoint rest = startRest(config, builder, chain, restServices, authenticator, connections);
        // The console calls the REST routes through a gateway of its own (REST on the gRPC port may be off).
        RestGateway consoleGateway = console
                ? new RestGateway(restServices, chain, config.endpoint().maxRecvBytes()) : null;
        metrics.collectionRows(() -> loadedCollectionRows(catalog, data));
        // With REST on the shared port, TLS ends in the REST protocol switch, in front of gRPC (see startRest).
        if (config.tls().mode() > 0 && (rest == null || !rest.terminatesSharedTls())) {
            builder.sslContext(tlsContext(config.tls()));
        }
        // Cluster mode: the internal endpoint listens before the public port, so its port is known (and served)
        // by the time the node announces itself.
        InternalEndpoint internal = null;
        if (forwarding != null) {
            try {
                internal = startInternalEndpoint(config, forwarding, budget.guard(service.bindService()),
                        new AuthorizationInterceptor(new RequestPrivileges(), rbac.decider(), catalog,
                                config.rbac().resolveAliasForPrivilege(), audit, metrics), credentials, budget, node);
            } catch (IOException | RuntimeException e) {
                owners.close();
                boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
        }
        // Warnings first: once the port accepts connections, the operator has already been told.
        warnAboutWeakSetup(config, users);
        if (node != null) {
            // Registered before the port opens, so the first client finds the node serving. Cluster nodes are
            // configured with fixed ports: other nodes and clients must be able to find them.
            String host = config.cluster().advertiseHost();
            node.start(host + ":" + config.port(), host + ":" + internal.port());
        }
        // The management port opens before the gRPC port: a client (or a probe, or a test) that sees the gRPC port
        // listen may go straight to /healthz or /metrics, and must find them there.
        ManagementEndpoint management = startManagement(config, metrics, authenticator, rbac, nodeHealth,
                consoleGateway, recentAudit, credentials);
        Server grpc;
        try {
            grpc = builder.build().start();
            boundPort.set(grpc.getPort());
        } catch (IOException | RuntimeException e) {
            if (management != null) {
                management.close();
            }
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (internal != null) {
                internal.close();
                owners.close();
            }
            if (node != null) {
                node.close();
            }
            throw e;
        }
        LOG.info("event=started port={} authorizationEnabled={} tlsMode={} dataDir={} cluster={}", grpc.getPort(),
                config.authorizationEnabled(), config.tls().mode(), config.dataDir().toAbsolutePath(),
                node == null ? "off" : "node " + node.nodeId());
        MilvusServer server = new MilvusServer(grpc, store, data, connections, budget, boss, workers, dataExecutors,
                node, coordination);
        server.management = management;
        server.rest = rest;
        server.calls = calls;
        if (rest != null && config.http().separatePort(config.port())) {
            try {
                server.restPort = rest.listenSeparately(config.http().port(), boss, workers,
                        connections::newServerChannel);
            } catch (IOException e) {
                server.close();
                throw e;
            }
        } else if (rest != null) {
            server.restPort = grpc.getPort();
        }
        LOG.info("event=rest_api enabled={} port={}", rest != null, server.restPort);
        server.internal = internal;
        server.owners = owners;
        server.auditFile = auditFile;
        server.consoleGateway = consoleGateway;
        server.importJobs = importJobs;
        server.objectStorage = objectStorage;
        return server;
    }

    /**
     * The management port (/healthz, /metrics). As in Milvus, a port that cannot be bound is logged and the server
     * runs on without it rather than refusing to start (several nodes on one machine, a busy 9091).
     */
    private static ManagementEndpoint startManagement(ServerConfig config, PrometheusMetrics metrics,
                                                      Authenticator authenticator, Rbac rbac,
                                                      NodeHealth health, RestGateway consoleGateway,
                                                      RecentAuditEvents recentAudit, CredentialStore credentials) {
        if (config.metricsPort() < 0) {
            return null;
        }
        ManagementEndpoint.MetricsReaders readers = user -> user.equals("root")
                || config.superUsers().contains(user)
                || rbac.service().selectUser(java.util.Optional.of(user), true).stream()
                        .anyMatch(u -> u.roles().contains("admin"));
        WebConsole console = null;
        if (consoleGateway != null) {
            ConsoleSessions sessions = new ConsoleSessions(config.webui().sessionIdleTimeoutMs(),
                    config.webui().maxSessions(), System::currentTimeMillis,
                    user -> credentials.find(user).map(dev.vectorvault.auth.StoredCredential::passwordHash),
                    authenticator::connectionClosed);
            console = new WebConsole(new RestApi(consoleGateway, config.http().acceptTypeAllowInt64()),
                    consoleGateway, sessions, recentAudit, readers::test, config.authorizationEnabled(),
                    config.tls().mode() > 0, config.http().maxRequestBodyBytes());
        }
        try {
            return ManagementEndpoint.start(config.metricsPort(), metrics, health,
                    config.authorizationEnabled() ? authenticator : null, readers, config.protectedMode(), console,
                    config.tls().managementPort() ? managementTlsContext(config.tls()) : null);
        } catch (IOException | RuntimeException e) {
            LOG.error("event=management_port_unavailable port={} error=\"{}\" effect=\"no /healthz or /metrics\"",
                    config.metricsPort(), e.toString());
            return null;
        }
    }

    /** Each loaded collection's live rows, read at scrape time. */
    private static List<ServerMetrics.CollectionRows> loadedCollectionRows(Catalog catalog, DataStore data) {
        List<ServerMetrics.CollectionRows> rows = new ArrayList<>();
        for (dev.vectorvault.catalog.Database database : catalog.listDatabases()) {
            for (dev.vectorvault.catalog.Collection collection : catalog.listCollections(database.name())) {
                if (collection.loaded()) {
                    rows.add(new ServerMetrics.CollectionRows(database.name(), collection.name(),
                            data.liveRows(Layouts.of(collection), -1)));
                }
            }
        }
        return rows;
    }

    /**
     * The RESTful API v2 ({@code proxy.http.*}): the gateway into the public port's interceptor chain, and the HTTP
     * side on the gRPC port (a protocol switch on every accepted connection, behind TLS when it is on) or, with
     * {@code proxy.http.port} set, on its own port (bound after the gRPC server starts). Null when switched off.
     */
    private static RestEndpoint startRest(ServerConfig config, NettyServerBuilder builder,
                                          List<io.grpc.ServerInterceptor> chain,
                                          List<io.grpc.ServerServiceDefinition> services,
                                          Authenticator authenticator,
                                          ConnectionGuard connections) throws IOException {
        ServerConfig.HttpSettings http = config.http();
        if (!http.enabled()) {
            return null;
        }
        boolean shared = !http.separatePort(config.port());
        RestGateway gateway = new RestGateway(services, chain, config.endpoint().maxRecvBytes());
        // REST speaks TLS exactly when gRPC does (same certificates, same client-certificate rule). On the shared
        // port TLS ends in front of the protocol switch, which then sees plain bytes: the ALPN list offers both
        // protocols (gRPC clients offer only h2), and gRPC itself runs on the decrypted stream.
        io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls = config.tls().mode() == 0 ? null
                : shared ? sharedPortTlsContext(config.tls()) : restTlsContext(config.tls());
        RestEndpoint rest = new RestEndpoint(new RestApi(gateway, http.acceptTypeAllowInt64()), authenticator, http.maxRequestBodyBytes(),
                http.keepAliveTimeoutMs(), gateway, tls, shared);
        if (shared) {
            builder.channelFactory(() -> {
                io.grpc.netty.shaded.io.netty.channel.ServerChannel listener = connections.newServerChannel();
                listener.pipeline().addLast(rest.acceptor());
                return listener;
            });
        }
        return rest;
    }

    /** The gRPC port's TLS, taken over by the REST protocol switch: gRPC's settings plus HTTP/1.1 in ALPN. */
    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sharedPortTlsContext(
            ServerConfig.TlsSettings tls) throws IOException {
        SslContextBuilder ssl = GrpcSslContexts.forServer(tls.serverPem().toFile(), tls.serverKey().toFile());
        if (tls.mode() == 2) {
            ssl.trustManager(tls.caPem().toFile()).clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3");
        }
        // The server's order decides: a client offering both (curl) gets HTTP/1.1, a gRPC client (h2 only) h2.
        ssl.applicationProtocolConfig(new io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig(
                io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior
                        .NO_ADVERTISE,
                io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior
                        .ACCEPT,
                "http/1.1", "h2"));
        try {
            return ssl.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("cannot set up TLS (tls.serverPemPath/tls.serverKeyPath/tls.caPemPath): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The management port's TLS: the server certificate, through the JDK's own TLS (the JDK HTTP server takes a
     * {@link javax.net.ssl.SSLContext}); Netty's builder reads the PEM files so there is one PEM reader.
     */
    private static javax.net.ssl.SSLContext managementTlsContext(ServerConfig.TlsSettings tls) throws IOException {
        try {
            io.grpc.netty.shaded.io.netty.handler.ssl.SslContext ssl = SslContextBuilder
                    .forServer(tls.serverPem().toFile(), tls.serverKey().toFile())
                    .sslProvider(io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider.JDK).build();
            return ((io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext) ssl).context();
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("cannot set up TLS for common.metricsPort (tls.serverPemPath/tls.serverKeyPath): "
                    + e.getMessage(), e);
        }
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext restTlsContext(ServerConfig.TlsSettings tls)
            throws IOException {
        SslContextBuilder ssl = SslContextBuilder.forServer(tls.serverPem().toFile(), tls.serverKey().toFile());
        if (tls.mode() == 2) {
            ssl.trustManager(tls.caPem().toFile()).clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3");
        }
        try {
            return ssl.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("cannot set up TLS for proxy.http.port (tls.serverPemPath/tls.serverKeyPath/"
                    + "tls.caPemPath): " + e.getMessage(), e);
        }
    }

    /** The port the RESTful API answers on (the gRPC port unless {@code proxy.http.port} is set), or -1. */
    public int restPort() {
        return restPort;
    }

    /** The bound management port, or -1 when there is none. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /**
     * The endpoint other nodes forward to: same service, budget and call guard; the forwarded identity replaces the
     * password, authorization runs again with this node's policy ({@code authorization}, installed only with
     * authentication on), and there is no forwarding step, so a call is forwarded at most once. In cluster mode the
     * serving gate refuses forwarded calls too while this node may be stale, and forwarded writes wait until every
     * node has applied them.
     */
    private static InternalEndpoint startInternalEndpoint(ServerConfig config, NodeForwarding forwarding,
                                                          io.grpc.ServerServiceDefinition service,
                                                          AuthorizationInterceptor authorization,
                                                          CredentialStore credentials, RequestBudget budget,
                                                          ClusterNode node)
            throws IOException {
        List<io.grpc.ServerInterceptor> chain = new ArrayList<>();
        if (node != null) {
            chain.add(new ChangePropagation(node.barrier()));
        }
        if (config.authorizationEnabled()) {
            chain.add(authorization);
        }
        chain.add(new ForwardedIdentityInterceptor(forwarding.key(), credentials, config.authorizationEnabled(),
                System::currentTimeMillis));
        if (node != null) {
            chain.add(new ClusterGate(node));
        }
        chain.add(new CallGuard(budget, config.endpoint().maxSendBytes()));
        InternalEndpoint internal;
        try {
            internal = InternalEndpoint.start(config.cluster().internalPort(), service,
                    config.endpoint().maxRecvBytes(), chain);
        } catch (IOException e) {
            throw new IOException("cannot listen on proxy.internalPort " + config.cluster().internalPort() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("event=internal_endpoint_started port={} nodeId={}", internal.port(), forwarding.nodeId());
        return internal;
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tlsContext(ServerConfig.TlsSettings tls)
            throws IOException {
        SslContextBuilder ssl = GrpcSslContexts.forServer(tls.serverPem().toFile(), tls.serverKey().toFile());
        if (tls.mode() == 2) {
            // As Milvus: mutual TLS requires a client certificate signed by the configured CA, and TLS 1.3.
            ssl.trustManager(tls.caPem().toFile()).clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3");
        }
        try {
            return ssl.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("cannot set up TLS (tls.serverPemPath/tls.serverKeyPath/tls.caPemPath): "
                    + e.getMessage(), e);
        }
    }

    /** One WARN line per path of the data folder that others may access (checked before anything is created). */
    static void warnAboutLoosePermissions(java.nio.file.Path dataDir) {
        try {
            for (java.nio.file.Path path : LocalDisk.loosePermissions(dataDir, 20)) {
                LOG.warn("event=data_permissions_too_open path={}: group or others may access it; the data folder"
                        + " (localStorage.path) holds password hashes and every vector, make it owner-only"
                        + " (chmod -R go-rwx)", path.toAbsolutePath());
            }
        } catch (IOException e) {
            LOG.warn("event=data_permissions_unchecked path={} error={}", dataDir.toAbsolutePath(), e.toString());
        }
    }

    private static void warnAboutWeakSetup(ServerConfig config, UserService users) {
        if (users.rootHasWellKnownPassword()) {
            LOG.warn("event=default_root_password user=root: root still has the well-known default password;"
                    + " change it now (UpdateCredential) - anyone who can reach this port can log in as root");
        }
        if (!config.authorizationEnabled()) {
            LOG.warn("event=authentication_disabled: every call is accepted without credentials; {}",
                    config.protectedMode() ? "protected mode serves loopback clients only"
                            : "protected mode is OFF, remote clients are served unauthenticated");
        }
    }

    public int port() {
        return grpc.getPort();
    }

    /** The internal endpoint's port (cluster mode), or -1 when this server has none. */
    public int internalPort() {
        return internal == null ? -1 : internal.port();
    }

    /** Client TCP connections open now (tests; operators see them in the connection log lines). */
    int openConnections() {
        return connections.openConnections();
    }

    ConnectionGuard connections() {
        return connections;
    }

    RequestBudget requestBudget() {
        return budget;
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    @Override
    public void close() {
        if (management != null) {
            management.close();
        }
        if (consoleGateway != null) {
            consoleGateway.close();
        }
        if (rest != null) {
            rest.close();
        }
        if (internal != null) {
            internal.close();
        }
        if (owners != null) {
            owners.close();
        }
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("event=shutdown_forced grace_s=5: calls or connections were still open; closing them now");
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (calls != null) {
                calls.close();
            }
            if (importJobs != null) {
                importJobs.close(); // before the data store: a running job may be writing through it
            }
            try {
                data.close();
            } finally {
                if (objectStorage != null) {
                    objectStorage.close();
                }
                dataExecutors.close();
                if (node != null) {
                    // Ends the session at once, so no other node waits for this one.
                    node.close();
                    coordination.close();
                } else {
                    store.close();
                }
                auditFile.close();
            }
        }
    }
}
