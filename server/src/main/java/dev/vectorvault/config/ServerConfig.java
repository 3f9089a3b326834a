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
        FilterLimits filters) {

    /**
     * Milvus's RBAC keys: root under RBAC, public's default grants, the role limit, name rules, and whether an alias
     * is checked as its collection.
     */
    public record RbacKeys(boolean rootShouldBindRole, boolean enablePublicPrivilege, int maxRoles,
                           int maxNameLength, String roleNameAllowedChars, String nameAllowedChars,
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

    /** Argon2id cost parameters for new hashes; stored hashes carry their own. */
    public record HashSettings(int memoryKiB, int iterations, int parallelism) {}

    /** Growing delays after failed logins, per user and per client address. */
    public record ThrottleSettings(
            boolean enabled,
            int userFreeFailures,
            int addressFreeFailures,
            long baseDelayMs,
            long maxDelayMs,
            long forgetAfterMs) {}

    /**
     * How collection data is kept: whether each write waits for its log record to be forced to disk, rows per
     * segment, and how many threads build a sealed segment's ANN index (ours: {@code indexNode.buildThreads}).
     */
    public record StorageSettings(boolean syncWrites, int segmentRows, int indexBuildThreads) {}

    /**
     * Bounds on filter expressions: length in characters ({@code proxy.maxExpressionLength}), nesting depth
     * ({@code proxy.maxExpressionDepth}) and elements per list or template array ({@code proxy.maxExpressionListSize}).
     */
    public record FilterLimits(int maxLength, int maxDepth, int maxListSize) {}

    /** Milvus's {@code common.security.tlsMode}: 0 plaintext, 1 server certificate, 2 mutual TLS. */
    public record TlsSettings(int mode, Path serverPem, Path serverKey, Path caPem) {}

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
        HashSettings hash = new HashSettings(
                v.intIn("common.security.argon2.memoryKiB", 19_456, 19_456, 4_194_304),
                v.intIn("common.security.argon2.iterations", 2, 2, 100),
                v.intIn("common.security.argon2.parallelism", 1, 1, 64));

        long maxDelay = v.longIn("common.security.loginThrottle.maxDelayMs", 30_000, 0, 86_400_000);
        ThrottleSettings throttle = new ThrottleSettings(
                v.bool("common.security.loginThrottle.enabled", true),
                v.intIn("common.security.loginThrottle.userFreeFailures", 5, 0, 1_000_000),
                v.intIn("common.security.loginThrottle.addressFreeFailures", 20, 0, 1_000_000),
                v.longIn("common.security.loginThrottle.baseDelayMs", 1_000, 0, maxDelay),
                maxDelay,
                v.longIn("common.security.loginThrottle.forgetAfterMs", 900_000, 1, 86_400_000L * 30));

        int tlsMode = v.intIn("common.security.tlsMode", 0, 0, 2);
        TlsSettings tls = new TlsSettings(
                tlsMode,
                Path.of(v.string("tls.serverPemPath", "configs/cert/server.pem")),
                Path.of(v.string("tls.serverKeyPath", "configs/cert/server.key")),
                Path.of(v.string("tls.caPemPath", "configs/cert/ca.pem")));
        if (tlsMode >= 1) {
            v.requireReadable("tls.serverPemPath", tls.serverPem());
            v.requireReadable("tls.serverKeyPath", tls.serverKey());
        }
        if (tlsMode == 2) {
            v.requireReadable("tls.caPemPath", tls.caPem());
        }
        StorageSettings storage = new StorageSettings(v.bool("localStorage.syncWrites", true),
                v.intIn("localStorage.segmentRows", 65_536, 16, 10_000_000),
                v.intIn("indexNode.buildThreads", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1,
                        1024));
        // The legacy proxy.enablePublicPrivilege=false switches public's default grants off, as in Milvus.
        boolean publicPrivilege = v.bool("common.security.enablePublicPrivilege", true)
                && v.bool("proxy.enablePublicPrivilege", true);
        RbacKeys rbac = new RbacKeys(
                v.bool("common.security.rootShouldBindRole", false),
                publicPrivilege,
                v.intIn("proxy.maxRoleNum", 10, 2, 100_000),
                v.intIn("proxy.maxNameLength", 255, 1, 65_535),
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
        return new ServerConfig(port, dataDir, auth, new Secret(rootPassword), superUsers, protectedMode,
                limits, hash, throttle, tls, storage, rbac, filters);
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

        void requireReadable(String key, Path path) {
            if (!java.nio.file.Files.isReadable(path)) {
                throw new ConfigException(key, "file not readable: " + path);
            }
        }
    }
}
