package dev.vectorvault.auth.rbac;

import java.util.Optional;

/**
 * What a grant or a required privilege applies to, as Milvus's {@code common.ObjectType}. There is no database type:
 * database scoping is the grant's database name.
 */
public enum ObjectType {
    COLLECTION("Collection"),
    GLOBAL("Global"),
    USER("User");

    private final String wireName;

    ObjectType(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in keys: {@code Collection}, {@code Global}, {@code User}. */
    public String wireName() {
        return wireName;
    }

    /** Exact (case-sensitive) match, as Milvus's {@code ObjectType_value} lookup. */
    public static Optional<ObjectType> fromWireName(String name) {
        for (ObjectType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
