package dev.vectorvault.server;

import dev.vectorvault.common.ErrorCode;

/** A REST call answered with an error envelope: HTTP status, Milvus code, message. No stack trace is kept or sent. */
final class RestFailure extends RuntimeException {
    private final int httpStatus;
    private final int code;

    RestFailure(int httpStatus, int code, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
    }

    static RestFailure of(ErrorCode code, String message) {
        return new RestFailure(200, code.code(), message);
    }

    /** Milvus's answer when a body lacks a field its binding requires (code 1802). */
    static RestFailure missing(String key) {
        return new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                "missing required parameters, error: " + key + " is required");
    }

    int httpStatus() {
        return httpStatus;
    }

    int code() {
        return code;
    }
}
