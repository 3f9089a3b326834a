package dev.vectorvault.server;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Sends a fixed {@code authorization} header and, when given, a {@code dbname} header, as the SDKs do. */
final class WireHeaders implements ClientInterceptor {
    private final String authorization;
    private final String database;

    /** @param database null for no {@code dbname} header */
    WireHeaders(String authorization, String database) {
        this.authorization = authorization;
        this.database = database;
    }

    /** The SDKs' header value: base64 of {@code user:password}. */
    static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new HeaderCall<>(next.newCall(method, options));
    }

    private final class HeaderCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
        HeaderCall(ClientCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            headers.put(AuthInterceptor.AUTHORIZATION, authorization);
            if (database != null) {
                headers.put(AuthInterceptor.DBNAME, database);
            }
            super.start(listener, headers);
        }
    }
}
