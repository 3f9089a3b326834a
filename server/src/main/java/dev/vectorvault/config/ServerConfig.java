package dev.vectorvault.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting the server reads, validated once at start-up. Key names are Milvus's where Milvus has the setting;
 * keys of our own are documented in the README.
 */
public record ServerConfig(
        int port,
        Path dataDir,
        boolean authorizationEnabled,
        Secret defaultRootPassword,
        Set<String> superUsers,
        boolean protectedMode,
        CredentialLimits limits,
        HashSettings hash,
        ThrottleSettings throttle,
        TlsSettings tls,
        StorageSettings storage,
        RbacKeys rbac,
        FilterLimits filters,
        EndpointLimits endpoint,
        SearchLimits search,
        ClusterSettings cluster,
        ObjectStorageSettings objectStorage,
        int metricsPort,
        MessageQueueSettings mq,
        AuditLogSettings auditLog,
        HttpSettings http,
        WebUiSettings webui,
        int maxShardNum,
        ObjectGcSettings objectGc,
        CompactionSettings compaction,
        long entityExpirationSeconds,
        int maxResourceGroups,
        int maxEtcdTxnNum,
        ImportSettings bulkImport) {

    /**
     * Bulk import (Import, REST {@code /v2/vectordb/jobs/import/*}). Files are keys under {@code root}
     * ({@code localStorage.importPath}, ours; default {@code <localStorage.path>/import}). Milvus's keys bound a request's
     * file count ({@code dataCoord.import.maxImportFileNumPerReq}), the jobs not yet finished
     * ({@code dataCoord.import.maxImportJobNum}), the jobs running at once ({@code dataNode.import.maxConcurrentTaskNum}),
     * one file's size ({@code dataNode.import.maxImportFileSizeInGB}), the rows held per batch
     * ({@code dataNode.import.readBufferSizeInMB}) and how long a finished job stays listed
     * ({@code dataCoord.import.taskRetention}, seconds). Ours: the free space a job's staged copies must leave on the
     * data folder's disk, which the write-ahead log needs ({@code dataNode.import.diskHeadroomInMB}), and the largest
     * Parquet row group a job reads, compressed, since a whole row group is held in memory
     * ({@code dataNode.import.maxParquetRowGroupSizeInMB}), and how long a clean stop waits for running jobs to reach
     * a batch boundary before it interrupts them ({@code dataNode.import.gracefulStopTimeout}, seconds).
     */
    public record ImportSettings(Path root, int maxFilesPerRequest, int maxUnfinishedJobs, int concurrentJobs,
                                 long maxFileBytes, long batchBytes, long retentionMs, long diskHeadroomBytes,
                                 long maxRowGroupBytes, long stopWaitMs) {}

    /**
     * When flushed segments are rewritten without deleted and expired rows, with Milvus's {@code dataCoord.compaction.*}
     * keys: whether expired rows are compacted away in the background ({@code enableAutoCompaction}), how often that
     * looks ({@code global.interval}, seconds in the file, kept here in milliseconds), and the share of deleted or
     * expired rows that makes a segment worth rewriting ({@code single.ratio.threshold}).
     */
    public record CompactionSettings(boolean background, long intervalMs, double ratioThreshold) {}

    /**
     * Garbage collection of sealed objects (segment, tombstone and index files no manifest names any more), with
     * Milvus's {@code dataCoord.gc.*} keys: how often the collector runs ({@code interval}), how long an object a
     * manifest named stays after it stopped naming it ({@code dropTolerance}), and how long an object no manifest
     * ever named (left by an interrupted checkpoint) stays ({@code missingTolerance}); seconds in the file, kept here
     * in milliseconds.
     */
    public record ObjectGcSettings(long intervalMs, long dropToleranceMs, long missingToleranceMs) {}

    /**
     * The web console on the management port ({@code proxy.webui.enabled}, Milvus 2.5's key, default on): how long a
     * console session may sit idle, how many sessions may exist at once, and how many recent audit events it keeps
     * in memory for administrators (ours).
     */
    public record WebUiSettings(boolean enabled, long sessionIdleTimeoutMs, int maxSessions, int auditRingSize) {}

    /**
     * The audit trail's own rolling file ({@code proxy.auditLog.*}, ours, shaped like Milvus's
     * {@code proxy.accessLog.*}): on or off, where, the line format, and the bounds that keep it from filling a disk
     * (a file rolls daily and at {@code maxSizeMB}; files older than {@code maxDays} or beyond {@code maxTotalSizeMB}
     * together are deleted).
     */
    public record AuditLogSettings(boolean enabled, Path directory, String fileName, boolean json, int maxSizeMB,
                                   int maxDays, int maxTotalSizeMB) {
        public static final AuditLogSettings OFF = new AuditLogSettings(false, Path.of("."), "audit.log", false, 64,
                30, 1024);
    }

    /**
     * The RESTful API v2 ({@code proxy.http.enabled}, Milvus's key): served on the gRPC port unless
     * {@code proxy.http.port} names another one (Milvus's key; 0 = the gRPC port). Body size and keep-alive timeout
     * are ours ({@code proxy.http.maxRequestBodyBytes}, {@code proxy.http.keepAliveTimeoutMs}; 0 = none). Whether
     * 64-bit integers go out as JSON numbers when a request has no {@code Accept-Type-Allow-Int64} header is Milvus's
     * {@code proxy.http.acceptTypeAllowInt64}.
     */
    public record HttpSettings(boolean enabled, int port, int maxRequestBodyBytes, long keepAliveTimeoutMs,
                               boolean acceptTypeAllowInt64) {
        /** Whether REST has its own port rather than sharing the gRPC one. */
        public boolean separatePort(int grpcPort) {
            return port != 0 && port != grpcPort;
        }
    }

    /**
     * Milvus's RBAC keys: root under RBAC, public's default grants, the role limit, name rules, the longest role
     * description, and whether an alias is checked as its collection.
     */
    public record RbacKeys(boolean rootShouldBindRole, boolean enablePublicPrivilege, int maxRoles,
                           int maxNameLength, int maxRoleDescriptionLength, String roleNameAllowedChars,
                           String nameAllowedChars,
                           boolean resolveAliasForPrivilege, Map<String, String> groupOverrides) {
        /**
         * The keys that redefine a built-in privilege group (a comma-separated list of privilege names), and the group
         * each one redefines: Milvus's v1 groups ({@code common.security.readonly.privileges}, ...) and v2 groups
         * ({@code common.security.rbac.collection.readonly.privileges}, ...).
         */
        public static final Map<String, String> GROUP_KEYS = groupKeys();

        public RbacKeys {
            groupOverrides = Map.copyOf(groupOverrides);
        }

        private static Map<String, String> groupKeys() {
            Map<String, String> keys = new java.util.LinkedHashMap<>();
            keys.put("common.security.readonly.privileges", "ReadOnly");
            keys.put("common.security.readwrite.privileges", "ReadWrite");
            keys.put("common.security.admin.privileges", "Admin");
            for (String level : new String[] {"Cluster", "Database", "Collection"}) {
                for (String kind : new String[] {"ReadOnly", "ReadWrite", "Admin"}) {
                    keys.put("common.security.rbac." + level.toLowerCase() + "." + kind.toLowerCase() + ".privileges",
                            level + kind);
                }
            }
            return java.util.Collections.unmodifiableMap(keys);
        }
    }

    /** Length limits for user names and passwords (Milvus's {@code proxy.*} keys). */
    public record CredentialLimits(int maxUsernameLength, int minPasswordLength, int maxPasswordLength, int maxUserNum) {}

    /**
     * Argon2id cost parameters for new hashes; stored hashes carry their own, which must stay within the limits
     * (ours: {@code common.security.argon2.max*}, {@code common.security.bcrypt.maxCost}) to be restored or verified.
     */
    public record HashSettings(int memoryKiB, int iterations, int parallelism,
                               int maxMemoryKiB, int maxIterations, int maxParallelism, int maxBcryptCost) {
        /** The default limits, raised where needed to admit the given parameters. */
        public HashSettings(int memoryKiB, int iterations, int parallelism) {
            this(memoryKiB, iterations, parallelism, Math.max(262_144, memoryKiB), Math.max(16, iterations),
                    Math.max(16, parallelism), 14);
        }
    }

    /** Growing delays after failed logins, per user and per client address. */
    public record ThrottleSettings(
            boolean enabled,
            int userFreeFailures,
            int addressFreeFailures,
            long baseDelayMs,
            long maxDelayMs,
            long forgetAfterMs,
            long auditIntervalMs,
            int auditMaxPairs) {
        /** With the default aggregation of throttled-login audit lines (one minute, 100 pairs). */
        public ThrottleSettings(boolean enabled, int userFreeFailures, int addressFreeFailures, long baseDelayMs,
                                long maxDelayMs, long forgetAfterMs) {
            this(enabled, userFreeFailures, addressFreeFailures, baseDelayMs, maxDelayMs, forgetAfterMs, 60_000, 100);
        }
    }

    /**
     * How collection data is kept: whether each write waits for its log record to be forced to disk, rows per
     * segment, how many threads build a sealed segment's ANN index (ours: {@code indexNode.buildThreads}), and how
     * long a failed index build waits before it is tried again, doubling per failure up to a maximum (ours:
     * {@code indexNode.buildRetry.firstDelayMs}, {@code indexNode.buildRetry.maxDelayMs}).
     */
    public record StorageSettings(boolean syncWrites, int segmentRows, int indexBuildThreads,
                                  long indexBuildRetryFirstDelayMs, long indexBuildRetryMaxDelayMs,
                                  int checkpointMB) {
        /** The log volume after which a checkpoint starts by itself ({@code localStorage.checkpointMB}). */
        public long checkpointBytes() {
            return (long) checkpointMB << 20;
        }
    }

    /**
     * Bounds on filter expressions: length in characters ({@code proxy.maxExpressionLength}), nesting depth
     * ({@code proxy.maxExpressionDepth}) and elements per list or template array ({@code proxy.maxExpressionListSize}).
     */
    public record FilterLimits(int maxLength, int maxDepth, int maxListSize) {}

    /**
     * What one client can make the gRPC endpoint hold: message sizes (Milvus's {@code proxy.grpc.serverMaxRecvSize},
     * {@code serverMaxSendSize}), the heap all requests may take while parsed and handled, and connection limits
     * (ours, {@code proxy.grpc.*}). Durations in milliseconds, 0 = no limit where the README says so. Where calls run:
     * the bounded pool's threads ({@code proxy.grpc.callThreads}, 0 = twice the cores, at least 8) and the estimated
     * work up to which a cheap call runs on its transport thread ({@code proxy.grpc.inlineCostLimit}, 0 = never);
     * whether the port's event loops use Netty's native epoll transport where it loads
     * ({@code proxy.grpc.nativeTransport}; the JDK's NIO otherwise).
     */
    public record EndpointLimits(int maxRecvBytes, int maxSendBytes, long maxInflightRecvBytes,
                                 int maxConnectionsPerAddress, long unauthenticatedIdleMs, long handshakeTimeoutMs,
                                 long maxConnectionIdleMs, long maxConnectionAgeMs, long maxConnectionAgeGraceMs,
                                 int callThreads, long inlineCostLimit, boolean nativeTransport) {
        /** The pool's size: {@code callThreads}, or twice the cores (at least 8) when it is 0. */
        public int callPoolThreads() {
            return callThreads > 0 ? callThreads : Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * Milvus's search limits ({@code quotaAndLimits.limits.nq}, {@code .topK}, {@code .maxQueryResultWindow}) and the
     * cost of one search, nq x (topk + offset) result entries ({@code proxy.maxResultEntries}; Milvus has no limit by
     * default, we do). Checks carry Milvus's messages, code 1100.
     */
    public record SearchLimits(int maxNq, int maxTopK, int maxQueryResultWindow, long maxResultEntries,
                               int maxGroupSize, int maxHighlightFragments, long maxHighlightChars) {
        public static final SearchLimits MILVUS_DEFAULTS = new SearchLimits(16_384, 16_384, 16_384, 1_000_000);
        /** Ours (Milvus bounds neither): {@code proxy.highlighter.maxNumOfFragments}, {@code maxResultChars}. */
        public static final int DEFAULT_MAX_HIGHLIGHT_FRAGMENTS = 100;
        public static final long DEFAULT_MAX_HIGHLIGHT_CHARS = 16L << 20;

        /** With Milvus's group size limit ({@code quotaAndLimits.limits.maxGroupSize}, 10). */
        public SearchLimits(int maxNq, int maxTopK, int maxQueryResultWindow, long maxResultEntries) {
            this(maxNq, maxTopK, maxQueryResultWindow, maxResultEntries, 10);
        }

        /** With the default highlighter bounds. */
        public SearchLimits(int maxNq, int maxTopK, int maxQueryResultWindow, long maxResultEntries,
                            int maxGroupSize) {
            this(maxNq, maxTopK, maxQueryResultWindow, maxResultEntries, maxGroupSize,
                    DEFAULT_MAX_HIGHLIGHT_FRAGMENTS, DEFAULT_MAX_HIGHLIGHT_CHARS);
        }

        /** nq is checked before the query vectors are decoded. */
        public void checkNq(long nq) {
            if (nq <= 0 || nq > maxNq) {
                throw dev.vectorvault.common.MilvusException.invalidParameterAsIs("nq [" + nq + "] is invalid, nq"
                        + " (number of search vector per search request) should be in range [1, " + maxNq
                        + "], but got " + nq);
            }
        }

        /** topk, offset, their sum, and the result entries of the whole search. */
        public void checkSearch(long nq, long topK, long offset) {
            checkNq(nq);
            if (topK <= 0 || topK > maxTopK) {
                throw dev.vectorvault.common.MilvusException.invalidParameterAsIs("topk [" + topK + "] is invalid,"
                        + " it should be in range [1, " + maxTopK + "], but got " + topK);
            }
            if (offset < 0) {
                throw dev.vectorvault.common.MilvusException.invalidParameterAsIs("offset [" + offset
                        + "] is invalid, should be gte than 0");
            }
            long window = topK + offset;
            if (window > maxQueryResultWindow) {
                throw dev.vectorvault.common.MilvusException.invalidParameterAsIs("offset+topk [" + window
                        + "] is invalid, (offset+limit) should be in range [1, " + maxQueryResultWindow
                        + "], but got " + window);
            }
            if (maxResultEntries > 0 && nq * window > maxResultEntries) {
                throw dev.vectorvault.common.MilvusException.invalidParameterAsIs("number of result entries is too"
                        + " large: nq [" + nq + "] x (topk + offset) [" + window + "] = " + nq * window
                        + " is more than proxy.maxResultEntries [" + maxResultEntries + "]");
            }
        }
    }

    /**
     * Cluster mode: metadata in etcd ({@code etcd.*}, Milvus's keys), node sessions under a lease of
     * {@code common.session.ttl} seconds, and the internal port other nodes forward a collection's data calls to
     * ({@code cluster.forwardTimeoutMs} bounds such a call when its client set no deadline).
     * Empty {@code etcd.endpoints} keeps the embedded store (the default).
     */
    public record ClusterSettings(java.util.List<String> etcdEndpoints, String rootPath, String metaSubPath,
                                  String kvSubPath, long requestTimeoutMs, boolean etcdAuth, String etcdUser,
                                  Secret etcdPassword, boolean etcdTls, Path tlsCert, Path tlsKey, Path tlsCaCert,
                                  String tlsMinVersion, int sessionTtlSeconds, String advertiseHost,
                                  int internalPort, long changeAckTimeoutMs, long forwardTimeoutMs,
                                  long gracefulTimeMs, long consistencyWaitMs) {
        public boolean enabled() {
            return !etcdEndpoints.isEmpty();
        }

        /** Where every metadata key of this instance lives in etcd: {@code <rootPath>/<metaSubPath>}. */
        public String metaRoot() {
            return rootPath + "/" + metaSubPath;
        }

        public String kvRoot() {
            return rootPath + "/" + kvSubPath;
        }
    }

    /**
     * The shard log: Milvus's {@code mq.type} ({@code default} keeps the local write-ahead log; {@code kafka} puts each
     * collection's shards on Kafka) with the {@code kafka.*} client keys, Milvus's channel naming
     * ({@code msgChannel.chanNamePrefix.*}, {@code rootCoord.dmlChannelNum}), {@code kafka.readTimeout} (seconds in
     * the file, kept here in milliseconds) bounding every call to the brokers, and {@code kafka.transactionTimeout}
     * (ours, seconds): the writers' transaction timeout, after which the brokers abort an append left open;
     * {@code kafka.groupCommit.maxWrites} (ours): the most client writes of one collection that one Kafka transaction
     * carries, which also bounds how many wait for the next transaction; {@code kafka.transactionsInFlight} (ours):
     * how many such transactions of one collection may be in flight at once; {@code kafka.maxMessageSize} (bytes; named
     * after Milvus's {@code pulsar.maxMessageSize}): the largest record a writer sends, a write's part for one shard
     * being cut into several records of one transaction when larger (the brokers' {@code message.max.bytes} must
     * allow it).
     */
    public record MessageQueueSettings(String type, java.util.List<String> brokerList, String securityProtocol,
                                       String saslMechanism, String saslUsername, Secret saslPassword,
                                       boolean sslEnabled, Path tlsCert, Path tlsKey, Path tlsCaCert,
                                       Secret tlsKeyPassword, long readTimeoutMs, long transactionTimeoutMs,
                                       int groupCommitMaxWrites, long groupCommitGatherMs, int transactionsInFlight,
                                       int maxMessageBytes,
                                       String clusterPrefix, String dmlPrefix, int dmlChannelNum) {
        /**
         * The bound of {@code kafka.transactionsInFlight}. A writer fences every lane up to it whatever its own
         * count, so it may grow in later versions but never shrink.
         */
        public static final int MAX_TRANSACTIONS_IN_FLIGHT = 4;
        /** Milvus's message queue types; only {@code default} and {@code kafka} are served. */
        public static final Set<String> MILVUS_TYPES = Set.of("default", "kafka", "pulsar", "rocksmq", "woodpecker",
                "natsmq");
        public static final Set<String> SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT",
                "SASL_SSL");
        public static final Set<String> SASL_MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

        public boolean kafka() {
            return type.equals("kafka");
        }

        public boolean sasl() {
            return !saslUsername.isEmpty();
        }

        /** The physical channel prefix: {@code <msgChannel.chanNamePrefix.cluster>-<...rootCoordDml>}. */
        public String pchannelPrefix() {
            return clusterPrefix + "-" + dmlPrefix;
        }

        @Override
        public String toString() {
            // Spelled out so that no future component can leak a secret through the record's generated toString.
            return "MessageQueueSettings[type=" + type + ", brokerList=" + brokerList + ", securityProtocol="
                    + securityProtocol + ", saslMechanism=" + saslMechanism + ", sasl=" + sasl() + ", sslEnabled="
                    + sslEnabled + ", readTimeoutMs=" + readTimeoutMs + ", transactionTimeoutMs=" + transactionTimeoutMs
                    + ", groupCommitMaxWrites=" + groupCommitMaxWrites + ", groupCommitGatherMs=" + groupCommitGatherMs
                    + ", transactionsInFlight="
                    + transactionsInFlight + ", maxMessageBytes=" + maxMessageBytes
                    + ", pchannelPrefix=" + pchannelPrefix()
                    + ", dmlChannelNum=" + dmlChannelNum + "]";
        }
    }

    /**
     * Where sealed segments, tombstones and index files live ({@code common.storageType}): {@code local} (ours, the
     * default) keeps them in {@code localStorage.path}; {@code remote} puts them in an S3-compatible bucket
     * ({@code minio.*}, Milvus's keys; {@code minio.cloudProvider} {@code aws} = any SigV4 S3: AWS, MinIO, Ceph RGW)
     * under {@code <minio.rootPath>/}. The write-ahead log always stays in {@code localStorage.path}, and so does a
     * bounded copy of segment and index objects ({@code localStorage.objectCacheMB}, ours; 0 = none).
     */
    public record ObjectStorageSettings(String storageType, String address, int port, String accessKeyId,
                                        Secret secretAccessKey, boolean useSsl, String bucketName, String rootPath,
                                        String region, boolean useVirtualHost, String cloudProvider,
                                        long requestTimeoutMs, long objectCacheMB) {
        public static final String LOCAL = "local";
        public static final String REMOTE = "remote";

        public boolean remote() {
            return REMOTE.equals(storageType);
        }

        /** {@code http(s)://address:port}; an address given with a scheme or a port keeps them. */
        public String endpoint() {
            String host = address;
            if (host.startsWith("http://") || host.startsWith("https://")) {
                return host;
            }
            String withPort = host.contains(":") && !host.startsWith("[") ? host : host + ":" + port;
            return (useSsl ? "https://" : "http://") + withPort;
        }

        @Override
        public String toString() {
            // The record's own toString would be safe too (Secret redacts itself); spelled out so it stays so.
            return "ObjectStorageSettings[storageType=" + storageType + ", endpoint=" + endpoint() + ", bucket="
                    + bucketName + ", rootPath=" + rootPath + ", region=" + region + ", useVirtualHost="
                    + useVirtualHost + ", cloudProvider=" + cloudProvider + ", requestTimeoutMs="
                    + requestTimeoutMs + ", objectCacheMB=" + objectCacheMB + ", accessKeyID="
                    + (accessKeyId.isEmpty() ? "" : "[set]") + ", secretAccessKey=" + secretAccessKey + "]";
        }
    }

    /**
     * Milvus's {@code common.security.tlsMode}: 0 plaintext, 1 server certificate, 2 mutual TLS. Whether the
     * management port (9091) also serves HTTPS with the server certificate is ours
     * ({@code common.security.tlsManagementPort}, off by default: Milvus's 9091 is plain HTTP and probes and scrape
     * jobs written for it say {@code http}).
     */
    public record TlsSettings(int mode, Path serverPem, Path serverKey, Path caPem, boolean managementPort) {}

    public static final String DEFAULT_ROOT_PASSWORD = "Milvus";

    public static ServerConfig defaults() {
        return fromFlatKeys(Map.of());
    }

    public static ServerConfig fromFlatKeys(Map<String, String> keys) {
        Values v = new Values(keys);
        int port = v.intIn("proxy.port", 19530, 0, 65535);
        Path dataDir = Path.of(v.string("localStorage.path", "./data"));
        boolean auth = v.bool("common.security.authorizationEnabled", false);
        String rootPassword = v.string("common.security.defaultRootPassword", DEFAULT_ROOT_PASSWORD);
        Set<String> superUsers = Arrays.stream(v.string("common.security.superUsers", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        boolean protectedMode = v.bool("common.security.protectedMode", true);

        int maxUser = v.intIn("proxy.maxUsernameLength", 32, 1, 32);
        int minPw = v.intIn("proxy.minPasswordLength", 6, 1, 4096);
        int maxPw = v.intIn("proxy.maxPasswordLength", 256, 1, 4096);
        if (minPw > maxPw) {
            throw new ConfigException("proxy.minPasswordLength", "must not exceed proxy.maxPasswordLength (" + maxPw + ")");
        }
        int rootLength = rootPassword.codePointCount(0, rootPassword.length());
        if (rootLength < minPw || rootLength > maxPw) {
            throw new ConfigException("common.security.defaultRootPassword",
                    "must be " + minPw + " to " + maxPw + " characters long");
        }
        int maxUserNum = v.intIn("proxy.maxUserNum", 100, 1, 1_000_000);
        CredentialLimits limits = new CredentialLimits(maxUser, minPw, maxPw, maxUserNum);

        // OWASP's minimum for Argon2id is m=19 MiB, t=2, p=1; lower values are refused.
        int memoryKiB = v.intIn("common.security.argon2.memoryKiB", 19_456, 19_456, 4_194_304);
        int iterations = v.intIn("common.security.argon2.iterations", 2, 2, 100);
        int parallelism = v.intIn("common.security.argon2.parallelism", 1, 1, 64);
        // Bounds on the cost of stored hashes (restored or read at login), each at least the configured cost.
        HashSettings hash = new HashSettings(memoryKiB, iterations, parallelism,
                v.intIn("common.security.argon2.maxMemoryKiB", Math.max(262_144, memoryKiB), memoryKiB, 4_194_304),
                v.intIn("common.security.argon2.maxIterations", Math.max(16, iterations), iterations, 100),
                v.intIn("common.security.argon2.maxParallelism", Math.max(16, parallelism), parallelism, 64),
                v.intIn("common.security.bcrypt.maxCost", 14, 4, 31));

        long maxDelay = v.longIn("common.security.loginThrottle.maxDelayMs", 30_000, 0, 86_400_000);
        ThrottleSettings throttle = new ThrottleSettings(
                v.bool("common.security.loginThrottle.enabled", true),
                v.intIn("common.security.loginThrottle.userFreeFailures", 5, 0, 1_000_000),
                v.intIn("common.security.loginThrottle.addressFreeFailures", 20, 0, 1_000_000),
                v.longIn("common.security.loginThrottle.baseDelayMs", 1_000, 0, maxDelay),
                maxDelay,
                v.longIn("common.security.loginThrottle.forgetAfterMs", 900_000, 1, 86_400_000L * 30),
                v.longIn("common.security.loginThrottle.auditIntervalMs", 60_000, 1_000, 86_400_000),
                v.intIn("common.security.loginThrottle.auditMaxPairs", 100, 1, 100_000));

        int tlsMode = v.intIn("common.security.tlsMode", 0, 0, 2);
        TlsSettings tls = new TlsSettings(
                tlsMode,
                Path.of(v.string("tls.serverPemPath", "configs/cert/server.pem")),
                Path.of(v.string("tls.serverKeyPath", "configs/cert/server.key")),
                Path.of(v.string("tls.caPemPath", "configs/cert/ca.pem")),
                v.bool("common.security.tlsManagementPort", false));
        if (tls.managementPort() && tlsMode == 0) {
            throw new ConfigException("common.security.tlsManagementPort", "needs TLS on (common.security.tlsMode 1"
                    + " or 2, with tls.serverPemPath and tls.serverKeyPath)");
        }
        if (tlsMode >= 1) {
            v.requireReadable("tls.serverPemPath", tls.serverPem());
            v.requireReadable("tls.serverKeyPath", tls.serverKey());
        }
        if (tlsMode == 2) {
            v.requireReadable("tls.caPemPath", tls.caPem());
        }
        long retryFirstDelay = v.longIn("indexNode.buildRetry.firstDelayMs", 1_000, 1, 86_400_000);
        StorageSettings storage = new StorageSettings(v.bool("localStorage.syncWrites", true),
                v.intIn("localStorage.segmentRows", 65_536, 16, 10_000_000),
                v.intIn("indexNode.buildThreads", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1,
                        1024),
                retryFirstDelay,
                v.longIn("indexNode.buildRetry.maxDelayMs", Math.max(300_000, retryFirstDelay), retryFirstDelay,
                        86_400_000),
                v.intIn("localStorage.checkpointMB", 256, 1, 1 << 20));
        // The legacy proxy.enablePublicPrivilege=false switches public's default grants off, as in Milvus.
        boolean publicPrivilege = v.bool("common.security.enablePublicPrivilege", true)
                && v.bool("proxy.enablePublicPrivilege", true);
        RbacKeys rbac = new RbacKeys(
                v.bool("common.security.rootShouldBindRole", false),
                publicPrivilege,
                v.intIn("proxy.maxRoleNum", 10, 2, 100_000),
                v.intIn("proxy.maxNameLength", 255, 1, 65_535),
                v.intIn("proxy.maxRoleDescriptionLength", 1024, 0, 65_535),
                v.string("proxy.roleNameValidation.allowedChars", "$"),
                v.string("proxy.nameValidation.allowedChars", "$"),
                v.bool("proxy.resolveAliasForPrivilege", true),
                RbacKeys.GROUP_KEYS.keySet().stream().filter(keys::containsKey)
                        .collect(Collectors.toMap(k -> k, keys::get)));
        // Milvus 2.6 bounds filters only through the message size; these keep one filter's cost and stack bounded.
        FilterLimits filters = new FilterLimits(
                v.intIn("proxy.maxExpressionLength", 1 << 20, 1, Integer.MAX_VALUE),
                v.intIn("proxy.maxExpressionDepth", 100, 1, 1_000),
                v.intIn("proxy.maxExpressionListSize", 100_000, 1, Integer.MAX_VALUE));
        EndpointLimits endpoint = new EndpointLimits(
                v.intIn("proxy.grpc.serverMaxRecvSize", 64 << 20, 1024, Integer.MAX_VALUE),
                v.intIn("proxy.grpc.serverMaxSendSize", 256 << 20, 1024, Integer.MAX_VALUE),
                // 0: a quarter of the maximum heap, what a parsed request may take at most all together.
                v.longIn("proxy.grpc.maxInflightRecvBytes", 0, 0, Long.MAX_VALUE),
                v.intIn("proxy.grpc.maxConnectionsPerAddress", 256, 0, 1_000_000),
                v.longIn("proxy.grpc.unauthenticatedIdleTimeoutMs", 30_000, 0, 86_400_000),
                v.longIn("proxy.grpc.handshakeTimeoutMs", 20_000, 100, 3_600_000),
                v.longIn("proxy.grpc.maxConnectionIdleMs", 0, 0, Long.MAX_VALUE),
                v.longIn("proxy.grpc.maxConnectionAgeMs", 3_600_000, 0, Long.MAX_VALUE),
                v.longIn("proxy.grpc.maxConnectionAgeGraceMs", 60_000, 0, Long.MAX_VALUE),
                v.intIn("proxy.grpc.callThreads", 0, 0, 4_096),
                v.longIn("proxy.grpc.inlineCostLimit", 4_000_000, 0, Long.MAX_VALUE),
                v.bool("proxy.grpc.nativeTransport", false));
        SearchLimits search = new SearchLimits(
                v.intIn("quotaAndLimits.limits.nq", 16_384, 1, 1_000_000),
                v.intIn("quotaAndLimits.limits.topK", 16_384, 1, 1_000_000),
                v.intIn("quotaAndLimits.limits.maxQueryResultWindow", 16_384, 1, 1_000_000),
                // Milvus: -1 (no limit); ours 1,000,000 nq x (topk + offset) entries. -1 or 0 switches it off.
                v.longIn("proxy.maxResultEntries", 1_000_000, -1, Long.MAX_VALUE),
                v.intIn("quotaAndLimits.limits.maxGroupSize", 10, 1, 1_000),
                // Ours: a highlighted search's fragments per text, and all its fragments' characters together
                // (-1 or 0 switches the latter off).
                v.intIn("proxy.highlighter.maxNumOfFragments", SearchLimits.DEFAULT_MAX_HIGHLIGHT_FRAGMENTS, 0,
                        1_000_000),
                v.longIn("proxy.highlighter.maxResultChars", SearchLimits.DEFAULT_MAX_HIGHLIGHT_CHARS, -1,
                        Long.MAX_VALUE));
        java.util.List<String> endpoints = Arrays.stream(v.string("etcd.endpoints", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        boolean etcdAuth = v.bool("etcd.auth.enabled", false);
        boolean etcdTls = v.bool("etcd.ssl.enabled", false);
        ClusterSettings cluster = new ClusterSettings(endpoints,
                trimSlashes(v.string("etcd.rootPath", "by-dev")),
                trimSlashes(v.string("etcd.metaSubPath", "meta")),
                trimSlashes(v.string("etcd.kvSubPath", "kv")),
                v.longIn("etcd.requestTimeout", 10_000, 100, 600_000),
                etcdAuth, v.string("etcd.auth.userName", ""), new Secret(v.string("etcd.auth.password", "")),
                etcdTls,
                Path.of(v.string("etcd.ssl.tlsCert", "")), Path.of(v.string("etcd.ssl.tlsKey", "")),
                Path.of(v.string("etcd.ssl.tlsCACert", "")), v.string("etcd.ssl.tlsMinVersion", "1.3"),
                v.intIn("common.session.ttl", 30, 2, 3_600),
                v.string("proxy.ip", "127.0.0.1"),
                v.intIn("proxy.internalPort", 19529, 0, 65535),
                // How long a change waits for a node that holds its lease but has not applied the change before
                // revoking that node's lease (it then refuses calls until it has caught up).
                v.longIn("cluster.changeAckTimeoutMs", 5_000, 100, 600_000),
                // How long a call forwarded to a collection's owner may take when the client set no deadline (a
                // client's own deadline always applies instead): a hung owner must not hold the call forever.
                v.longIn("cluster.forwardTimeoutMs", 120_000, 100, 86_400_000),
                // Bounded consistency on a follower replica: how far behind the shard log it may answer (Milvus's key).
                v.longIn("common.gracefulTime", 5_000, 0, 86_400_000),
                // How long a Strong (or Session) read on a follower replica waits to catch up before it fails.
                v.longIn("cluster.consistencyWaitMs", 10_000, 100, 600_000));
        if (cluster.enabled() && etcdAuth && cluster.etcdUser().isEmpty()) {
            throw new ConfigException("etcd.auth.userName", "must be set when etcd.auth.enabled is true");
        }
        if (cluster.enabled() && etcdTls) {
            v.requireReadable("etcd.ssl.tlsCACert", cluster.tlsCaCert());
        }
        if (!cluster.tlsMinVersion().equals("1.2") && !cluster.tlsMinVersion().equals("1.3")) {
            throw new ConfigException("etcd.ssl.tlsMinVersion", "expected 1.2 or 1.3, got '"
                    + cluster.tlsMinVersion() + "'");
        }
        // Milvus's management port: /healthz and /metrics. A server on an ephemeral gRPC port (tests, benchmarks)
        // gets an ephemeral management port unless one is named; -1 switches it off.
        int metricsPort = v.intIn("common.metricsPort", port == 0 ? 0 : 9091, -1, 65535);
        return new ServerConfig(port, dataDir, auth, new Secret(rootPassword), superUsers, protectedMode,
                limits, hash, throttle, tls, storage, rbac, filters, endpoint,
                search, cluster, readObjectStorage(v), metricsPort, messageQueue(v, cluster.enabled()),
                readAuditLog(v, dataDir),
                new HttpSettings(v.bool("proxy.http.enabled", true),
                        v.intIn("proxy.http.port", 0, 0, 65535),
                        v.intIn("proxy.http.maxRequestBodyBytes", 64 << 20, 1024, Integer.MAX_VALUE),
                        v.longIn("proxy.http.keepAliveTimeoutMs", 60_000, 0, 86_400_000),
                        v.bool("proxy.http.acceptTypeAllowInt64", true)),
                new WebUiSettings(v.bool("proxy.webui.enabled", true),
                        v.longIn("proxy.webui.sessionIdleTimeoutMs", 900_000, 1_000, 86_400_000),
                        v.intIn("proxy.webui.maxSessions", 1000, 1, 100_000),
                        v.intIn("proxy.webui.auditRingSize", 1000, 10, 100_000)),
                // Milvus's cap on CreateCollection's shards_num (proxy.maxShardNum, 16).
                v.intIn("proxy.maxShardNum", 16, 1, 1_024),
                new ObjectGcSettings(v.longIn("dataCoord.gc.interval", 3_600, 1, 604_800) * 1000,
                        v.longIn("dataCoord.gc.dropTolerance", 10_800, 0, 31_536_000) * 1000,
                        v.longIn("dataCoord.gc.missingTolerance", 86_400, 0, 31_536_000) * 1000),
                new CompactionSettings(v.bool("dataCoord.compaction.enableAutoCompaction", true),
                        v.longIn("dataCoord.compaction.global.interval", 60, 1, 604_800) * 1000,
                        v.fractionBelowOne("dataCoord.compaction.single.ratio.threshold", 0.2)),
                // Milvus's default TTL of collections without collection.ttl.seconds; -1 (or 0): none. The same
                // range as the collection property.
                v.longIn("common.entityExpiration", -1, -1, 3_155_760_000L),
                // Milvus's cap on resource groups, the default group included.
                v.intIn("quotaAndLimits.limits.maxResourceGroupNumOfQueryNode", 1024, 1, 1_000_000),
                // Milvus's bound on the keys of one metadata transaction (64); etcd refuses more than its
                // --max-txn-ops (128 by default). An update writes all its groups in one transaction, so it names at
                // most this many. At least 2: TransferNode writes two groups.
                v.intIn("metastore.maxEtcdTxnNum", 64, 2, 100_000),
                readImport(v, dataDir));
    }

    private static ImportSettings readImport(Values v, Path dataDir) {
        Path root = Path.of(v.string("localStorage.importPath", dataDir.resolve("import").toString()));
        // Imports read whatever lies under the root: the server's own files (log, metadata) must not.
        if (dataDir.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
            throw new ConfigException("localStorage.importPath", "must not be localStorage.path or a folder above"
                    + " it: imports could then read the server's own files");
        }
        return new ImportSettings(root,
                v.intIn("dataCoord.import.maxImportFileNumPerReq", 1024, 1, 1_000_000),
                v.intIn("dataCoord.import.maxImportJobNum", 1024, 1, 1_000_000),
                v.intIn("dataNode.import.maxConcurrentTaskNum", 2, 1, 256),
                (long) (v.positive("dataNode.import.maxImportFileSizeInGB", 16) * (1L << 30)),
                v.longIn("dataNode.import.readBufferSizeInMB", 16, 1, 4096) << 20,
                v.longIn("dataCoord.import.taskRetention", 10_800, 1, 31_536_000) * 1000,
                v.longIn("dataNode.import.diskHeadroomInMB", 1024, 0, 1L << 30) << 20,
                v.longIn("dataNode.import.maxParquetRowGroupSizeInMB", 512, 1, 1L << 20) << 20,
                v.longIn("dataNode.import.gracefulStopTimeout", 5, 0, 3_600) * 1000);
    }

    private static AuditLogSettings readAuditLog(Values v, Path dataDir) {
        String format = v.string("proxy.auditLog.format", "text").trim().toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException("proxy.auditLog.format", "expected text or json, got '" + format + "'");
        }
        String fileName = v.string("proxy.auditLog.filename", "audit.log").trim();
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new ConfigException("proxy.auditLog.filename", "must be a plain file name, got '" + fileName + "'");
        }
        int maxSize = v.intIn("proxy.auditLog.maxSize", 64, 1, 1 << 20);
        int maxTotal = v.intIn("proxy.auditLog.maxTotalSize", 1024, 1, 1 << 24);
        if (maxTotal < maxSize) {
            throw new ConfigException("proxy.auditLog.maxTotalSize", "must be at least proxy.auditLog.maxSize ("
                    + maxSize + " MB), got " + maxTotal);
        }
        return new AuditLogSettings(v.bool("proxy.auditLog.enable", false),
                Path.of(v.string("proxy.auditLog.localPath", dataDir.resolve("audit").toString())), fileName,
                format.equals("json"), maxSize, v.intIn("proxy.auditLog.maxDays", 30, 1, 36_500), maxTotal);
    }

    /** {@code common.storageType} and Milvus's {@code minio.*} keys, with Milvus's defaults. */
    private static ObjectStorageSettings readObjectStorage(Values v) {
        String type = v.string("common.storageType", ObjectStorageSettings.LOCAL).trim().toLowerCase(
                java.util.Locale.ROOT);
        if (!type.equals(ObjectStorageSettings.LOCAL) && !type.equals(ObjectStorageSettings.REMOTE)) {
            throw new ConfigException("common.storageType", "expected local or remote, got '" + type + "'");
        }
        String provider = v.string("minio.cloudProvider", "aws").trim().toLowerCase(java.util.Locale.ROOT);
        if (!provider.equals("aws")) {
            throw new ConfigException("minio.cloudProvider", "only aws (any S3-compatible store speaking AWS"
                    + " signature v4: AWS S3, MinIO, Ceph RGW) is supported, got '" + provider + "'");
        }
        String bucket = v.string("minio.bucketName", "a-bucket").trim();
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ConfigException("minio.bucketName", "not a valid S3 bucket name (3-63 lowercase letters,"
                    + " digits, '.' and '-'): '" + bucket + "'");
        }
        String address = v.string("minio.address", "localhost").trim();
        if (address.isEmpty()) {
            throw new ConfigException("minio.address", "must not be empty");
        }
        return new ObjectStorageSettings(type, address,
                v.intIn("minio.port", 9000, 1, 65535),
                v.string("minio.accessKeyID", "minioadmin"),
                new Secret(v.string("minio.secretAccessKey", "minioadmin")),
                v.bool("minio.useSSL", false),
                bucket,
                trimSlashes(v.string("minio.rootPath", "files")),
                v.string("minio.region", "").trim(),
                v.bool("minio.useVirtualHost", false),
                provider,
                v.longIn("minio.requestTimeoutMs", 10_000, 100, 3_600_000),
                v.longIn("localStorage.objectCacheMB", 1024, 0, 1L << 30));
    }

    private static MessageQueueSettings messageQueue(Values v, boolean clusterMode) {
        String type = v.string("mq.type", "default").trim().toLowerCase(java.util.Locale.ROOT);
        if (!MessageQueueSettings.MILVUS_TYPES.contains(type)) {
            throw new ConfigException("mq.type", "expected one of default, kafka, pulsar, rocksmq, woodpecker, got '"
                    + type + "'");
        }
        if (clusterMode && !type.equals("default") && !type.equals("kafka")) {
            throw new ConfigException("mq.type", "'" + type + "' is not supported in cluster mode: VectorVault's"
                    + " cluster log runs on Kafka (mq.type: kafka)");
        }
        boolean kafka = type.equals("kafka");
        java.util.List<String> brokers = Arrays.stream(v.string("kafka.brokerList", "localhost:9092").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (kafka && brokers.isEmpty()) {
            throw new ConfigException("kafka.brokerList", "must name at least one host:port when mq.type is kafka");
        }
        String user = v.string("kafka.saslUsername", "");
        String password = v.string("kafka.saslPassword", "");
        // As in Milvus: SASL needs both or neither.
        if (user.isEmpty() != password.isEmpty()) {
            throw new ConfigException(user.isEmpty() ? "kafka.saslUsername" : "kafka.saslPassword",
                    "kafka.saslUsername and kafka.saslPassword must be set together");
        }
        boolean ssl = v.bool("kafka.ssl.enabled", false);
        String mechanism = v.string("kafka.saslMechanisms", "PLAIN").trim().toUpperCase(java.util.Locale.ROOT);
        if (!MessageQueueSettings.SASL_MECHANISMS.contains(mechanism)) {
            throw new ConfigException("kafka.saslMechanisms", "expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '"
                    + mechanism + "'");
        }
        // Unset: derived from the other keys (Milvus's default with SASL is SASL_SSL).
        String derived = user.isEmpty() ? (ssl ? "SSL" : "PLAINTEXT") : "SASL_SSL";
        String protocol = v.string("kafka.securityProtocol", "").trim().toUpperCase(java.util.Locale.ROOT);
        protocol = protocol.isEmpty() ? derived : protocol;
        if (!MessageQueueSettings.SECURITY_PROTOCOLS.contains(protocol)) {
            throw new ConfigException("kafka.securityProtocol", "expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL,"
                    + " got '" + protocol + "'");
        }
        if (kafka && protocol.startsWith("SASL") && user.isEmpty()) {
            throw new ConfigException("kafka.saslUsername", "must be set when kafka.securityProtocol is " + protocol);
        }
        long readTimeoutSeconds = v.longIn("kafka.readTimeout", 10, 1, 3_600);
        MessageQueueSettings mq = new MessageQueueSettings(type, brokers, protocol, mechanism, user,
                new Secret(password), ssl,
                Path.of(v.string("kafka.ssl.tlsCert", "")), Path.of(v.string("kafka.ssl.tlsKey", "")),
                Path.of(v.string("kafka.ssl.tlsCaCert", "")), new Secret(v.string("kafka.ssl.tlsKeyPassword", "")),
                readTimeoutSeconds * 1_000,
                // Unset: long enough for any append that can still succeed (twice kafka.readTimeout, at least 60 s).
                v.longIn("kafka.transactionTimeout", Math.min(900, Math.max(60, 2 * readTimeoutSeconds)), 1, 900)
                        * 1_000,
                v.intIn("kafka.groupCommit.maxWrites", 64, 1, 4_096),
                v.longIn("kafka.groupCommit.gatherTime", 0, 0, 1_000),
                v.intIn("kafka.transactionsInFlight", 1, 1, MessageQueueSettings.MAX_TRANSACTIONS_IN_FLIGHT),
                // Unset: 768 KiB, under the 1 MiB that Kafka's producers and brokers take by default with room for
                // each record's key, header and batch framing.
                v.intIn("kafka.maxMessageSize", 768 * 1024, 4_096, 64 << 20),
                v.string("msgChannel.chanNamePrefix.cluster", "by-dev").trim(),
                v.string("msgChannel.chanNamePrefix.rootCoordDml", "rootcoord-dml").trim(),
                v.intIn("rootCoord.dmlChannelNum", 16, 1, 1_024));
        if (mq.clusterPrefix().isEmpty() || mq.dmlPrefix().isEmpty()) {
            throw new ConfigException("msgChannel.chanNamePrefix.cluster", "the channel name prefixes must not be empty");
        }
        if (!mq.pchannelPrefix().matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("msgChannel.chanNamePrefix.cluster", "channel names become Kafka topics: use"
                    + " only letters, digits, '.', '_' and '-', got '" + mq.pchannelPrefix() + "'");
        }
        if (kafka && (ssl || protocol.endsWith("SSL"))) {
            if (!mq.tlsCaCert().toString().isEmpty()) {
                v.requireReadable("kafka.ssl.tlsCaCert", mq.tlsCaCert());
            }
            boolean cert = !mq.tlsCert().toString().isEmpty();
            boolean key = !mq.tlsKey().toString().isEmpty();
            if (cert != key) {
                throw new ConfigException(cert ? "kafka.ssl.tlsKey" : "kafka.ssl.tlsCert",
                        "kafka.ssl.tlsCert and kafka.ssl.tlsKey must be set together");
            }
            if (cert) {
                v.requireReadable("kafka.ssl.tlsCert", mq.tlsCert());
                v.requireReadable("kafka.ssl.tlsKey", mq.tlsKey());
            }
        }
        return mq;
    }

    private static String trimSlashes(String path) {
        String trimmed = path.trim();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** Typed access to the flat key map; every failure names its key. */
    private record Values(Map<String, String> keys) {
        String string(String key, String fallback) {
            String value = keys.get(key);
            return value == null ? fallback : value;
        }

        boolean bool(String key, boolean fallback) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            return switch (value.trim().toLowerCase()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, "expected true or false, got '" + value + "'");
            };
        }

        int intIn(String key, int fallback, int min, int max) {
            return (int) longIn(key, fallback, min, max);
        }

        long longIn(String key, long fallback, long min, long max) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected a whole number, got '" + value + "'");
            }
            if (parsed < min || parsed > max) {
                throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        }

        /** A number above 0 (fractions allowed). */
        double positive(String key, double fallback) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(value.trim());
                if (parsed > 0 && Double.isFinite(parsed)) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new ConfigException(key, "expected a number above 0, got '" + value + "'");
        }

        /** A share in [0, 1). */
        double fractionBelowOne(String key, double fallback) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected a number, got '" + value + "'");
            }
            if (!(parsed >= 0 && parsed < 1)) {
                throw new ConfigException(key, "must be at least 0 and below 1, got " + value.trim());
            }
            return parsed;
        }

        void requireReadable(String key, Path path) {
            if (!java.nio.file.Files.isReadable(path)) {
                throw new ConfigException(key, "file not readable: " + path);
            }
        }
    }
}
