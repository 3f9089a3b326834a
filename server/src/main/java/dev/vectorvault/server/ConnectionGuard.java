package dev.vectorvault.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits on client TCP connections, applied where Netty accepts them, before HTTP/2 or TLS starts:
 * <ul>
 *   <li>at most {@code proxy.grpc.maxConnectionsPerAddress} open connections per client IP address; one more is
 *       closed at once, unread (port scans and connection floods cost one accept each);</li>
 *   <li>a connection that has not carried one call past authentication within
 *       {@code proxy.grpc.unauthenticatedIdleTimeoutMs} is closed (with authentication off, any call counts). A
 *       client that has authenticated keeps its connection; gRPC's own {@code maxConnectionIdle} and
 *       {@code maxConnectionAge} (configured on the server builder) handle those.</li>
 * </ul>
 * A connection is known here by its remote socket address, which is also what gRPC hands each call, so the
 * interceptor from {@link #authenticatedCalls()} can mark it.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxPerAddress;
    private final long unauthenticatedIdleMs;
    private final PortTransport transport;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SocketAddress, Connection> open = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
    private final AtomicLong idleClosed = new AtomicLong();

    /** @param maxPerAddress 0 for no cap; @param unauthenticatedIdleMs 0 to never close such connections */
    ConnectionGuard(int maxPerAddress, long unauthenticatedIdleMs) {
        this(maxPerAddress, unauthenticatedIdleMs, PortTransport.NIO);
    }

    /** @param transport whose listening channels this guard hands out (it must match the port's event loops) */
    ConnectionGuard(int maxPerAddress, long unauthenticatedIdleMs, PortTransport transport) {
        this.maxPerAddress = maxPerAddress;
        this.unauthenticatedIdleMs = unauthenticatedIdleMs;
        this.transport = transport;
    }

    /** The Netty transport of the listening channels handed out: {@code epoll} or {@code nio}. */
    String transport() {
        return transport.name();
    }

    /** One accepted TCP connection: whether a call on it has passed authentication. */
    private static final class Connection {
        volatile boolean authenticated;
    }

    /** The listening channel for {@code NettyServerBuilder.channelFactory}: it runs every accept through this guard. */
    ServerChannel newServerChannel() {
        ServerChannel channel = transport.listeners().get();
        // Added before Netty's own acceptor (which the server bootstrap appends), so it sees each new connection first.
        channel.pipeline().addLast(new Acceptor());
        return channel;
    }

    /** Marks the connection of every call that reaches it; install it to run right after authentication. */
    ServerInterceptor authenticatedCalls() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                Connection connection = remote == null ? null : open.get(remote);
                // Read first: after its first call a connection is marked, and a volatile write per call is a fence.
                if (connection != null && !connection.authenticated) {
                    connection.authenticated = true;
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Client connections open now, as the server sees them. */
    int openConnections() {
        return open.size();
    }

    /** Connections refused by the per-address cap since start. */
    long refusedConnections() {
        return refused.get();
    }

    /** Connections closed because they never authenticated in time, since start. */
    long idleClosedConnections() {
        return idleClosed.get();
    }

    private boolean admit(InetAddress address) {
        if (maxPerAddress <= 0) {
            perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            return true;
        }
        boolean[] admitted = new boolean[1];
        perAddress.compute(address, (a, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            if (current.get() < maxPerAddress) {
                current.incrementAndGet();
                admitted[0] = true;
            }
            return current.get() == 0 ? null : current;
        });
        return admitted[0];
    }

    private void closed(InetAddress address, SocketAddress remote) {
        open.remove(remote);
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void logRefusal(InetAddress address) {
        long total = refused.incrementAndGet();
        long last = lastRefusalLog.get();
        long now = System.nanoTime();
        // At most one line a minute, however fast connections are refused.
        if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            LOG.warn("event=connection_refused reason=per_address_limit client={} limit={} refusedSinceStart={}"
                    + " (proxy.grpc.maxConnectionsPerAddress)", address.getHostAddress(), maxPerAddress, total);
        }
    }

    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (!(child.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
                child.unsafe().closeForcibly(); // already gone
                return;
            }
            InetAddress address = remote.getAddress();
            if (!admit(address)) {
                logRefusal(address);
                child.unsafe().closeForcibly();
                return;
            }
            Connection connection = new Connection();
            open.put(remote, connection);
            child.closeFuture().addListener(f -> closed(address, remote));
            if (unauthenticatedIdleMs > 0) {
                child.pipeline().addFirst(new IdleCheck(connection));
            }
            ctx.fireChannelRead(child);
        }
    }

    /** Closes its connection if no call on it has passed authentication when the timeout is up. */
    private final class IdleCheck extends ChannelInboundHandlerAdapter {
        private final Connection connection;

        IdleCheck(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
            ctx.executor().schedule(() -> {
                if (!connection.authenticated && ctx.channel().isOpen()) {
                    idleClosed.incrementAndGet();
                    LOG.debug("event=connection_closed reason=unauthenticated_idle client={}", ctx.channel().remoteAddress());
                    // From this (first) handler straight to the socket: handlers behind it, such as the REST
                    // protocol switch that drops gRPC's closes on an HTTP/1.1 connection, never see it.
                    ctx.close();
                }
            }, unauthenticatedIdleMs, TimeUnit.MILLISECONDS);
            super.channelRegistered(ctx);
        }
    }
}
