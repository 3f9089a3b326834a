package dev.vectorvault.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One cached channel per owner's internal address ({@code host:port}), reused by every forwarded call. Plaintext: the
 * internal port ({@code proxy.internalPort}) must be on a private network between the nodes. Every forwarded call is
 * signed, so a stranger there cannot act as a user, but the traffic itself (rows, vectors) is readable on the wire.
 *
 * <p>A dead owner must give a prompt failure, never a hang: connecting gives up after {@link #CONNECT_TIMEOUT_MS},
 * and keep-alive pings notice a silent peer on an open connection within about 20 s, failing its calls UNAVAILABLE.
 */
final class OwnerChannels implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final long KEEP_ALIVE_MS = 10_000;

    private final int maxInboundBytes;
    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param maxInboundBytes the largest response accepted from an owner: what the owner may send a client */
    OwnerChannels(int maxInboundBytes) {
        this.maxInboundBytes = maxInboundBytes;
    }

    ManagedChannel to(String internalAddress) {
        if (closed) {
            throw new IllegalStateException("the server is shutting down");
        }
        return channels.computeIfAbsent(internalAddress, address -> NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(maxInboundBytes)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .keepAliveTime(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS)
                .build());
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
