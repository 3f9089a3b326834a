package dev.vectorvault.cluster.etcd;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ConfigException;
import dev.vectorvault.config.ServerConfig.ClusterSettings;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One jetcd client built from the {@code etcd.*} keys: endpoints ({@code host:port} or {@code http(s)://host:port}),
 * user and password ({@code etcd.auth.*}), client TLS ({@code etcd.ssl.*}), and {@code etcd.requestTimeout}, which
 * bounds every request made through {@link #await}. {@link #open} checks that etcd answers before returning, so a
 * node with a wrong endpoint or password stops at start-up with a message naming the endpoints. The password is
 * handed to jetcd only; it is never logged or put in a message.
 */
public final class EtcdConnection implements AutoCloseable {
    private final Client client;
    private final List<URI> endpoints;
    private final long requestTimeoutMs;

    private EtcdConnection(Client client, List<URI> endpoints, long requestTimeoutMs) {
        this.client = client;
        this.endpoints = endpoints;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * Connects and checks etcd answers a read under the meta root within {@code etcd.requestTimeout}.
     *
     * @throws ConfigException when an endpoint or a TLS file is unusable
     * @throws MilvusException {@code META_STORE_UNAVAILABLE} naming the endpoints when etcd does not answer or
     *     refuses the credentials
     */
    public static EtcdConnection open(ClusterSettings settings) {
        if (!settings.enabled()) {
            throw new ConfigException("etcd.endpoints", "is empty: cluster mode needs at least one etcd endpoint");
        }
        List<URI> endpoints = endpoints(settings.etcdEndpoints(), settings.etcdTls());
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints.toArray(URI[]::new))
                .connectTimeout(Duration.ofMillis(Math.min(settings.requestTimeoutMs(), 5_000)))
                // jetcd retries reads on unavailability; never longer than the caller waits.
                .retryDelay(50)
                .retryMaxDelay(Math.max(60, Math.min(1_000, settings.requestTimeoutMs() / 2)))
                .retryMaxDuration(Duration.ofMillis(settings.requestTimeoutMs()))
                .interceptor(new RequestDeadline(settings.requestTimeoutMs()))
                // A silently dead connection (a partition) is noticed within seconds, not minutes. No pings
                // without streams: etcd answers those with GOAWAY (too many pings).
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .keepaliveWithoutCalls(false);
        if (settings.etcdAuth()) {
            builder.user(ByteSequence.from(settings.etcdUser(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(settings.etcdPassword().utf8()));
        }
        if (settings.etcdTls()) {
            configureTls(builder, settings);
        }
        EtcdConnection connection = new EtcdConnection(builder.build(), endpoints, settings.requestTimeoutMs());
        try {
            connection.checkHealth(settings.metaRoot());
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** {@code host:port} becomes {@code http://host:port} ({@code https} with TLS); a URL is taken as it is. */
    static List<URI> endpoints(List<String> configured, boolean tls) {
        List<URI> result = new ArrayList<>();
        for (String endpoint : configured) {
            String text = endpoint.contains("://") ? endpoint : (tls ? "https://" : "http://") + endpoint;
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new ConfigException("etcd.endpoints", "'" + endpoint + "' is not host:port or a URL");
            }
            if (uri.getHost() == null || uri.getPort() < 0
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException("etcd.endpoints", "'" + endpoint
                        + "' must be host:port or http(s)://host:port");
            }
            result.add(uri);
        }
        return List.copyOf(result);
    }

    private static void configureTls(ClientBuilder builder, ClusterSettings settings) {
        String[] protocols = settings.tlsMinVersion().equals("1.2")
                ? new String[] {"TLSv1.3", "TLSv1.2"} : new String[] {"TLSv1.3"};
        boolean clientCertificate = !settings.tlsCert().toString().isEmpty();
        if (clientCertificate && settings.tlsKey().toString().isEmpty()) {
            throw new ConfigException("etcd.ssl.tlsKey", "must be set when etcd.ssl.tlsCert is set");
        }
        try {
            builder.sslContext(ssl -> {
                ssl.trustManager(settings.tlsCaCert().toFile()).protocols(protocols);
                if (clientCertificate) {
                    ssl.keyManager(settings.tlsCert().toFile(), settings.tlsKey().toFile());
                }
            });
        } catch (Exception e) {
            // Netty reports unreadable or malformed PEM files with IllegalArgumentException or SSLException.
            throw new ConfigException("etcd.ssl.tlsCACert", "cannot build the etcd client TLS context from "
                    + settings.tlsCaCert() + (clientCertificate ? ", " + settings.tlsCert() : "") + ": "
                    + e.getMessage());
        }
    }

    private void checkHealth(String metaRoot) {
        try {
            awaitOrFail(client.getKVClient().get(ByteSequence.from(metaRoot, StandardCharsets.UTF_8),
                    GetOption.builder().withCountOnly(true).build()), "a health check");
        } catch (EtcdException e) {
            if (unreachable(e)) {
                throw cannotReach(e.getMessage());
            }
            throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "etcd at " + endpoints
                    + " (etcd.endpoints) refused the start-up health check: " + e.getMessage());
        } catch (MilvusException e) {
            throw cannotReach(e.getMessage());
        }
    }

    private MilvusException cannotReach(String detail) {
        return new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "cannot reach etcd at " + endpoints
                + " (etcd.endpoints) within " + requestTimeoutMs + " ms (etcd.requestTimeout): " + detail);
    }

    private static boolean unreachable(EtcdException e) {
        return e.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE
                || e.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.DEADLINE_EXCEEDED;
    }

    /** The link to etcd failed (a member went away, a connection closed), as opposed to etcd refusing the request. */
    private static boolean connectionLost(EtcdException e) {
        return switch (e.getErrorCode()) {
            case UNAVAILABLE, UNKNOWN, CANCELLED, INTERNAL, ABORTED -> true;
            default -> false;
        };
    }

    /** The one message for a request etcd did not carry out: what was being done, where, and why. */
    MilvusException failure(String what, EtcdException e) {
        String reason = e.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.DEADLINE_EXCEEDED
                ? "no answer within " + requestTimeoutMs + " ms (etcd.requestTimeout)" : e.getMessage();
        return new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "etcd at " + endpoints + " failed " + what
                + ": " + reason + (unreachable(e) ? " (a write may or may not have been applied)" : ""));
    }

    Client client() {
        return client;
    }

    long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** The endpoints as a message names them. */
    public String endpointsText() {
        return endpoints.toString();
    }

    /**
     * Waits for a jetcd call within {@code etcd.requestTimeout}; every failure becomes {@code META_STORE_UNAVAILABLE}
     * saying {@code what} was being done.
     */
    <T> T await(CompletableFuture<T> call, String what) {
        try {
            return awaitOrFail(call, what);
        } catch (EtcdException e) {
            throw failure(what, e);
        }
    }

    /**
     * Like {@link #await} for a write that may safely be sent twice (a plain put): a failure to reach etcd is retried
     * while {@code etcd.requestTimeout} lasts. Each try has ended (answered or past its deadline) before the next
     * starts, so no try is still on its way once this returns.
     */
    <T> T awaitIdempotent(java.util.function.Supplier<CompletableFuture<T>> call, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        while (true) {
            try {
                return awaitOrFail(call.get(), what);
            } catch (EtcdException e) {
                if (!connectionLost(e) || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100) > deadline) {
                    throw failure(what, e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "interrupted while waiting for"
                            + " etcd (" + what + ")");
                }
            }
        }
    }

    /**
     * Like {@link #await}, but etcd's own refusals come back as the {@link EtcdException} for the caller to inspect
     * (a lease that is gone, a compacted revision); timeouts and interrupts are still {@code META_STORE_UNAVAILABLE}.
     */
    <T> T awaitOrFail(CompletableFuture<T> call, String what) {
        try {
            // The call's own gRPC deadline (RequestDeadline) normally ends it first; this bounds jetcd's retries.
            return call.get(requestTimeoutMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            // A write that timed out may still be applied by etcd later: the caller cannot know.
            throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "etcd at " + endpoints + " did not answer "
                    + what + " within " + requestTimeoutMs + " ms (etcd.requestTimeout)");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "interrupted while waiting for etcd ("
                    + what + ")");
        } catch (CancellationException e) {
            throw new MilvusException(ErrorCode.META_STORE_UNAVAILABLE, "etcd call cancelled (" + what + ")");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof EtcdException etcd ? etcd : EtcdExceptionFactory.toEtcdException(cause);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * Gives every etcd request except watches a gRPC deadline of {@code etcd.requestTimeout}. Without it a request
     * made while etcd is unreachable waits in the channel and is sent once the link is back, long after the caller
     * was told it failed, and could then overwrite a newer value.
     */
    private static final class RequestDeadline implements io.grpc.ClientInterceptor {
        private final long timeoutMs;

        RequestDeadline(long timeoutMs) {
            this.timeoutMs = timeoutMs;
        }

        @Override
        public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
                                                            io.grpc.CallOptions options, io.grpc.Channel next) {
            boolean watch = method.getFullMethodName().endsWith("Watch/Watch");
            return next.newCall(method, watch || options.getDeadline() != null
                    ? options : options.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS));
        }
    }
}
