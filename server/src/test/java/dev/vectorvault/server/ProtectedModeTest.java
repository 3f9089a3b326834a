package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protected mode decides on the peer address, which a loopback-only test machine cannot produce for real; the
 * interceptor is driven directly with a call that claims a remote peer.
 */
@Timeout(10)
class ProtectedModeTest {

    @Test
    void remoteClientIsRefusedWhileAuthenticationIsOffAndProtectedModeOn() {
        assertThat(outcome(true, "203.0.113.7")).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void loopbackClientIsServedInProtectedMode() {
        assertThat(outcome(true, "127.0.0.1")).isNull();
        assertThat(outcome(true, "::1")).isNull();
    }

    @Test
    void operatorMayAllowRemoteUnauthenticatedClients() {
        assertThat(outcome(false, "203.0.113.7")).isNull();
    }

    /** The status the call was closed with, or null when it went on to the service. */
    private static Status.Code outcome(boolean protectedMode, String peer) {
        AuthInterceptor interceptor = new AuthInterceptor(false, protectedMode, null);
        AtomicReference<Status> closed = new AtomicReference<>();
        AtomicBoolean reachedService = new AtomicBoolean();
        ServerCall<InputStream, InputStream> call = new FakeCall(new InetSocketAddress(peer, 40000), closed);
        interceptor.interceptCall(call, new Metadata(), (c, h) -> {
            reachedService.set(true);
            return new ServerCall.Listener<InputStream>() {};
        });
        assertThat(reachedService.get()).isEqualTo(closed.get() == null);
        return closed.get() == null ? null : closed.get().getCode();
    }

    private static final class FakeCall extends ServerCall<InputStream, InputStream> {
        private final Attributes attributes;
        private final AtomicReference<Status> closed;

        FakeCall(InetSocketAddress peer, AtomicReference<Status> closed) {
            this.attributes = Attributes.newBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, peer).build();
            this.closed = closed;
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed.set(status);
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void sendHeaders(Metadata headers) {}

        @Override
        public void sendMessage(InputStream message) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<InputStream, InputStream> getMethodDescriptor() {
            return null;
        }
    }
}
