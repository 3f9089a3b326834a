package dev.vectorvault.metrics.prometheus;

import dev.vectorvault.metrics.ServerMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The server's metrics in a registry of its own, written in Prometheus's text format.
 *
 * <p>Where Milvus has a metric for the same thing, its name and labels are used, so Milvus's Grafana dashboard
 * queries work unchanged: {@code milvus_proxy_req_count}, {@code milvus_proxy_req_latency} (milliseconds, Milvus's
 * buckets 1, 2, 4 ... 131072), {@code milvus_proxy_search_vectors_count}, {@code milvus_proxy_insert_vectors_count}.
 * Milvus exposes its counts without the {@code _total} suffix that this client appends to every counter, so these
 * four counts are published as gauges read from adders (the series names are what dashboards query; a gauge that only
 * grows is read by {@code rate()} and {@code increase()} alike). The rest are ours, named by Prometheus's conventions
 * ({@code vectorvault_*}, seconds, {@code _total}), plus the client's JVM metrics.
 */
public final class PrometheusMetrics implements ServerMetrics {
    /** Milvus's request-latency buckets: exponential from 1 ms, factor 2, 18 buckets. */
    private static final double[] MILVUS_LATENCY_BUCKETS_MS = exponential(1, 2, 18);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String nodeId;
    private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
    /** Each RPC's latency child and outcome counts, found once: every call pays one map lookup, no label hashing. */
    private final Map<String, MethodCalls> methods = new ConcurrentHashMap<>();
    private final LongAdder searchVectors = new LongAdder();
    private final LongAdder insertVectors = new LongAdder();
    private final Histogram requestLatency;
    private final Counter logins;
    private final Counter credentialCache;
    /** Login counters' children, by {@link LoginResult} and by cache hit (0) or miss (1): every call logs in. */
    private final AtomicReferenceArray<CounterDataPoint> loginOutcomes =
            new AtomicReferenceArray<>(LoginResult.values().length);
    private final AtomicReferenceArray<CounterDataPoint> cacheResults = new AtomicReferenceArray<>(2);
    private final Counter permissionDenials;
    private final Histogram walForce;
    private final AtomicReference<Supplier<List<CollectionRows>>> collectionRows =
            new AtomicReference<>(List::of);

    /** @param nodeId this node's id in cluster mode, "0" when embedded (Milvus's {@code node_id} label) */
    public PrometheusMetrics(String nodeId) {
        this.nodeId = nodeId;
        GaugeWithCallback.builder().name("milvus_proxy_req_count")
                .help("Calls received, by RPC and outcome (success, fail: a Milvus error status, rejected: refused)")
                .labelNames("node_id", "function_name", "status")
                .callback(callback -> requests.forEach((labels, count) ->
                        callback.call(count.sum(), labels.toArray(String[]::new))))
                .register(registry);
        requestLatency = Histogram.builder().name("milvus_proxy_req_latency")
                .help("Call latency in milliseconds, by RPC")
                .labelNames("node_id", "function_name")
                .classicOnly().classicUpperBounds(MILVUS_LATENCY_BUCKETS_MS)
                .register(registry);
        nodeCount("milvus_proxy_search_vectors_count", "Query vectors searched (nq summed over searches)",
                searchVectors);
        nodeCount("milvus_proxy_insert_vectors_count", "Rows inserted or upserted", insertVectors);
        GaugeWithCallback.builder().name("vectorvault_collection_rows")
                .help("Live rows of each loaded collection")
                .labelNames("db_name", "collection_name")
                .callback(callback -> collectionRows.get().get().forEach(c ->
                        callback.call(c.rows(), c.database(), c.collection())))
                .register(registry);
        logins = Counter.builder().name("vectorvault_login_attempts")
                .help("Password checks by outcome (accepted, rejected, throttled)")
                .labelNames("outcome")
                .register(registry);
        credentialCache = Counter.builder().name("vectorvault_credential_cache_lookups")
                .help("Accepted logins answered from the verified-credential cache (hit) or by a slow hash (miss)")
                .labelNames("result")
                .register(registry);
        permissionDenials = Counter.builder().name("vectorvault_permission_denials")
                .help("Calls refused by authorization, by the privilege they lacked")
                .labelNames("privilege")
                .register(registry);
        walForce = Histogram.builder().name("vectorvault_wal_fsync_seconds")
                .help("Time to force the write-ahead log to disk, per group commit or roll (ours: Milvus has none)")
                .classicOnly().classicUpperBounds(exponential(0.0001, 2, 16))
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** A Milvus-named count of this node, published as a gauge read from {@code adder} (see the class comment). */
    private void nodeCount(String name, String help, LongAdder adder) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("node_id")
                .callback(callback -> callback.call(adder.sum(), nodeId))
                .register(registry);
    }

    @Override
    public void callCompleted(String method, CallStatus status, long nanos) {
        MethodCalls calls = methods.get(method);
        if (calls == null) {
            calls = methods.computeIfAbsent(method, MethodCalls::new);
        }
        calls.outcome(status).increment();
        calls.latency.observe(nanos / 1e6);
    }

    /**
     * One RPC's series. An outcome's count joins {@code requests} (what /metrics lists) when it first happens, so
     * outcomes that never happened are not listed as zero.
     */
    private final class MethodCalls {
        private final String method;
        private final DistributionDataPoint latency;
        private final AtomicReferenceArray<LongAdder> outcomes = new AtomicReferenceArray<>(CallStatus.values().length);

        MethodCalls(String method) {
            this.method = method;
            this.latency = requestLatency.labelValues(nodeId, method);
        }

        LongAdder outcome(CallStatus status) {
            LongAdder count = outcomes.get(status.ordinal());
            if (count == null) {
                count = requests.computeIfAbsent(List.of(nodeId, method, status.label()), labels -> new LongAdder());
                outcomes.set(status.ordinal(), count);
            }
            return count;
        }
    }

    @Override
    public void vectorsSearched(long count) {
        searchVectors.add(count);
    }

    @Override
    public void vectorsInserted(long count) {
        insertVectors.add(count);
    }

    @Override
    public void login(LoginResult result, boolean fromCache) {
        loginChild(loginOutcomes, result.ordinal(), logins, result.label()).inc();
        if (result == LoginResult.ACCEPTED) {
            loginChild(cacheResults, fromCache ? 0 : 1, credentialCache, fromCache ? "hit" : "miss").inc();
        }
    }

    /** A child of a one-label counter, created when first used (as labelValues would) and then kept. */
    private static CounterDataPoint loginChild(AtomicReferenceArray<CounterDataPoint> children, int index,
                                               Counter counter, String label) {
        CounterDataPoint child = children.get(index);
        if (child == null) {
            child = counter.labelValues(label);
            children.set(index, child);
        }
        return child;
    }

    @Override
    public void permissionDenied(String privilege) {
        permissionDenials.labelValues(privilege).inc();
    }

    @Override
    public void walForced(long nanos) {
        walForce.observe(nanos / 1e9);
    }

    @Override
    public void collectionRows(Supplier<List<CollectionRows>> source) {
        collectionRows.set(source);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    @Override
    public String contentType() {
        return writer.getContentType();
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++) {
            bounds[i] = bound;
            bound *= factor;
        }
        return bounds;
    }
}
