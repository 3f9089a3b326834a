package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vectorvault.auth.RecentAuditEvents;
import dev.vectorvault.common.ErrorCode;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.ConnectRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The web console at {@code /webui} on the management port ({@code proxy.webui.enabled}): static pages from the jar
 * ({@code /webui/index.html}, {@code console.js}, {@code console.css}) and a small JSON API under
 * {@code /webui/api}:
 * <ul>
 *   <li>{@code POST login} {@code {"username","password"}}: a {@code Connect} call through the public port's
 *       interceptor chain (authentication, login throttle, protected mode, audit), so a console login is checked
 *       exactly as an SDK's; unknown user, wrong password and throttled all answer the same 401. On success a
 *       server-side session (cookie {@code vv_console}: HttpOnly, SameSite=Strict, Secure with TLS on, path
 *       {@code /webui}) and its CSRF token.</li>
 *   <li>{@code GET session}: who is logged in and the CSRF token (same-origin scripts only, see the headers).</li>
 *   <li>{@code POST logout}; {@code GET audit}: recent audit events, for root, super users and the admin role.</li>
 *   <li>{@code POST v2/vectordb/<category>/<action>}: any RESTful API v2 route, run by {@link RestApi} as the
 *       session's user through the same chain, so every page can do exactly what that user's privileges allow.</li>
 * </ul>
 * Every state-changing request (POST) needs the session's CSRF token in {@code X-CSRF-Token}, a JSON content type
 * and, when the browser sends one, an {@code Origin} naming this host. Every answer carries a strict
 * Content-Security-Policy (scripts and styles from this origin only, no inline code, no framing), and
 * {@code no-store}.
 */
