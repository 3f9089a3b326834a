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

    int httpStatus() {
        return httpStatus;
    }

    int code() {
        return code;
    }
}
