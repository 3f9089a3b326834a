package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.PrivilegeCatalog.ANY;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Optional;

/**
 * Which privileges a grant may name (§4.8): v1's per-object-type lists, and v2's level constraints on groups. Failures
 * carry Milvus's messages and OperatePrivilegeFailure (41), with merr 1100 for the level constraints.
 */
final class GrantRules {
    private final PrivilegeCatalog catalog;

    GrantRules(PrivilegeCatalog catalog) {
        this.catalog = catalog;
    }

    /** Milvus's {@code isValidPrivilege}: v1 takes single privileges valid for the type, v1 groups and {@code *}. */
    static void checkV1Privilege(RbacState state, String privilege, ObjectType type) {
        if (ANY.equals(privilege)) {
            return;
        }
        if (state.customGroup(privilege).isPresent()) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "can not operate the custom privilege group [" + privilege + "]");
        }
        Optional<Privilege> builtIn = Privilege.fromApiName(privilege);
        if (builtIn.isPresent() && builtIn.get().kind() == Privilege.Kind.BUILT_IN_GROUP) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "can not operate the built-in privilege group [" + privilege + "]");
        }
        if (builtIn.isEmpty() || !builtIn.get().grantableOn(type)) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "not found the privilege name[" + privilege + "] in object[" + type.wireName() + "]");
        }
    }

    /** v2's {@code isValidPrivilegeV2}: {@code *}, any built-in name, or an existing custom group. */
    static void checkV2Privilege(RbacState state, String privilege) {
        if (!ANY.equals(privilege) && state.customGroup(privilege).isEmpty()
                && Privilege.fromApiName(privilege).isEmpty()) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "not found the privilege name[" + privilege + "]");
        }
    }

    /**
     * Milvus's {@code validatePrivilegeGroupParams}: a v2 or custom group must fit its level; single privileges and
     * empty groups are not constrained.
     */
    void checkLevel(RbacState state, String privilege, String database, String collection) {
        List<String> members = Privilege.fromApiName(privilege)
                .filter(p -> p.kind() == Privilege.Kind.BUILT_IN_GROUP)
                .map(p -> catalog.members(p).stream().map(Privilege::apiName).toList())
                .orElseGet(() -> state.customGroup(privilege).map(PrivilegeGroup::privileges).orElse(List.of()));
        if (members.isEmpty()) {
            return;
        }
        // Members of a group share one level (enforced on add), so the first one speaks for all.
        PrivilegeLevel level = catalog.levelOf(members.get(0)).orElseThrow(
                () -> new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "not found the privilege level"));
        switch (level) {
            case CLUSTER -> {
                if (!ANY.equals(database) || !ANY.equals(collection)) {
                    throw levelMismatch("dbName and collectionName should be * for the cluster level privilege: "
                            + privilege);
                }
            }
            case DATABASE -> {
                if (!ANY.equals(collection)) {
                    throw levelMismatch("collectionName should be * for the database level privilege: " + privilege);
                }
            }
            case COLLECTION -> {
                if (ANY.equals(database) && !ANY.equals(collection)) {
                    throw levelMismatch("please specify database name for the collection level privilege: "
                            + privilege);
                }
            }
        }
    }

    /** Milvus's {@code IsBuiltinPrivilegeGroup}: v1 and v2 groups, whose Global grants keep their object name. */
    static boolean isBuiltInGroup(String privilege) {
        return Privilege.fromApiName(privilege).filter(p -> p.kind() != Privilege.Kind.PRIVILEGE).isPresent();
    }

    private static MilvusException levelMismatch(String message) {
        return new MilvusException(ErrorCode.OPERATE_PRIVILEGE_INVALID, message + ": invalid parameter");
    }
}
