package dev.vectorvault.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * The server's measurements, recorded by the parts that see them and read by whoever scrapes them: the seam between
 * the domain and a metrics library ({@link dev.vectorvault.metrics.prometheus.PrometheusMetrics}). Every method is
 * cheap and thread-safe; {@link #NONE} records nothing (tests, tools).
 *
 * <p>Labels carry no secret and nothing a client chose freely except names the server already validated (RPC method
 * names, privilege names, database and collection names), so the number of series stays bounded by the catalogue.
 */
public interface ServerMetrics {
    /** How a call ended, as Milvus labels it: {@code success}, {@code fail} (a Milvus status code), {@code rejected}. */
    enum CallStatus {
        SUCCESS("success"), FAIL("fail"), REJECTED("rejected");

        private final String label;

        CallStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A login attempt's result; {@code fromCache} when the verified-credential cache or the connection answered. */
    enum LoginResult {
        ACCEPTED("accepted"), REJECTED("rejected"), THROTTLED("throttled");

        private final String label;

        LoginResult(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One collection's live rows, for the rows gauge. */
    record CollectionRows(String database, String collection, long rows) {}

    /** A call to RPC {@code method} ended with {@code status} after {@code nanos}. */
    void callCompleted(String method, CallStatus status, long nanos);

    /** Query vectors of searches (nq summed). */
    void vectorsSearched(long count);

    /** Rows inserted or upserted. */
    void vectorsInserted(long count);

    /** A password check; {@code fromCache} tells a cache hit from a slow verification (or a refusal). */
    void login(LoginResult result, boolean fromCache);

    /** A call refused by authorization for lack of {@code privilege}. */
    void permissionDenied(String privilege);

    /** The write-ahead log forced its file to disk in {@code nanos}. */
    void walForced(long nanos);

    /** Read at every scrape: each loaded collection's live rows. */
    void collectionRows(Supplier<List<CollectionRows>> source);

    /** Writes every metric in the Prometheus text exposition format (version 0.0.4). */
    void writeTo(OutputStream out) throws IOException;

    /** The content type {@link #writeTo} produces. */
    String contentType();

    ServerMetrics NONE = new ServerMetrics() {
        @Override
        public void callCompleted(String method, CallStatus status, long nanos) {}

        @Override
        public void vectorsSearched(long count) {}

        @Override
        public void vectorsInserted(long count) {}

        @Override
        public void login(LoginResult result, boolean fromCache) {}

        @Override
        public void permissionDenied(String privilege) {}

        @Override
        public void walForced(long nanos) {}

        @Override
        public void collectionRows(Supplier<List<CollectionRows>> source) {}

        @Override
        public void writeTo(OutputStream out) {}

        @Override
        public String contentType() {
            return "text/plain; version=0.0.4; charset=utf-8";
        }
    };
}
