package dev.vectorvault.server;

import com.google.protobuf.MessageLite;
import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.cluster.ForwardedIdentity;
import dev.vectorvault.cluster.ForwardingKey;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal endpoint's authentication: instead of a password, a call carries the identity the entry node vouches
 * for ({@link ForwardedCallHeaders}), signed with the cluster's key. Before the request reaches authorization or its
 * handler, this checks the signature over the method, identity and received request (constant time), that it was
 * issued within {@link ForwardedIdentity#MAX_SKEW_MILLIS}, and, with authentication on, that the user still exists
 * here. Authorization then runs again with this node's own policy, so a privilege revoked here is denied even if the
 * entry node has not seen the revoke yet. Anything else is refused UNAUTHENTICATED; the reason goes to this node's
 * log only (never the key or a signature), the caller sees one message.
 */
final class ForwardedIdentityInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardedIdentityInterceptor.class);
    static final String REFUSED = "forwarded call refused: the internal port serves only calls signed by a node of"
            + " this cluster";

    private final ForwardingKey key;
    private final CredentialStore credentials;
    private final boolean authenticationEnabled;
    private final LongSupplier clock;

    ForwardedIdentityInterceptor(ForwardingKey key, CredentialStore credentials, boolean authenticationEnabled,
                                 LongSupplier clock) {
        this.key = key;
        this.credentials = credentials;
        this.authenticationEnabled = authenticationEnabled;
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Optional<ForwardedCallHeaders.Claim> claim = ForwardedCallHeaders.claim(headers);
        if (claim.isEmpty()) {
            LOG.warn("event=forward_refused method={} reason=unsigned", call.getMethodDescriptor().getBareMethodName());
            call.close(Status.UNAUTHENTICATED.withDescription(REFUSED), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        ForwardedCallHeaders.Claim c = claim.get();
        // Nothing downstream acts before the request has been verified (onMessage below).
        Caller caller = new Caller(c.user(), authenticationEnabled, c.clientAddress(), c.database());
        Context context = Context.current().withValue(CallContext.CALLER, caller);
        return new Verifying<>(Contexts.interceptCall(context, call, headers, next), call, c);
    }

    private final class Verifying<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final ForwardedCallHeaders.Claim claim;
        private boolean verified;
        private boolean refused;

        Verifying(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, ForwardedCallHeaders.Claim claim) {
            super(delegate);
            this.call = call;
            this.claim = claim;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            if (!verified) {
                Optional<String> refusal = refusal(message);
                if (refusal.isPresent()) {
                    refused = true;
                    LOG.warn("event=forward_refused method={} entryNode={} user={} reason={}",
                            call.getMethodDescriptor().getBareMethodName(), claim.entryNodeId(), claim.user(),
                            refusal.get());
                    call.close(Status.UNAUTHENTICATED.withDescription(
                            refusal.get().equals("user_gone") ? AuthInterceptor.FAILURE : REFUSED), new Metadata());
                    return;
                }
                verified = true;
            }
            super.onMessage(message);
        }

        /** Why the call is refused, as a log word; empty when it verifies. */
        private Optional<String> refusal(Q message) {
            if (!(message instanceof MessageLite request)) {
                return Optional.of("not_a_message");
            }
            ForwardedIdentity identity = claim.identity(call.getMethodDescriptor().getFullMethodName(),
                    ForwardedIdentity.digestOf(request.toByteArray()));
            if (!identity.signedBy(key, claim.signature())) {
                return Optional.of("bad_signature");
            }
            if (!identity.freshAt(clock.getAsLong())) {
                return Optional.of("stale");
            }
            if (authenticationEnabled && (claim.user().isEmpty() || credentials.find(claim.user()).isEmpty())) {
                return Optional.of("user_gone");
            }
            return Optional.empty();
        }

        @Override
        public void onHalfClose() {
            // A call that never sent its message is not verified either: it must not reach its handler.
            if (!refused && verified) {
                super.onHalfClose();
            } else if (!refused) {
                refused = true;
                call.close(Status.UNAUTHENTICATED.withDescription(REFUSED), new Metadata());
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                super.onReady();
            }
        }
    }
}
