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

    @Override
    public void transportTerminated(Attributes transportAttrs) {
        Long id = transportAttrs.get(CONNECTION_ID);
        if (id != null) {
            authenticator.connectionClosed(id);
        }
    }
}
