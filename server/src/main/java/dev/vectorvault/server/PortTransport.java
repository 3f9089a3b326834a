package dev.vectorvault.server;

import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.function.Supplier;

/**
 * The Netty transport of the public port's (and a separate REST port's) event loops and listening channel:
 * Netty's native epoll transport (shipped inside grpc-netty-shaded for Linux x86-64 and aarch64) when
 * {@code proxy.grpc.nativeTransport} asks for it and the native library loads, the JDK's NIO otherwise. Both give the
 * same channels to the rest of the server (the connection guard sees every accept the same way); epoll reads and
 * writes the socket without the JDK selector's bookkeeping. The event loops and the listening channel must come from
 * the same transport, which is why one object hands out both.
 */
record PortTransport(String name, Supplier<IoHandlerFactory> ioHandlers, Supplier<ServerChannel> listeners) {
    static final PortTransport NIO = new PortTransport("nio", NioIoHandler::newFactory, NioServerSocketChannel::new);

    /**
     * Epoll when {@code nativeWanted} and available on this machine, else NIO; {@link #fellBackBecause} says why
     * epoll was not taken.
     */
    static PortTransport choose(boolean nativeWanted) {
        if (nativeWanted && Epoll.isAvailable()) {
            return new PortTransport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel::new);
        }
        return NIO;
    }

    /** Why a requested native transport was not used (null when it was, or when it was not requested). */
    static String fellBackBecause(boolean nativeWanted) {
        if (!nativeWanted || Epoll.isAvailable()) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "unknown" : cause.toString();
    }
}
