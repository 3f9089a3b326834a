package dev.vectorvault.common;

/** A request that failed for a reason the client must see in the response {@code Status}. Never carries secrets. */
public class MilvusException extends RuntimeException {
    private final ErrorCode errorCode;

    public MilvusException(ErrorCode errorCode, String reason) {
        super(reason, null, false, false);
        this.errorCode = errorCode;
    }

    /** With a cause and a stack trace: for failures (such as I/O) whose origin the server log must show. */
    protected MilvusException(ErrorCode errorCode, String reason, Throwable cause) {
        super(reason, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** Code 1100 with Milvus's message exactly as given (no ": invalid parameter" suffix). */
    public static MilvusException invalidParameterAsIs(String reason) {
        return new MilvusException(ErrorCode.PARAMETER_INVALID, reason);
    }

    public static MilvusException invalidParameter(String detail) {
        return new MilvusException(ErrorCode.PARAMETER_INVALID, detail + ": invalid parameter");
    }
}
