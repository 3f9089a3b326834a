package dev.vectorvault.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.Password;
import dev.vectorvault.metrics.ServerMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Milvus's management port ({@code common.metricsPort}, 9091): {@code /healthz} for probes and {@code /metrics} for
 * Prometheus, on the JDK's HTTP server with two threads of its own.
 *
 * <ul>
 *   <li>{@code /healthz} answers without credentials, as Kubernetes probes need: 200 {@code OK}, or 503 naming what is
 *       unhealthy (storage refusing writes, the index builder stopped, a cluster node that may be stale). It returns
 *       no data.</li>
 *   <li>{@code /metrics} names databases and collections and their sizes, so it is not open to everyone (Milvus's
 *       open metrics port was CVE-2026-26190): with authentication on, it needs HTTP Basic credentials (or Milvus's
 *       {@code Bearer user:password}) of root, a super user or a user holding the {@code admin} role, checked by the
 *       same authenticator, throttle and audit as gRPC; with authentication off, only loopback clients unless
 *       {@code common.security.protectedMode} is false, as on the gRPC port.</li>
 * </ul>
 * Anything else is 404; only GET (and HEAD) are served.
 */
public final class ManagementEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoint.class);
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    private static final String CHALLENGE = "Basic realm=\"vectorvault metrics\", charset=\"UTF-8\"";

    /** Who may read {@code /metrics}; the user was authenticated first. */
    public interface MetricsReaders extends Predicate<String> {}

    private final HttpServer http;
    private final ExecutorService threads;

    private ManagementEndpoint(HttpServer http, ExecutorService threads) {
        this.http = http;
        this.threads = threads;
    }

    /**
     * Listens on {@code port} (0: any free port) on every interface.
     *
     * @param health          the reasons the node is unhealthy now; empty when healthy
     * @param authenticator   null when authentication is off
     * @param protectedMode   with authentication off, whether only loopback clients may read {@code /metrics}
     */
    public static ManagementEndpoint start(int port, ServerMetrics metrics, Supplier<List<String>> health,
                                           Authenticator authenticator, MetricsReaders readers,
                                           boolean protectedMode) throws IOException {
        return start(port, metrics, health, authenticator, readers, protectedMode, null, null);
    }

    /**
     * As above, also serving the web console under {@code /webui} when {@code console} is not null, and speaking
     * HTTPS when {@code tls} is not null (no client certificate is asked for: probes and scrapers have none).
     */
    static ManagementEndpoint start(int port, ServerMetrics metrics, Supplier<List<String>> health,
                                    Authenticator authenticator, MetricsReaders readers,
                                    boolean protectedMode, WebConsole console, SSLContext tls) throws IOException {
        // The JDK's HTTP server leaves Nagle's algorithm on; a small answer (/healthz, a small /metrics) then waits
        // for the client's delayed acknowledgement, about 40 ms per keep-alive request (bin/bench-scrape measured
        // p50 48 ms against 2.7 ms with it off). The server reads this property once, when the first one is made.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer http;
        if (tls == null) {
            http = HttpServer.create(new InetSocketAddress(port), 16);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(port), 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            http = https;
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "management-http");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(threads);
        http.createContext("/", exchange -> answer(exchange, 404, "text/plain", "not found\n"));
        http.createContext("/healthz", exchange -> {
            if (!readOnly(exchange) || !exact(exchange, "/healthz")) {
                return;
            }
            List<String> problems = health.get();
            if (problems.isEmpty()) {
                answer(exchange, 200, "text/plain; charset=utf-8", "OK\n");
            } else {
                answer(exchange, 503, "text/plain; charset=utf-8", "Unhealthy: " + String.join("; ", problems) + "\n");
            }
        });
        http.createContext("/metrics", exchange -> {
            if (!readOnly(exchange) || !exact(exchange, "/metrics")) {
                return;
            }
            if (!allowed(exchange, authenticator, readers, protectedMode)) {
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            metrics.writeTo(body);
            exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        });
        if (console != null) {
            console.register(http);
        }
        http.start();
        LOG.info("event=management_listening port={} scheme={} paths=/healthz,/metrics{} metricsAuth={}",
                http.getAddress().getPort(), tls == null ? "http" : "https", console != null ? ",/webui" : "", authenticator != null ? "credentials" : protectedMode ? "loopback" : "none");
        return new ManagementEndpoint(http, threads);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private static boolean allowed(HttpExchange exchange, Authenticator authenticator, MetricsReaders readers,
                                   boolean protectedMode) throws IOException {
        String client = exchange.getRemoteAddress().getAddress().getHostAddress();
        if (authenticator == null) {
            if (protectedMode && !exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                answer(exchange, 403, "text/plain", "metrics are served to loopback clients only while"
                        + " authentication is off (common.security.protectedMode)\n");
                return false;
            }
            return true;
        }
        Optional<AuthInterceptor.Credentials> credentials = credentials(exchange.getRequestHeaders()
                .getFirst("Authorization"));
        if (credentials.isEmpty() || credentials.get().username() == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
            answer(exchange, 401, "text/plain", "credentials required\n");
            return false;
        }
        String user = credentials.get().username();
        byte[] secret = credentials.get().password();
        boolean accepted;
        try {
            Optional<Password> password = Password.fromUtf8(secret);
            accepted = !user.isEmpty() && password.isPresent()
                    && authenticator.authenticate(user, password.get(), client) == Authenticator.Outcome.ACCEPTED;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (!accepted) {
            // Unknown user, wrong password and throttled look alike, as on the gRPC port.
            exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
            answer(exchange, 401, "text/plain", "credentials required\n");
            return false;
        }
        if (!readers.test(user)) {
            answer(exchange, 403, "text/plain", "reading metrics needs root, a super user or the admin role\n");
            return false;
        }
        return true;
    }

    /** {@code Basic base64(user:password)}, or Milvus's REST form {@code Bearer user:password}. */
    private static Optional<AuthInterceptor.Credentials> credentials(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String token = value.substring(space + 1).trim();
        if (scheme.equals("basic")) {
            return AuthInterceptor.decode(token);
        }
        if (scheme.equals("bearer")) {
            int colon = token.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            return Optional.of(new AuthInterceptor.Credentials(token.substring(0, colon),
                    token.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        answer(exchange, 405, "text/plain", "method not allowed\n");
        return false;
    }

    /** The JDK matches contexts by prefix: "/metricsfoo" must not be "/metrics". */
    private static boolean exact(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getPath().equals(path)) {
            return true;
        }
        answer(exchange, 404, "text/plain", "not found\n");
        return false;
    }

    private static void answer(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
