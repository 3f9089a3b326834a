package dev.vectorvault.server;

import dev.vectorvault.auth.Caller;
import io.grpc.Context;

/** The per-call {@link Caller}, set by {@link AuthInterceptor} and read by the service adapters. */
final class CallContext {
    static final Context.Key<Caller> CALLER = Context.key("vectorvault-caller");

    private CallContext() {}

    static Caller caller() {
        Caller caller = CALLER.get();
        if (caller == null) {
            throw new IllegalStateException("no caller in context: AuthInterceptor is not installed");
        }
        return caller;
    }
}
