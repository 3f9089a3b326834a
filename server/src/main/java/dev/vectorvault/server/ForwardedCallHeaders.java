package dev.vectorvault.server;

import dev.vectorvault.cluster.ForwardedIdentity;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How a {@link ForwardedIdentity} and its signature travel as gRPC metadata on the internal channel. Text values are
 * binary headers (UTF-8), so no name or address can break the header encoding. The request digest is not sent: the
 * owner computes it from the request it received.
 */
final class ForwardedCallHeaders {
    static final Metadata.Key<byte[]> USER = Metadata.Key.of("vv-forward-user-bin", Metadata.BINARY_BYTE_MARSHALLER);
    static final Metadata.Key<byte[]> DATABASE =
            Metadata.Key.of("vv-forward-db-bin", Metadata.BINARY_BYTE_MARSHALLER);
    static final Metadata.Key<byte[]> CLIENT =
            Metadata.Key.of("vv-forward-client-bin", Metadata.BINARY_BYTE_MARSHALLER);
    static final Metadata.Key<String> ENTRY_NODE = Metadata.Key.of("vv-forward-node", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ISSUED_AT =
            Metadata.Key.of("vv-forward-issued-at", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> SIGNATURE =
            Metadata.Key.of("vv-forward-signature-bin", Metadata.BINARY_BYTE_MARSHALLER);

    private ForwardedCallHeaders() {}

    /** What the entry node claims, before anything is verified. */
    record Claim(String user, String database, String clientAddress, long entryNodeId, long issuedAtMillis,
                 byte[] signature) {
        ForwardedIdentity identity(String method, byte[] requestDigest) {
            return new ForwardedIdentity(method, user, database, clientAddress, entryNodeId, issuedAtMillis,
                    requestDigest);
        }

        @Override
        public String toString() {
            return "Claim[user=" + user + ", database=" + database + ", entryNode=" + entryNodeId + "]";
        }
    }

    static Metadata of(ForwardedIdentity identity, byte[] signature) {
        Metadata headers = new Metadata();
        headers.put(USER, identity.user().getBytes(StandardCharsets.UTF_8));
        headers.put(DATABASE, identity.database().getBytes(StandardCharsets.UTF_8));
        headers.put(CLIENT, identity.clientAddress().getBytes(StandardCharsets.UTF_8));
        headers.put(ENTRY_NODE, Long.toString(identity.entryNodeId()));
        headers.put(ISSUED_AT, Long.toString(identity.issuedAtMillis()));
        headers.put(SIGNATURE, signature);
        return headers;
    }

    /** The claim in {@code headers}; empty when any part is missing or malformed (not a forwarded call). */
    static Optional<Claim> claim(Metadata headers) {
        byte[] user = headers.get(USER);
        byte[] database = headers.get(DATABASE);
        byte[] client = headers.get(CLIENT);
        String node = headers.get(ENTRY_NODE);
        String issued = headers.get(ISSUED_AT);
        byte[] signature = headers.get(SIGNATURE);
        if (user == null || database == null || client == null || node == null || issued == null
                || signature == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Claim(new String(user, StandardCharsets.UTF_8),
                    new String(database, StandardCharsets.UTF_8), new String(client, StandardCharsets.UTF_8),
                    Long.parseLong(node), Long.parseLong(issued), signature));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
