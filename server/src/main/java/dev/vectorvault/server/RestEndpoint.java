package dev.vectorvault.server;

import dev.vectorvault.auth.Authenticator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelDuplexHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.group.ChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.group.DefaultChannelGroup;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateEvent;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateHandler;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.grpc.netty.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RESTful API v2 on the gRPC port, as Milvus serves it. Every accepted connection starts with a {@link
 * ProtocolSwitch} in front of gRPC's own handlers: the HTTP/2 client preface ({@code PRI * HTTP/2.0}) hands the
 * connection to gRPC untouched (the switch removes itself; a gRPC call never passes through it), anything else is
 * HTTP/1.1, served by Netty's HTTP codec and {@link RestApi}. The decision costs one look at a connection's first
 * four bytes. With TLS on, TLS ends in front of the switch (gRPC then runs on the decrypted stream, its ALPN
 * still h2). Connection limits (per-address cap, unauthenticated idle close) apply to both kinds, as both are
 * accepted by {@link ConnectionGuard}.
 */
final class RestEndpoint implements AutoCloseable {
    private static final AtomicLong HTTP_CONNECTION_IDS = new AtomicLong();

    /** A fresh id for an HTTP connection (or a console session): gRPC connections count up from 1, these down. */
    static long nextConnectionId() {
        return -HTTP_CONNECTION_IDS.incrementAndGet();
    }
    private static final String HTTP_ENTRY = "http-entry";

    private final RestApi api;
    private final Authenticator authenticator;
    private final int maxBodyBytes;
    private final long keepAliveTimeoutMs;
    private final ExecutorService workers;
    private final ChannelGroup channels = new DefaultChannelGroup("rest", GlobalEventExecutor.INSTANCE);
    private volatile Channel separateListener;
    private final RestGateway gateway;
    /** TLS (null: plain): on the shared port in front of the protocol switch, else in front of the HTTP codec. */
    private final io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls;
    private final boolean sharedPort;

