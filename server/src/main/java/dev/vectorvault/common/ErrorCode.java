package dev.vectorvault.common;

/**
 * Failures reported inside a response {@code Status}, with Milvus's merr code and the deprecated
 * {@code error_code} enum number that older SDKs still read.
 */
public enum ErrorCode {
    /** Validation of names, lengths and values (merr ParameterInvalid, legacy IllegalArgument). */
    PARAMETER_INVALID(1100, 5),
    /** A wrong old password when changing one (merr ErrNotAuthenticated). */
    NOT_AUTHENTICATED(1400, 1),
    /** An operation that nobody may do, such as deleting root (merr ErrPrivilegeNotPermitted). */
    PRIVILEGE_NOT_PERMITTED(1401, 1),
    /** Rootcoord-side credential creation failures: duplicates, user limit. */
    CREATE_CREDENTIAL_FAILED(65535, 29),
    /** Rootcoord-side credential update failures. */
    UPDATE_CREDENTIAL_FAILED(65535, 30),
    /** Anything else; the reason explains. */
    UNEXPECTED(65535, 1);

    private final int code;
    private final int legacyCode;

    ErrorCode(int code, int legacyCode) {
        this.code = code;
        this.legacyCode = legacyCode;
    }

    /** Milvus's {@code Status.code}. */
    public int code() {
        return code;
    }

    /** Milvus's deprecated {@code Status.error_code} enum number. */
    public int legacyCode() {
        return legacyCode;
    }
}
