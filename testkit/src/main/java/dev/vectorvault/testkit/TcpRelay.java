package dev.vectorvault.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a free loopback port that forwards every connection to one target, and can cut the link as a
 * network partition would: {@link #cut} drops every open connection and holds new ones open without forwarding a
 * byte (the client sees silence, not a refusal); {@link #restore} closes the held connections so clients reconnect
 * through the relay again. Nothing sent while the link is cut ever reaches the target. Uses only the JDK.
 */
public final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpRelay(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
    }

    public static TcpRelay start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpRelay relay = new TcpRelay(new InetSocketAddress(host, port), server);
            Thread acceptor = new Thread(relay::accept, "tcp-relay " + server.getLocalPort() + "->" + port);
            acceptor.setDaemon(true);
            acceptor.start();
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Drops every open connection; new ones are accepted and left silent until {@link #restore}. */
    public void cut() {
        cut = true;
        closeAll(open);
    }

    /** Forwards again; connections held while cut are closed so that their clients reconnect. */
    public void restore() {
        cut = false;
        closeAll(held);
    }

    public boolean isCut() {
        return cut;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                held.add(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(target, 2_000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                close(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (cut) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side or cut() closed the connection.
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-relay-pump " + port());
        thread.setDaemon(true);
        thread.start();
    }

    private void closeAll(Set<Socket> sockets) {
        for (Socket socket : sockets.toArray(Socket[]::new)) {
            close(socket);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        held.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Already closed.
        }
        closeAll(open);
        closeAll(held);
    }
}