    RestEndpoint(RestApi api, Authenticator authenticator, int maxBodyBytes, long keepAliveTimeoutMs,
                 RestGateway gateway, io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls, boolean sharedPort) {
        this.api = api;
        this.sharedPort = sharedPort;
        this.gateway = gateway;
        this.tls = tls;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.keepAliveTimeoutMs = keepAliveTimeoutMs;
        AtomicInteger threads = new AtomicInteger();
        // One thread per request in flight, as gRPC's default executor; bounded by the connection limits, since each
        // HTTP/1.1 connection has at most one request in flight here.
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rest-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether TLS on the shared port ends here (then gRPC's server must not set up TLS itself). */
    boolean terminatesSharedTls() {
        return sharedPort && tls != null;
    }

    /** For the listening channel's pipeline: gives every accepted connection its protocol switch. */
    ChannelInboundHandlerAdapter acceptor() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Channel child = (Channel) msg;
                // Added before gRPC's initializer (appended later by the server bootstrap), so it sees bytes first.
                if (tls != null) {
                    child.pipeline().addLast("tls", tls.newHandler(child.alloc()));
                }
                child.pipeline().addLast("vectorvault-protocol-switch", new ProtocolSwitch());
                ctx.fireChannelRead(child);
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
    }

    /**
     * The HTTP/1.1 handlers for one connection: before the handler named {@code before} (the protocol switch), or
     * at the end of the pipeline when null (a separate REST port).
     */
    private void installHttp(Channel channel, String before) {
        long connectionId = nextConnectionId();
        channels.add(channel);
        channel.closeFuture().addListener(f -> authenticator.connectionClosed(connectionId));
        ChannelPipeline pipeline = channel.pipeline();
        java.util.function.BiConsumer<String, io.grpc.netty.shaded.io.netty.channel.ChannelHandler> add =
                (name, handler) -> {
                    if (before == null) {
                        pipeline.addLast(name, handler);
                    } else {
                        pipeline.addBefore(before, name, handler);
                    }
                };
        if (tls != null && before == null) {
            add.accept("tls", tls.newHandler(channel.alloc()));
        }
        // Marks where HTTP starts: the protocol switch hands its first bytes on from here.
        add.accept(HTTP_ENTRY, new ChannelInboundHandlerAdapter());
        add.accept("http-codec", new HttpServerCodec());
        add.accept("http-keep-alive", new HttpServerKeepAliveHandler());
        add.accept("http-body", new BoundedBody(maxBodyBytes));
        if (keepAliveTimeoutMs > 0) {
            add.accept("http-idle", new IdleStateHandler(0, 0, keepAliveTimeoutMs, TimeUnit.MILLISECONDS));
        }
        add.accept("rest", new RestHandler(connectionId));
    }

    /**
     * REST on its own port ({@code proxy.http.port}): the same handlers, accepted through the same connection
     * guard, on the gRPC server's event loops. @return the bound port
     */
    int listenSeparately(int port, io.grpc.netty.shaded.io.netty.channel.EventLoopGroup boss,
                         io.grpc.netty.shaded.io.netty.channel.EventLoopGroup workerLoops,
                         java.util.function.Supplier<io.grpc.netty.shaded.io.netty.channel.ServerChannel> listener)
            throws java.io.IOException {
        io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap bootstrap =
                new io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap()
                        .group(boss, workerLoops)
                        .channelFactory((io.grpc.netty.shaded.io.netty.channel.ChannelFactory<
                                io.grpc.netty.shaded.io.netty.channel.ServerChannel>) listener::get)
                        .childHandler(new io.grpc.netty.shaded.io.netty.channel.ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                installHttp(channel, null);
                            }
                        });
        io.grpc.netty.shaded.io.netty.channel.ChannelFuture bound = bootstrap.bind(port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new java.io.IOException("cannot listen on proxy.http.port " + port + ": " + bound.cause(),
                    bound.cause());
        }
        separateListener = bound.channel();
        return ((InetSocketAddress) separateListener.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (separateListener != null) {
            separateListener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        // Each connection is closed from the HTTP handlers' place towards the socket. channels.close() starts at the
        // pipeline's tail, where a shared-port connection still has gRPC's idle handlers: they turn a close into a
        // graceful HTTP/2 shutdown that an HTTP/1.1 client never answers, so the connection stayed open and gRPC's
        // server shutdown waited out its whole 5 s grace for it (MilvusServer.close, at every server stop).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<io.grpc.netty.shaded.io.netty.channel.ChannelFuture> closing = new ArrayList<>();
        for (Channel channel : channels) {
            ChannelHandlerContext entry = channel.pipeline().context(HTTP_ENTRY);
            closing.add(entry != null ? entry.close() : channel.close());
        }
        for (io.grpc.netty.shaded.io.netty.channel.ChannelFuture closed : closing) {
            closed.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        workers.shutdownNow();
        gateway.close();
    }

    /** Until the first bytes decide, holds back what gRPC writes (its HTTP/2 settings) and what the client sent. */
    private final class ProtocolSwitch extends ChannelDuplexHandler {
        private static final byte[] HTTP2_PREFIX = "PRI ".getBytes(StandardCharsets.US_ASCII);

        private ByteBuf received;
        private final List<Object[]> heldWrites = new ArrayList<>();
        private boolean flushHeld;
        private boolean http;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes) || http) {
                ctx.fireChannelRead(msg);
                return;
            }
            received = received == null ? bytes : Unpooled.wrappedBuffer(received, bytes);
            int n = Math.min(received.readableBytes(), HTTP2_PREFIX.length);
            for (int i = 0; i < n; i++) {
                if (received.getByte(received.readerIndex() + i) != HTTP2_PREFIX[i]) {
                    switchToHttp(ctx);
                    return;
                }
            }
            if (n == HTTP2_PREFIX.length) {
                switchToGrpc(ctx);
            }
        }

