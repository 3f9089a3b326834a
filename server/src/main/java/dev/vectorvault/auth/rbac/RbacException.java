package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.MilvusException;

/**
 * An RBAC request that failed with one of Milvus's role, grant or group failures. {@link #errorCode()} is the
 * nearest shared code; a status mapper that wants Milvus's exact status reads {@link #failure()}.
 */
public final class RbacException extends MilvusException {
    private final RbacFailure failure;

    public RbacException(RbacFailure failure, String reason) {
        super(failure.fallback(), reason);
        this.failure = failure;
    }

    public RbacFailure failure() {
        return failure;
    }
}
