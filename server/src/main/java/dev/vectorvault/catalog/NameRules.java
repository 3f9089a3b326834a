package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;

/** Milvus's naming rules for databases, collections, partitions, aliases, fields and indexes. */
final class NameRules {
    static final int MAX_NAME_LENGTH = 255;

    private NameRules() {}

    /** First character a letter or underscore, then letters, digits, underscores (Milvus also allows '$'). */
    static void check(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw MilvusException.invalidParameter("the name of " + kind + " should not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw MilvusException.invalidParameter("the length of a " + kind + " name must be less than "
                    + MAX_NAME_LENGTH + " characters, got " + name.length());
        }
        char first = name.charAt(0);
        if (first != '_' && !isLetter(first)) {
            throw MilvusException.invalidParameter("the first character of a " + kind
                    + " name must be an underscore or letter: " + name);
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && c != '$' && !isLetter(c) && !(c >= '0' && c <= '9')) {
                throw MilvusException.invalidParameter(kind + " name " + name
                        + " can only contain numbers, letters and underscores");
            }
        }
    }

    static void checkDatabase(String name) {
        try {
            check("database", name);
        } catch (MilvusException e) {
            throw new MilvusException(ErrorCode.DATABASE_INVALID_NAME, e.getMessage());
        }
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
