package dev.vectorvault.server;

import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.Password;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Authenticates every call on the server, health checks and {@code Connect} included, exactly as Milvus 2.6 does:
 * {@code authorization} = base64("user:password"), failures as gRPC UNAUTHENTICATED with Milvus's messages. With
 * authentication off, the header is parsed but not checked, and (protected mode) only loopback clients are served.
 */
final class AuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> DBNAME = Metadata.Key.of("dbname", Metadata.ASCII_STRING_MARSHALLER);

    static final String MISSING = "missing authorization in header";
    static final String BAD_FORMAT = "invalid token format";
    static final String API_KEY_FAILURE = "auth check failure, please check api key is correct";
    static final String FAILURE = "auth check failure, please check username and password are correct";
    static final String PROTECTED = "protected mode: authentication is disabled (common.security.authorizationEnabled"
            + "=false), so only loopback clients are served; enable authentication, or set"
            + " common.security.protectedMode=false to serve remote clients without authentication";

    private final boolean authenticationEnabled;
    private final boolean protectedMode;
    private final Authenticator authenticator;

    AuthInterceptor(boolean authenticationEnabled, boolean protectedMode, Authenticator authenticator) {
        this.authenticationEnabled = authenticationEnabled;
        this.protectedMode = protectedMode;
        this.authenticator = authenticator;
    }

    /** A decoded header: the user name and the password bytes after the first ':' (package-private for fuzzing). */
    record Credentials(String username, byte[] password) {}

    /**
     * The call whose credentials {@link CallExecution} has just proved against its connection on this thread (it
     * decides to run a call inline on that proof, and grpc-java then starts the call on the same thread): its headers,
     * by identity, and the user. Saves decoding and hashing the same header twice per call.
     */
    private record ProvenCall(Metadata headers, String username) {}

    private static final ThreadLocal<ProvenCall> PROVEN_HERE = new ThreadLocal<>();

    /** Called by {@link CallExecution} when {@code headers} proved {@code username} on the call's connection. */
    static void provenHere(Metadata headers, String username) {
        PROVEN_HERE.set(new ProvenCall(headers, username));
    }

    /** The user these very headers proved on this thread, or null; forgets the proof either way. */
    private static String takeProven(Metadata headers) {
        ProvenCall proven = PROVEN_HERE.get();
        if (proven == null) {
            return null;
        }
        PROVEN_HERE.remove();
        return proven.headers() == headers ? proven.username() : null;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String client = describe(remote);
        String database = Optional.ofNullable(headers.get(DBNAME)).filter(s -> !s.isEmpty()).orElse("default");
        String header = first(headers.getAll(AUTHORIZATION));

        if (!authenticationEnabled) {
            if (protectedMode && !isLoopback(remote)) {
                return reject(call, Status.PERMISSION_DENIED, PROTECTED);
            }
            // Milvus reads the (unverified) user even with authentication off, e.g. for super-user password resets.
            String user = header == null ? "" : decode(header).map(Credentials::username).orElse("");
            return proceed(call, headers, next, new Caller(user, false, client, database));
        }

        String provenUser = takeProven(headers);
        if (provenUser != null) {
            authenticator.acceptedAsProven(provenUser, client);
            return proceed(call, headers, next, new Caller(provenUser, true, client, database));
        }
        if (header == null) {
            return reject(call, Status.UNAUTHENTICATED, MISSING);
        }
        Optional<Credentials> credentials = decode(header);
        if (credentials.isEmpty()) {
            return reject(call, Status.UNAUTHENTICATED, BAD_FORMAT);
        }
        if (credentials.get().username() == null) {
            return reject(call, Status.UNAUTHENTICATED, API_KEY_FAILURE);
        }
        String user = credentials.get().username();
        byte[] secret = credentials.get().password();
        try {
            Optional<Password> password = Password.fromUtf8(secret);
            boolean accepted = !user.isEmpty() && password.isPresent()
                    && authenticator.authenticate(user, password.get(), client,
                            call.getAttributes().get(ConnectionTracker.CONNECTION_ID))
                    == Authenticator.Outcome.ACCEPTED;
            if (!accepted) {
                return reject(call, Status.UNAUTHENTICATED, FAILURE);
            }
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return proceed(call, headers, next, new Caller(user, true, client, database));
    }

    /** Milvus reads {@code md["authorization"][0]}: with repeated headers the first one counts. */
    private static String first(Iterable<String> values) {
        return values == null ? null : values.iterator().next();
    }

    private static <Q, R> ServerCall.Listener<Q> proceed(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next, Caller caller) {
        Context context = Context.current().withValue(CallContext.CALLER, caller);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> reject(ServerCall<Q, R> call, Status status, String message) {
        call.close(status.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /**
     * Standard base64 of "user:password" split at the first ':' (the password may contain ':'). A value without ':'
     * is an API key: returned with a null user name. Empty when the value is not base64 or the name not UTF-8.
     */
    static Optional<Credentials> decode(String header) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = -1;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            Arrays.fill(raw, (byte) 0);
            return Optional.of(new Credentials(null, new byte[0]));
        }
        String user = new String(raw, 0, colon, StandardCharsets.UTF_8);
        byte[] password = Arrays.copyOfRange(raw, colon + 1, raw.length);
        Arrays.fill(raw, (byte) 0);
        return Optional.of(new Credentials(user, password));
    }

    static boolean isLoopback(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            InetAddress address = inet.getAddress();
            return address != null && address.isLoopbackAddress();
        }
        // In-process and Unix-domain transports never leave the machine.
        return remote != null;
    }

    private static String describe(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return remote == null ? "unknown" : remote.getClass().getSimpleName();
    }
}
