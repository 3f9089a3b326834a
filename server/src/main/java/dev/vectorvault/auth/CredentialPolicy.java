package dev.vectorvault.auth;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.CredentialLimits;

/**
 * The product's rules for user names and passwords. Stricter than Milvus 2.6 on names (letters, digits, underscores;
 * no dots or hyphens) and wider on passwords (up to 256 characters by default, every character counted, where Milvus
 * stops at 72 bytes). Messages follow Milvus's wording and end in {@code : invalid parameter} (merr 1100).
 */
public final class CredentialPolicy {
    private final CredentialLimits limits;

    public CredentialPolicy(CredentialLimits limits) {
        this.limits = limits;
    }

    public void checkUsername(String username) {
        if (username == null || username.isEmpty()) {
            throw MilvusException.invalidParameter("username must be not empty");
        }
        int length = username.codePointCount(0, username.length());
        if (length > limits.maxUsernameLength()) {
            throw MilvusException.invalidParameter("invalid username " + username + " with length " + length
                    + ", the length of username must be not greater than " + limits.maxUsernameLength());
        }
        int first = username.codePointAt(0);
        if (!isAsciiLetter(first)) {
            throw MilvusException.invalidParameter("invalid user name " + username
                    + ", the first character must be a letter, but got " + Character.toString(first));
        }
        for (int i = Character.charCount(first); i < username.length(); ) {
            int c = username.codePointAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
                throw MilvusException.invalidParameter("invalid user name " + username
                        + ", username must contain only numbers, letters and underscores, but got "
                        + Character.toString(c));
            }
            i += Character.charCount(c);
        }
    }

    public void checkPassword(Password password) {
        int length = password.characters();
        if (length < limits.minPasswordLength() || length > limits.maxPasswordLength()) {
            // Milvus's exact shape: the "invalid parameter" tag sits before the bracket, not at the end.
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, "invalid password length: invalid parameter["
                    + length + " out of range " + limits.minPasswordLength() + " <= value <= "
                    + limits.maxPasswordLength() + "]");
        }
    }

    public int maxUsers() {
        return limits.maxUserNum();
    }

    private static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
