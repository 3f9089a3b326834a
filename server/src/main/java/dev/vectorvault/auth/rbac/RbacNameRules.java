package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.nio.charset.StandardCharsets;

/**
 * Milvus's proxy-side name checks for RBAC requests, with its messages byte for byte (Go artefacts included: the
 * first-character error reports byte values, lengths count UTF-8 bytes). Names are checked after trimming spaces,
 * and the trimmed name is what the service then uses, so a role created as {@code " r1"} is {@code r1}.
 */
final class RbacNameRules {
    private static final String ROLE = "role name";
    private static final String OBJECT_NAME = "object name";
    private static final String OBJECT_TYPE = "ObjectType";
    private static final String PRIVILEGE = "Privilege";

    private final int maxLength;
    private final String roleChars;
    private final String nameChars;

    RbacNameRules(RbacSettings settings) {
        this.maxLength = settings.maxNameLength();
        this.roleChars = settings.roleNameAllowedChars();
        this.nameChars = settings.nameAllowedChars();
    }

    String role(String name) {
        return checked(name, ROLE, roleChars);
    }

    String objectType(String name) {
        return checked(name, OBJECT_TYPE, nameChars);
    }

    /** {@code *} is accepted as is. */
    String objectName(String name) {
        return PrivilegeCatalog.ANY.equals(name) ? name : checked(name, OBJECT_NAME, nameChars);
    }

    /** {@code *} is accepted as is. */
    String privilege(String name) {
        return PrivilegeCatalog.ANY.equals(name) ? name : checked(name, PRIVILEGE, nameChars);
    }

    /** Letters, digits and underscores only ({@code $} is refused); merr 1402 or 1100 as Milvus. */
    String privilegeGroup(String name) {
        String group = name == null ? "" : name;
        if (group.isEmpty()) {
            throw badGroupName("", "privilege group name should not be empty");
        }
        byte[] bytes = group.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength) {
            // Milvus passes its format string as the field value and the arguments as the wrap text.
            throw badGroupName(group + "->" + maxLength + ": ",
                    "the length of a privilege group name %s must be less than %s characters");
        }
        if (!isFirstCharacter(bytes[0] & 0xff)) {
            throw badGroupName(group + ": ",
                    "the first character of a privilege group name %s must be an underscore or letter");
        }
        for (int i = 1; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (!isFirstCharacter(c) && !isDigit(c)) {
                throw MilvusException.invalidParameter("privilege group name " + group
                        + " can only contain numbers, letters and underscores");
            }
        }
        return group;
    }

    /** A v2 grant's database (not {@code *}); merr 802 as {@code ValidateDatabaseName}. */
    String database(String name) {
        String db = name.strip();
        byte[] bytes = db.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw badDatabase(db, "database name couldn't be empty");
        }
        if (bytes.length > maxLength) {
            throw badDatabase(db, "the length of a database name must be less than " + maxLength + " characters");
        }
        if (!isFirstCharacter(bytes[0] & 0xff)) {
            throw badDatabase(db, "the first character of a database name must be an underscore or letter");
        }
        for (int i = 1; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (!isFirstCharacter(c) && !isDigit(c)) {
                throw badDatabase(db, "database name can only contain numbers, letters and underscores");
            }
        }
        return db;
    }

    /** A v2 grant's collection (not {@code *}), as {@code validateCollectionName}. */
    String collection(String name) {
        String collection = name.strip();
        if (collection.isEmpty()) {
            throw MilvusException.invalidParameter("collection name should not be empty");
        }
        String invalid = "Invalid collection name: " + collection + ". ";
        byte[] bytes = collection.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength) {
            throw MilvusException.invalidParameter(invalid + " the length of a collection name must be less than "
                    + maxLength + " characters");
        }
        if (!isFirstCharacter(bytes[0] & 0xff)) {
            throw MilvusException.invalidParameter(invalid
                    + " the first character of a collection name must be an underscore or letter");
        }
        for (int i = 1; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (!isFirstCharacter(c) && !isDigit(c) && !allowed(nameChars, c)) {
                throw MilvusException.invalidParameter(invalid
                        + " collection name can only contain numbers, letters and underscores");
            }
        }
        return collection;
    }

    /** {@code validateNameWithCustomChars}. */
    private String checked(String name, String kind, String allowedChars) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw parameterInvalid(kind + " should be not empty: invalid parameter[expected=not empty][actual=]");
        }
        byte[] bytes = trimmed.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength) {
            throw parameterInvalid("the length of " + kind + " must be not greater than limit: invalid parameter["
                    + bytes.length + " out of range 0 <= value <= " + maxLength + "]");
        }
        int first = bytes[0] & 0xff;
        if (!isFirstCharacter(first)) {
            throw parameterInvalid("the first character of " + kind
                    + " must be an underscore or letter: invalid parameter[expected=95][actual=" + first + "]");
        }
        for (int i = 1; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (!isFirstCharacter(c) && !isDigit(c) && !allowed(allowedChars, c)) {
                // Go's %c of a byte: the character whose code point is the byte value.
                throw parameterInvalid(kind + " can only contain numbers, letters, underscores, and allowed"
                        + " characters (" + allowedChars + "), found " + (char) c + " at " + i
                        + ": invalid parameter");
            }
        }
        return trimmed;
    }

    private static boolean isFirstCharacter(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allowed(String allowedChars, int c) {
        return allowedChars.indexOf((char) c) >= 0;
    }

    private static MilvusException parameterInvalid(String message) {
        return new MilvusException(ErrorCode.PARAMETER_INVALID, message);
    }

    private static MilvusException badDatabase(String db, String message) {
        return new MilvusException(ErrorCode.DATABASE_INVALID_NAME,
                message + ": invalid database name[database=" + db + "]");
    }

    private static MilvusException badGroupName(String wrap, String field) {
        return new MilvusException(ErrorCode.PRIVILEGE_GROUP_NAME_INVALID,
                wrap + "invalid privilege group name[privilegeGroup=" + field + "]");
    }
}
