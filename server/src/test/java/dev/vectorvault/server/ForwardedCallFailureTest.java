package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/**
 * Which failures of a forwarded call mean "the peer may be gone" (a read tries the next replica) rather than an answer
 * from the peer's handler. CI once saw UNKNOWN "channel closed" reach a client while a replica's owner was killed.
 */
class ForwardedCallFailureTest {

    @Test
    void aConnectionDroppedMidCallCountsAsThePeerBeingGone() {
        assertThat(ForwardingInterceptor.transportFailure(Status.UNAVAILABLE.withDescription("io exception")))
                .isTrue();
        assertThat(ForwardingInterceptor.transportFailure(Status.UNKNOWN.withDescription("channel closed")))
                .isTrue();
        assertThat(ForwardingInterceptor.transportFailure(Status.UNKNOWN.withCause(new ClosedChannelException())))
                .isTrue();
    }

    @Test
    void anAnswerFromThePeersHandlerIsRelayedNotRetried() {
        assertThat(ForwardingInterceptor.transportFailure(Status.OK)).isFalse();
        assertThat(ForwardingInterceptor.transportFailure(Status.UNKNOWN.withDescription("handler threw"))).isFalse();
        assertThat(ForwardingInterceptor.transportFailure(Status.PERMISSION_DENIED)).isFalse();
        assertThat(ForwardingInterceptor.transportFailure(Status.INVALID_ARGUMENT)).isFalse();
    }
}
