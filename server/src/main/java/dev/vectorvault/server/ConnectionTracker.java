package dev.vectorvault.server;

import dev.vectorvault.auth.Authenticator;
import io.grpc.Attributes;
import io.grpc.ServerTransportFilter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives every client connection an id (a transport attribute every call on it can read) and tells the
 * {@link Authenticator} when the connection closes, so what it proved is forgotten.
 */
final class ConnectionTracker extends ServerTransportFilter {
    static final Attributes.Key<Long> CONNECTION_ID = Attributes.Key.create("vectorvault-connection-id");

    private final AtomicLong ids = new AtomicLong();
    private final Authenticator authenticator;

    ConnectionTracker(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Attributes transportReady(Attributes transportAttrs) {
        return transportAttrs.toBuilder().set(CONNECTION_ID, ids.incrementAndGet()).build();
    }

    /**
     * {@code transportAttrs} is null for a connection that closed before HTTP/2 was set up (a port scan, junk bytes,
     * a failed TLS handshake): grpc-java only has attributes once {@link #transportReady} ran. Such a connection never
     * carried a call, so there is nothing to forget.
     */
    @Override
    public void transportTerminated(Attributes transportAttrs) {
        if (transportAttrs == null) {
            return;
        }
        Long id = transportAttrs.get(CONNECTION_ID);
        if (id != null) {
            authenticator.connectionClosed(id);
        }
    }
}
