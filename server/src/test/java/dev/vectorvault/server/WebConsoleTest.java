package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The web console on the management port: its pages' headers, login, sessions, CSRF, and the same checks as REST. */
@Timeout(120)
class WebConsoleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A browser-like client of one console: its cookie and CSRF token. */
    private final class Browser {
        final int port;
        String cookie;
        String csrf;

        Browser(int port) {
            this.port = port;
        }

        HttpResponse<String> get(String path) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (cookie != null) {
                request.header("Cookie", cookie);
            }
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            if (cookie != null) {
                request.header("Cookie", cookie);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> api(String action, String body) throws Exception {
            return post("/webui/api/" + action, body, csrf == null ? Map.of("Content-Type", "application/json")
                    : Map.of("Content-Type", "application/json", "X-CSRF-Token", csrf));
        }

        HttpResponse<String> login(String user, String password) throws Exception {
            HttpResponse<String> response = api("login",
                    JSON.createObjectNode().put("username", user).put("password", password).toString());
            if (response.statusCode() == 200) {
                String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
                csrf = JSON.readTree(response.body()).path("data").path("csrfToken").asText();
            }
            return response;
        }

        JsonNode rest(String action, String body) throws Exception {
            return JSON.readTree(api("v2/vectordb/" + action, body).body());
        }
    }

    private static LoopbackServer authServer(Path dir, Map<String, String> extra) throws Exception {
        Map<String, String> keys = new java.util.HashMap<>(extra);
        keys.put("common.security.authorizationEnabled", "true");
        return LoopbackServer.start(dir, keys);
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicyAndRefuseFraming() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            Browser browser = new Browser(server.server().managementPort());
            HttpResponse<String> redirect = browser.get("/webui");
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).hasValue("/webui/");
            for (String path : new String[] {"/webui/", "/webui/console.js", "/webui/console.css",
                    "/webui/api/session"}) {
                HttpResponse<String> page = browser.get(path);
                String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
                assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'",
                        "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
                assertThat(page.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
                assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
            }
            String html = browser.get("/webui/").body();
            assertThat(html).contains("<script src=\"/webui/console.js\"").doesNotContain("<script>", "style=",
                    "onclick");
            assertThat(browser.get("/webui/console.js").headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/javascript");
            assertThat(browser.get("/webui/../metrics").statusCode()).isNotEqualTo(200);
            assertThat(browser.get("/webui/api/session").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void unknownUserAndWrongPasswordLookAlikeAndALoginSetsAStrictHttpOnlyCookie() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            int port = server.server().managementPort();
            HttpResponse<String> unknown = new Browser(port).login("nobody", "whatever1");
            HttpResponse<String> wrong = new Browser(port).login("root", "not-the-password");
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(unknown.body()).isEqualTo(wrong.body()).contains("user hasn't authenticated");
            assertThat(unknown.headers().firstValue("Set-Cookie")).isEmpty();

            Browser root = new Browser(port);
            HttpResponse<String> ok = root.login("root", "Milvus");
            assertThat(ok.statusCode()).isEqualTo(200);
            String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith("vv_console=").contains("HttpOnly", "SameSite=Strict", "Path=/webui")
                    .doesNotContain("Secure");
            assertThat(ok.body()).doesNotContain("Milvus");
            JsonNode session = JSON.readTree(root.get("/webui/api/session").body()).path("data");
            assertThat(session.path("user").asText()).isEqualTo("root");
            assertThat(session.path("administrator").asBoolean()).isTrue();
            assertThat(session.path("csrfToken").asText()).isEqualTo(root.csrf).hasSizeGreaterThan(40);
        }
    }

    @Test
    void aStateChangingRequestNeedsTheSessionsCsrfTokenJsonAndTheSameOrigin() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            Browser root = new Browser(server.server().managementPort());
            root.login("root", "Milvus");
            String create = "{\"userName\":\"csrf_victim\",\"password\":\"secret-123\"}";
            String path = "/webui/api/v2/vectordb/users/create";
            HttpResponse<String> noToken = root.post(path, create, Map.of("Content-Type", "application/json"));
            assertThat(noToken.statusCode()).isEqualTo(403);
            HttpResponse<String> wrongToken = root.post(path, create,
                    Map.of("Content-Type", "application/json", "X-CSRF-Token", root.csrf + "x"));
            assertThat(wrongToken.statusCode()).isEqualTo(403);
            HttpResponse<String> form = root.post(path, create,
                    Map.of("Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", root.csrf));
            assertThat(form.statusCode()).isEqualTo(415);
            HttpResponse<String> otherSite = root.post(path, create, Map.of("Content-Type", "application/json",
                    "X-CSRF-Token", root.csrf, "Origin", "http://evil.example"));
            assertThat(otherSite.statusCode()).isEqualTo(403);
            assertThat(root.rest("users/list", "{}").path("data").toString()).doesNotContain("csrf_victim");

            assertThat(root.rest("users/create", create).path("code").asInt()).isZero();
            assertThat(root.rest("users/list", "{}").path("data").toString()).contains("csrf_victim");
        }
    }

    @Test
    void eachActionIsAllowedExactlyAsTheUsersOwnPrivilegesAllow() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            int port = server.server().managementPort();
            Browser root = new Browser(port);
            root.login("root", "Milvus");
            assertThat(root.rest("users/create", "{\"userName\":\"plain\",\"password\":\"plain-pass\"}")
                    .path("code").asInt()).isZero();
            Browser plain = new Browser(port);
            assertThat(plain.login("plain", "plain-pass").statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(plain.get("/webui/api/session").body()).path("data").path("administrator")
                    .asBoolean()).isFalse();
            HttpResponse<String> denied = plain.api("v2/vectordb/users/create",
                    "{\"userName\":\"other\",\"password\":\"other-pass\"}");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).contains("PrivilegeCreateOwnership").contains("plain");
            assertThat(plain.get("/webui/api/audit").statusCode()).isEqualTo(403);

            // The denial went through the public chain's audit, which the administrator's audit page shows.
            JsonNode events = JSON.readTree(root.get("/webui/api/audit").body()).path("data");
            assertThat(events.toString()).contains("permission_denied").contains("login_succeeded");
        }
    }

    @Test
    void loginFailuresShowOnTheAuditPage() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            int port = server.server().managementPort();
            new Browser(port).login("root", "wrong-password");
            Browser root = new Browser(port);
            root.login("root", "Milvus");
            JsonNode events = JSON.readTree(root.get("/webui/api/audit").body()).path("data");
            boolean found = false;
            for (JsonNode event : events) {
                if (event.path("event").asText().equals("login_failed")) {
                    assertThat(event.path("loginFailure").asBoolean()).isTrue();
                    assertThat(event.path("line").asText()).contains("root").doesNotContain("wrong-password");
                    found = true;
                }
            }
            assertThat(found).as("login_failed in %s", events).isTrue();
        }
    }

    @Test
    void logoutAndAPasswordChangeOrDeletionEndTheUsersSessions() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            int port = server.server().managementPort();
            Browser root = new Browser(port);
            root.login("root", "Milvus");
            root.rest("users/create", "{\"userName\":\"alice\",\"password\":\"alice-pass\"}");
            root.rest("users/create", "{\"userName\":\"bob\",\"password\":\"bob-pass1\"}");
            Browser alice = new Browser(port);
            alice.login("alice", "alice-pass");
            Browser bob = new Browser(port);
            bob.login("bob", "bob-pass1");
            assertThat(alice.get("/webui/api/session").statusCode()).isEqualTo(200);

            assertThat(root.rest("users/update_password",
                    "{\"userName\":\"alice\",\"password\":\"alice-pass\",\"newPassword\":\"alice-pass2\"}")
                    .path("code").asInt()).isZero();
            assertThat(alice.get("/webui/api/session").statusCode()).isEqualTo(401);
            assertThat(alice.api("v2/vectordb/users/list", "{}").statusCode()).isEqualTo(401);

            assertThat(root.rest("users/drop", "{\"userName\":\"bob\"}").path("code").asInt()).isZero();
            assertThat(bob.api("v2/vectordb/collections/list", "{}").statusCode()).isEqualTo(401);

            HttpResponse<String> logout = root.api("logout", "{}");
            assertThat(logout.statusCode()).isEqualTo(200);
            assertThat(logout.headers().firstValue("Set-Cookie").orElse("")).contains("Max-Age=0");
            assertThat(root.get("/webui/api/session").statusCode()).isEqualTo(401);
            assertThat(root.api("v2/vectordb/users/list", "{}").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void collectionsAreListedWithRowsSchemaIndexAndLoadState() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of())) {
            Browser root = new Browser(server.server().managementPort());
            root.login("root", "Milvus");
            assertThat(root.rest("collections/create", "{\"collectionName\":\"docs\",\"dimension\":4}")
                    .path("code").asInt()).isZero();
            assertThat(root.rest("entities/insert", "{\"collectionName\":\"docs\",\"data\":"
                    + "[{\"id\":1,\"vector\":[0.1,0.2,0.3,0.4]},{\"id\":2,\"vector\":[0.4,0.3,0.2,0.1]}]}")
                    .path("code").asInt()).isZero();
            JsonNode described = root.rest("collections/describe", "{\"collectionName\":\"docs\"}").path("data");
            assertThat(described.path("load").asText()).isEqualTo("LoadStateLoaded");
            assertThat(described.path("fields").toString()).contains("FloatVector");
            assertThat(root.rest("collections/get_stats", "{\"collectionName\":\"docs\"}").path("data")
                    .path("rowCount").asLong()).isEqualTo(2);
            JsonNode search = root.rest("entities/search",
                    "{\"collectionName\":\"docs\",\"data\":[[0.1,0.2,0.3,0.4]],\"limit\":1}");
            assertThat(search.path("data").get(0).path("id").asLong()).isEqualTo(1);
        }
    }

    @Test
    void withAuthenticationOffALoopbackClientLogsInWithoutCredentials() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of())) {
            Browser browser = new Browser(server.server().managementPort());
            assertThat(browser.login("", "").statusCode()).isEqualTo(200);
            JsonNode session = JSON.readTree(browser.get("/webui/api/session").body()).path("data");
            assertThat(session.path("authEnabled").asBoolean()).isFalse();
            assertThat(session.path("administrator").asBoolean()).isTrue();
            assertThat(browser.rest("databases/list", "{}").path("data").toString()).contains("default");
        }
    }

    @Test
    void withTlsOnTheSessionCookieIsSecure() {
        assertThat(WebConsole.sessionCookie("abc", true)).isEqualTo(
                "vv_console=abc; Path=/webui; HttpOnly; SameSite=Strict; Secure");
        assertThat(WebConsole.sessionCookie("abc", false)).doesNotContain("Secure");
    }

    @Test
    void theConsoleCanBeSwitchedOff() throws Exception {
        try (LoopbackServer server = authServer(dir, Map.of("proxy.webui.enabled", "false"))) {
            Browser browser = new Browser(server.server().managementPort());
            assertThat(browser.get("/webui/").statusCode()).isEqualTo(404);
            assertThat(browser.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