final class WebConsole {
    static final String PATH = "/webui";
    static final String COOKIE = "vv_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/webui/", "index.html",
            "/webui/console.js", "console.js",
            "/webui/console.css", "console.css");
    private static final int AUDIT_PAGE = 500;

    /** Who may read the audit events (an authenticated user's name); with authentication off everyone who logs in. */
    interface Administrators extends Predicate<String> {}

    private final RestApi api;
    private final RestGateway gateway;
    private final ConsoleSessions sessions;
    private final RecentAuditEvents audit;
    private final Administrators administrators;
    private final boolean authEnabled;
    private final boolean secureCookie;
    private final int maxBodyBytes;

    WebConsole(RestApi api, RestGateway gateway, ConsoleSessions sessions, RecentAuditEvents audit,
               Administrators administrators, boolean authEnabled, boolean secureCookie, int maxBodyBytes) {
        this.api = api;
        this.gateway = gateway;
        this.sessions = sessions;
        this.audit = audit;
        this.administrators = administrators;
        this.authEnabled = authEnabled;
        this.secureCookie = secureCookie;
        this.maxBodyBytes = maxBodyBytes;
    }

    void register(HttpServer http) {
        http.createContext(PATH, exchange -> {
            try {
                serve(exchange);
            } catch (RuntimeException e) {
                answerJson(exchange, 500, envelope(ErrorCode.UNEXPECTED.code(), "internal error"));
            } finally {
                exchange.close();
            }
        });
    }

    private void serve(HttpExchange exchange) throws IOException {
        securityHeaders(exchange);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals(PATH)) {
            exchange.getResponseHeaders().set("Location", PATH + "/");
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        if (ASSETS.containsKey(path)) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                answerJson(exchange, 405, envelope(ErrorCode.PARAMETER_INVALID.code(), "GET only"));
                return;
            }
            asset(exchange, ASSETS.get(path));
            return;
        }
        if (!path.startsWith(PATH + "/api/")) {
            answerJson(exchange, 404, envelope(ErrorCode.PARAMETER_INVALID.code(), "not found"));
            return;
        }
        String action = path.substring((PATH + "/api/").length());
        if (method.equals("GET")) {
            switch (action) {
                case "session" -> session(exchange);
                case "audit" -> audit(exchange);
                default -> answerJson(exchange, 404, envelope(ErrorCode.PARAMETER_INVALID.code(), "not found"));
            }
            return;
        }
        if (!method.equals("POST")) {
            answerJson(exchange, 405, envelope(ErrorCode.PARAMETER_INVALID.code(), "GET or POST only"));
            return;
        }
        // Cross-site forms cannot send JSON without a CORS preflight, which is never answered here.
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            answerJson(exchange, 415, envelope(ErrorCode.PARAMETER_INVALID.code(), "the body must be application/json"));
            return;
        }
        if (!sameOrigin(exchange)) {
            answerJson(exchange, 403, envelope(ErrorCode.PARAMETER_INVALID.code(), "cross-origin request refused"));
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            answerJson(exchange, 413, envelope(ErrorCode.PARAMETER_INVALID.code(), "request body too large"));
            return;
        }
        if (action.equals("login")) {
            login(exchange, body);
            return;
        }
        Optional<ConsoleSessions.Session> session = sessions.find(cookie(exchange));
        if (session.isEmpty()) {
            answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED));
            return;
        }
        if (!session.get().csrfMatches(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
            answerJson(exchange, 403, envelope(ErrorCode.PARAMETER_INVALID.code(), "missing or wrong CSRF token"));
            return;
        }
        if (action.equals("logout")) {
            sessions.end(session.get().id);
            expireCookie(exchange);
            answerJson(exchange, 200, JSON.createObjectNode().put("code", 0));
            return;
        }
        if (action.startsWith("v2/vectordb/")) {
            ConsoleSessions.Session s = session.get();
            RestApi.Reply reply = api.handle("/" + action, true, body, s.authorization, false, client(exchange),
                    s.connectionId);
            if (reply.httpStatus() == 401) {
                // The chain refused the stored credential (changed meanwhile): the session is over.
                sessions.end(s.id);
                expireCookie(exchange);
            }
            answerBytes(exchange, reply.httpStatus(), reply.body());
            return;
        }
        answerJson(exchange, 404, envelope(ErrorCode.PARAMETER_INVALID.code(), "not found"));
    }

    private void login(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            answerJson(exchange, 400, envelope(ErrorCode.INCORRECT_PARAMETER_FORMAT.code(),
                    "the body must be a JSON object"));
            return;
        }
        String user = request.path("username").asText("");
        String password = request.path("password").asText("");
        String authorization = null;
        if (authEnabled) {
            if (user.isEmpty()) {
                answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED));
                return;
            }
            authorization = Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        // A fresh connection id per session: the login is audited once for it, and forgotten when it ends.
        long connectionId = RestEndpoint.nextConnectionId();
        InetSocketAddress client = client(exchange);
        try {
            io.milvus.grpc.ConnectResponse response = gateway.stub(
                    new RestGateway.Origin(client, connectionId, authorization, "default"))
                    .connect(ConnectRequest.getDefaultInstance());
            if (response.getStatus().getCode() != 0) {
                answerJson(exchange, 200, envelope(response.getStatus().getCode(), response.getStatus().getReason()));
                return;
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
                // Unknown user, wrong password, throttled: the same answer, the reason in the audit log only.
                answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED));
            } else if (e.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED) {
                answerJson(exchange, 403, envelope(ErrorCode.UNEXPECTED.code(), String.valueOf(
                        e.getStatus().getDescription())));
            } else {
                answerJson(exchange, 503, envelope(ErrorCode.SERVICE_UNAVAILABLE.code(), "login unavailable: "
                        + e.getStatus().getCode()));
            }
            return;
        }
        String hash = authEnabled ? sessions.credentialHash(user).orElse(null) : null;
        if (authEnabled && hash == null) {
            // Deleted between the check and now.
            answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED));
            return;
        }
        sessions.end(cookie(exchange)); // a login never continues an earlier session (no fixation)
        ConsoleSessions.Session session = sessions.create(authEnabled ? user : "", authorization, hash, connectionId);
        exchange.getResponseHeaders().add("Set-Cookie", sessionCookie(session.id, secureCookie));
        answerJson(exchange, 200, sessionInfo(session));
    }

    private void session(HttpExchange exchange) throws IOException {
        Optional<ConsoleSessions.Session> session = sessions.find(cookie(exchange));
        if (session.isEmpty()) {
            answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED)
                    .put("authEnabled", authEnabled));
            return;
        }
        answerJson(exchange, 200, sessionInfo(session.get()));
    }

    private ObjectNode sessionInfo(ConsoleSessions.Session session) {
        ObjectNode data = JSON.createObjectNode().put("user", session.user).put("csrfToken", session.csrfToken)
                .put("authEnabled", authEnabled).put("administrator", administrator(session));
        ObjectNode out = JSON.createObjectNode().put("code", 0);
        out.set("data", data);
        return out;
    }

    private boolean administrator(ConsoleSessions.Session session) {
        return !authEnabled || administrators.test(session.user);
    }

    private void audit(HttpExchange exchange) throws IOException {
        Optional<ConsoleSessions.Session> session = sessions.find(cookie(exchange));
        if (session.isEmpty()) {
            answerJson(exchange, 401, envelope(ErrorCode.NEED_AUTHENTICATE.code(), RestApi.NOT_AUTHENTICATED));
            return;
        }
        if (!administrator(session.get())) {
            answerJson(exchange, 403, envelope(ErrorCode.UNEXPECTED.code(),
                    "the audit events are shown to root, super users and the admin role only"));
            return;
        }
        ArrayNode events = JSON.createArrayNode();
        for (RecentAuditEvents.Event event : audit.newest(AUDIT_PAGE)) {
            events.addObject().put("time", java.time.Instant.ofEpochMilli(event.timeMillis()).toString())
                    .put("level", event.warn() ? "WARN" : "INFO").put("event", event.event())
                    .put("loginFailure", event.loginFailure()).put("line", event.line());
        }
        ObjectNode out = JSON.createObjectNode().put("code", 0);
        out.set("data", events);
        answerJson(exchange, 200, out);
    }

    /** A browser names the page's origin on POST; a request from another site is refused even with a token. */
    private static boolean sameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true; // not a browser, or an old one; the CSRF token still has to match
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes((int) Math.min((long) maxBodyBytes + 1, Integer.MAX_VALUE - 8));
            return bytes.length > maxBodyBytes ? null : bytes;
        }
    }

    private static String cookie(HttpExchange exchange) {
        List<String> headers = exchange.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String trimmed = part.trim();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return trimmed.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private void expireCookie(HttpExchange exchange) {
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=" + PATH
                + "; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : ""));
    }

    /** The session cookie: never readable by scripts, never sent cross-site, HTTPS-only when TLS is on. */
    static String sessionCookie(String id, boolean secure) {
        return COOKIE + "=" + id + "; Path=" + PATH + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private static InetSocketAddress client(HttpExchange exchange) {
        return exchange.getRemoteAddress();
    }

    private static void securityHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static void asset(HttpExchange exchange, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = WebConsole.class.getResourceAsStream("/webui/" + name)) {
            if (in == null) {
                answerJson(exchange, 404, envelope(ErrorCode.PARAMETER_INVALID.code(), "not found"));
                return;
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode envelope(int code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    private static void answerJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        answerBytes(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void answerBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