        private void switchToGrpc(ChannelHandlerContext ctx) {
            for (Object[] write : heldWrites) {
                ctx.write(write[0], (ChannelPromise) write[1]);
            }
            heldWrites.clear();
            if (flushHeld) {
                ctx.flush();
            }
            ByteBuf bytes = received;
            received = null;
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(bytes);
        }

        private void switchToHttp(ChannelHandlerContext ctx) {
            http = true;
            // gRPC's handlers stay behind this one, idle: what they write (settings, pings, GOAWAY) and their
            // closes (handshake timeout, connection age) are dropped here; the HTTP side has its own keep-alive
            // timeout, and the connection guard closes a connection that never authenticated.
            heldWrites.forEach(write -> {
                ReferenceCountUtil.release(write[0]);
                ((ChannelPromise) write[1]).trySuccess();
            });
            heldWrites.clear();
            installHttp(ctx.channel(), ctx.name());
            ByteBuf bytes = received;
            received = null;
            // Into the codec itself (the bytes this switch holds are already decrypted when TLS is on, so they
            // must not pass the TLS handler again).
            ctx.pipeline().context(HTTP_ENTRY).fireChannelRead(bytes);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (http) {
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            } else {
                heldWrites.add(new Object[] {msg, promise});
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!http) {
                flushHeld = true;
            }
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            if (http) {
                promise.trySuccess();
            } else {
                ctx.close(promise);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (received != null) {
                received.release();
                received = null;
            }
            heldWrites.forEach(write -> {
                ReferenceCountUtil.release(write[0]);
                ((ChannelPromise) write[1]).tryFailure(new java.nio.channels.ClosedChannelException());
            });
            heldWrites.clear();
            super.channelInactive(ctx);
        }
    }

    /** The body limit ({@code proxy.http.maxRequestBodyBytes}): a larger body is answered with an envelope, unread. */
    private static final class BoundedBody extends HttpObjectAggregator {
        BoundedBody(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, RestApi.envelope(
                    dev.vectorvault.common.ErrorCode.PARAMETER_INVALID.code(),
                    "request body larger than proxy.http.maxRequestBodyBytes (" + maxContentLength() + " bytes)")))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One request at a time per connection, in order, each on a worker thread (the event loop never blocks). */
    private final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final long connectionId;
        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean busy;

        RestHandler(long connectionId) {
            super(false);
            this.connectionId = connectionId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            waiting.add(request);
            if (!busy) {
                next(ctx);
            }
        }

        private void next(ChannelHandlerContext ctx) {
            FullHttpRequest request = waiting.poll();
            if (request == null) {
                busy = false;
                ctx.channel().config().setAutoRead(true);
                return;
            }
            busy = true;
            ctx.channel().config().setAutoRead(false);
            if (!request.decoderResult().isSuccess()) {
                request.release();
                ctx.writeAndFlush(response(HttpResponseStatus.BAD_REQUEST, RestApi.envelope(
                        dev.vectorvault.common.ErrorCode.INCORRECT_PARAMETER_FORMAT.code(), "malformed HTTP request")))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
            try {
                workers.execute(() -> {
                    RestApi.Reply reply;
                    try {
                        reply = api.handle(request, client, connectionId);
                    } catch (Throwable t) { // an Error: still an envelope, the details in the log only
                        io.milvus.grpc.Status status = StatusMapper.unexpected("REST", t);
                        reply = new RestApi.Reply(500, RestApi.envelope(status.getCode(), status.getReason()));
                    } finally {
                        request.release();
                    }
                    RestApi.Reply answer = reply;
                    ctx.executor().execute(() -> ctx.writeAndFlush(response(
                            HttpResponseStatus.valueOf(answer.httpStatus()), answer.body()))
                            .addListener(f -> ctx.executor().execute(() -> next(ctx))));
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                request.release();
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent && !busy) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static FullHttpResponse response(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
