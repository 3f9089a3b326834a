package dev.vectorvault.server;

import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.CredentialPolicy;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.LoginThrottle;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.UserService;
import dev.vectorvault.auth.VerifiedCredentialCache;
import dev.vectorvault.auth.rbac.CredentialDirectory;
import dev.vectorvault.auth.rbac.RbacAccessPolicy;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.query.EntityReader;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.Layouts;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.wal.Durability;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.io.LocalDisk;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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
    /** The data store's background threads: the server owns them and stops them after the store is closed. */
    private final DataExecutors dataExecutors;

    private MilvusServer(Server grpc, MetaStore store, DataStore data, ConnectionGuard connections,
                         RequestBudget budget, EventLoopGroup boss, EventLoopGroup workers,
                         DataExecutors dataExecutors) {
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
        AuditLog audit = new AuditLog(config.throttle().auditIntervalMs(), config.throttle().auditMaxPairs(),
                System::currentTimeMillis);
        CredentialStore credentials = new CredentialStore(store);
        PasswordHasher hasher = new PasswordHasher(config.hash());
        Authenticator authenticator = new Authenticator(credentials, hasher, new VerifiedCredentialCache(),
                new LoginThrottle(config.throttle(), System::currentTimeMillis), audit,
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        CredentialPolicy credentialPolicy = new CredentialPolicy(config.limits());
        Rbac rbac = Rbac.start(config, store, new CredentialDirectory(credentials, credentialPolicy, hasher));
        UserService users = new UserService(credentials, authenticator, hasher, credentialPolicy,
                new RbacAccessPolicy(rbac.decider()), audit, config.superUsers(), rbac.service()::userDeleted);
        users.bootstrapRoot(config.defaultRootPassword());
        HybridClock clock = new HybridClock();
        DataCleanup cleanup = new DataCleanup();
        DataExecutors dataExecutors = new DataExecutors();
        Catalog catalog = new Catalog(store, clock, cleanup);
        DataStore data = DataStore.open(config.dataDir().resolve("data"), config.storage().syncWrites() ? Durability.FSYNC : Durability.OS_BUFFERED, store,
                new Layouts(catalog), config.storage().segmentRows(), DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                new IndexBuildSettings(config.storage().indexBuildThreads(), IndexBuildSettings.DEFAULT_MIN_SEGMENT_ROWS,
                        java.time.Duration.ofMillis(config.storage().indexBuildRetryFirstDelayMs()),
                        java.time.Duration.ofMillis(config.storage().indexBuildRetryMaxDelayMs())),
                dataExecutors);
        cleanup.attach(data);
        // Recovered and told about catalog changes: now its indexes may load and build in the background.
        data.startBackgroundWork();
        CatalogRpc catalogRpc = new CatalogRpc(catalog, new Indexes(catalog), clock, (collectionId, partitionId) ->
                catalog.byId(collectionId).map(c -> data.liveRows(Layouts.of(c), partitionId)).orElse(0L),
                rbac.service(), rbac.visibility());
        catalogRpc.indexProgress(new EntityReader(catalog, data)::indexProgress);
        ExpressionLimits filterLimits = new ExpressionLimits(config.filters().maxLength(), config.filters().maxDepth(),
                config.filters().maxListSize());
        DataRpc dataRpc = new DataRpc(catalog, new EntityWriter(catalog, data, clock, filterLimits),
                new EntityReader(catalog, data, config.search(), filterLimits), data, clock);

        HealthStatusManager health = new HealthStatusManager();
        ServerConfig.EndpointLimits limits = config.endpoint();
        RequestBudget budget = new RequestBudget(limits.maxInflightRecvBytes() > 0 ? limits.maxInflightRecvBytes()
                : Runtime.getRuntime().maxMemory() / 4);
        ConnectionGuard connections = new ConnectionGuard(limits.maxConnectionsPerAddress(),
                limits.unauthenticatedIdleMs());
        // Our own listening channel runs every accept through the connection guard; NIO, so our own event loops.
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("grpc-accept", true), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
                new DefaultThreadFactory("grpc-worker", true), NioIoHandler.newFactory());
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
                .addService(budget.guard(new MilvusServiceAdapter(users, catalogRpc, dataRpc,
                        new RbacRpc(rbac.service(), audit), Instant.now().toString()).bindService()))
                .addService(budget.guard(health.getHealthService().bindService()))
                .addTransportFilter(new ConnectionTracker(authenticator));
        if (limits.maxConnectionIdleMs() > 0) {
            builder.maxConnectionIdle(limits.maxConnectionIdleMs(), TimeUnit.MILLISECONDS);
        }
        if (limits.maxConnectionAgeMs() > 0) {
            builder.maxConnectionAge(limits.maxConnectionAgeMs(), TimeUnit.MILLISECONDS)
                    .maxConnectionAgeGrace(limits.maxConnectionAgeGraceMs(), TimeUnit.MILLISECONDS);
        }
        // The last interceptor added runs first: the call guard, authentication, marking the connection as
        // authenticated, then the privilege check (which needs the caller that authentication found). With
        // authentication off nothing is enforced, so the check is not installed.
        if (config.authorizationEnabled()) {
            builder.intercept(new AuthorizationInterceptor(new RequestPrivileges(), rbac.decider(), catalog,
                    config.rbac().resolveAliasForPrivilege(), audit));
        }
        builder.intercept(connections.authenticatedCalls());
        builder.intercept(new AuthInterceptor(config.authorizationEnabled(), config.protectedMode(), authenticator));
        builder.intercept(new CallGuard(budget, limits.maxSendBytes()));
        if (config.tls().mode() > 0) {
            builder.sslContext(tlsContext(config.tls()));
        }
        // Warnings first: once the port accepts connections, the operator has already been told.
        warnAboutWeakSetup(config, users);
        Server grpc;
        try {
            grpc = builder.build().start();
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("event=started port={} authorizationEnabled={} tlsMode={} dataDir={}", grpc.getPort(),
                config.authorizationEnabled(), config.tls().mode(), config.dataDir().toAbsolutePath());
        return new MilvusServer(grpc, store, data, connections, budget, boss, workers, dataExecutors);
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
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            try {
                data.close();
            } finally {
                dataExecutors.close();
                store.close();
            }
        }
    }
}
