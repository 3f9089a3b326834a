package dev.vectorvault.server;

import com.google.protobuf.Message;
import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.rbac.AccessDecider;
import dev.vectorvault.auth.rbac.Requirement;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.metrics.ServerMetrics;
import dev.vectorvault.common.PermissionDeniedException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * Milvus's privilege interceptor: before a request reaches its handler, the privilege its message type declares
 * ({@link RequestPrivileges}) is checked for the authenticated caller ({@link AccessDecider}), in the database the
 * request acts in. A denial closes the call with gRPC PERMISSION_DENIED and Milvus's message, and is audit-logged;
 * the handler never runs. Installed inside {@link AuthInterceptor}, so the caller is known. With authentication off
 * nothing is checked.
 */
final class AuthorizationInterceptor implements ServerInterceptor {
    private final RequestPrivileges privileges;
    private final AccessDecider decider;
    private final Catalog catalog;
    private final boolean resolveAliases;
    private final AuditLog audit;
    private final ServerMetrics metrics;

    AuthorizationInterceptor(RequestPrivileges privileges, AccessDecider decider, Catalog catalog,
                             boolean resolveAliases, AuditLog audit) {
        this(privileges, decider, catalog, resolveAliases, audit, ServerMetrics.NONE);
    }

    AuthorizationInterceptor(RequestPrivileges privileges, AccessDecider decider, Catalog catalog,
                             boolean resolveAliases, AuditLog audit, ServerMetrics metrics) {
        this.privileges = privileges;
        this.decider = decider;
        this.catalog = catalog;
        this.resolveAliases = resolveAliases;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        return new CheckedListener<>(next.startCall(call, headers), call);
    }

    /**
     * Checks the first request message of the call. After a denial every later event except the end of the call is
     * dropped, so the handler neither sees the request nor answers a second time.
     */
    private final class CheckedListener<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private boolean denied;

        CheckedListener(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (denied) {
                return;
            }
            Caller caller = CallContext.CALLER.get();
            if (caller != null && message instanceof Message request) {
                Optional<PermissionDeniedException> denial = check(caller, request);
                if (denial.isPresent()) {
                    denied = true;
                    call.close(Status.PERMISSION_DENIED.withDescription(denial.get().getMessage()), new Metadata());
                    return;
                }
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!denied) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!denied) {
                super.onReady();
            }
        }
    }

    private Optional<PermissionDeniedException> check(Caller caller, Message request) {
        Optional<RequestPrivileges.Needs> needs = privileges.needs(request, caller.database(), this::resolve);
        if (needs.isEmpty()) {
            return Optional.empty();
        }
        String database = needs.get().database();
        Requirement needed = needs.get().requirement();
        if (decider.decide(caller.username(), database, needed).allowed()) {
            return Optional.empty();
        }
        PermissionDeniedException denial =
                new PermissionDeniedException(needed.privilege().metastoreName(), caller.username(), database);
        audit.permissionDenied(request.getDescriptorForType().getName().replaceFirst("Request$", ""),
                caller.username(),
                needed.objectType().wireName() + ":" + database + "." + String.join(",", needed.objectNames()),
                caller.clientAddress(), needed.privilege().metastoreName());
        metrics.permissionDenied(needed.privilege().metastoreName());
        return Optional.of(denial);
    }

    /** Milvus's {@code proxy.resolveAliasForPrivilege}: an alias is checked as its collection; unknown names stay. */
    private String resolve(String database, String name) {
        if (!resolveAliases) {
            return name;
        }
        try {
            return catalog.find(database, name).map(Collection::name).orElse(name);
        } catch (RuntimeException e) {
            return name;
        }
    }
}
