package dev.vectorvault.server;

import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.Caller;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.rbac.Grant;
import dev.vectorvault.auth.rbac.GrantEntity;
import dev.vectorvault.auth.rbac.MembershipOperation;
import dev.vectorvault.auth.rbac.ObjectType;
import dev.vectorvault.auth.rbac.PrivilegeGroup;
import dev.vectorvault.auth.rbac.PrivilegeOperation;
import dev.vectorvault.auth.rbac.RbacService;
import dev.vectorvault.auth.rbac.RbacSnapshot;
import dev.vectorvault.auth.rbac.RoleUsers;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.AlterRoleRequest;
import io.milvus.grpc.BackupRBACMetaResponse;
import io.milvus.grpc.CreatePrivilegeGroupRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DropPrivilegeGroupRequest;
import io.milvus.grpc.DropRoleRequest;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.ListPrivilegeGroupsResponse;
import io.milvus.grpc.ObjectEntity;
import io.milvus.grpc.OperatePrivilegeGroupRequest;
import io.milvus.grpc.OperatePrivilegeGroupType;
import io.milvus.grpc.OperatePrivilegeRequest;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.PrivilegeGroupInfo;
import io.milvus.grpc.RBACMeta;
import io.milvus.grpc.RestoreRBACMetaRequest;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.RoleResult;
import io.milvus.grpc.SelectGrantRequest;
import io.milvus.grpc.SelectGrantResponse;
import io.milvus.grpc.SelectRoleRequest;
import io.milvus.grpc.SelectRoleResponse;
import io.milvus.grpc.Status;
import io.milvus.grpc.UserEntity;
import io.milvus.grpc.UserInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Roles, grants, privilege groups and RBAC backup on the wire: proto requests to {@link RbacService} calls, with the
 * proxy-side checks Milvus makes before its coordinator sees a request (nil entities, operation types). Every change
 * is audit-logged with who made it and what it changed. The privilege each RPC needs was checked before it got here.
 */
final class RbacRpc {
    private final RbacService rbac;
    private final AuditLog audit;

    RbacRpc(RbacService rbac, AuditLog audit) {
        this.rbac = rbac;
        this.audit = audit;
    }

    // ---- roles and bindings

    Status createRole(CreateRoleRequest r) {
        String description = r.getEntity().getDescription();
        rbac.createRole(r.getEntity().getName(), description);
        changed("role_created", "role=" + r.getEntity().getName().trim()
                + (description.isEmpty() ? "" : " description=" + description));
        return StatusMapper.success();
    }

    Status alterRole(AlterRoleRequest r) {
        rbac.alterRole(r.getRoleName(), r.getDescription());
        changed("role_altered", "role=" + r.getRoleName().trim() + " description=" + r.getDescription());
        return StatusMapper.success();
    }

    Status dropRole(DropRoleRequest r) {
        rbac.dropRole(r.getRoleName(), r.getForceDrop());
        changed("role_dropped", "role=" + r.getRoleName().trim() + (r.getForceDrop() ? " force" : ""));
        return StatusMapper.success();
    }

    Status operateUserRole(OperateUserRoleRequest r) {
        MembershipOperation operation = switch (r.getType()) {
            case AddUserToRole -> MembershipOperation.ADD;
            case RemoveUserFromRole -> MembershipOperation.REMOVE;
            default -> throw MilvusException.invalidParameter("invalid operate user role type: "
                    + r.getTypeValue());
        };
        rbac.operateUserRole(grantor(), r.getUsername(), r.getRoleName(), operation);
        changed(operation == MembershipOperation.ADD ? "user_role_added" : "user_role_removed",
                "user=" + r.getUsername() + " role=" + r.getRoleName().trim());
        return StatusMapper.success();
    }

    SelectRoleResponse selectRole(SelectRoleRequest r) {
        Optional<String> role = r.hasRole() && !r.getRole().getName().isEmpty()
                ? Optional.of(r.getRole().getName()) : Optional.empty();
        SelectRoleResponse.Builder out = SelectRoleResponse.newBuilder().setStatus(StatusMapper.success());
        for (RoleUsers result : rbac.selectRole(role, r.getIncludeUserInfo())) {
            RoleResult.Builder item = RoleResult.newBuilder().setRole(RoleEntity.newBuilder().setName(result.role())
                    .setDescription(result.description()));
            result.users().forEach(u -> item.addUsers(UserEntity.newBuilder().setName(u)));
            out.addResults(item);
        }
        return out.build();
    }

    /** The bound roles of one user, for SelectUser (public is implicit and not listed). */
    List<RoleEntity> rolesOf(String user) {
        return rbac.selectUser(Optional.of(user), true).stream()
                .flatMap(u -> u.roles().stream())
                .map(RbacRpc::role)
                .toList();
    }

    // ---- grants

    Status operatePrivilege(OperatePrivilegeRequest r) {
        if (!r.hasEntity()) {
            throw unexpected("the entity in the request is nil");
        }
        io.milvus.grpc.GrantEntity entity = r.getEntity();
        if (!entity.hasGrantor()) {
            throw unexpected("the grantor entity in the grant entity is nil");
        }
        if (!entity.getGrantor().hasPrivilege()) {
            throw unexpected("the privilege entity in the grantor entity is nil");
        }
        if (!entity.hasObject()) {
            throw unexpected("the resource entity in the grant entity is nil");
        }
        if (!entity.hasRole()) {
            throw unexpected("the object entity in the grant entity is nil");
        }
        PrivilegeOperation operation = privilegeOperation(r.getType(), r.getTypeValue());
        String database = entity.getDbName().isEmpty() ? CallContext.caller().database() : entity.getDbName();
        GrantEntity grant = new GrantEntity(entity.getRole().getName(), entity.getObject().getName(),
                entity.getObjectName(), database, entity.getGrantor().getPrivilege().getName());
        rbac.operatePrivilege(grantor(), grant, operation);
        changed(operation == PrivilegeOperation.GRANT ? "privilege_granted" : "privilege_revoked",
                "role=" + grant.role() + " object=" + grant.objectType() + ":" + database + "."
                        + grant.objectName() + " privilege=" + grant.privilege());
        return StatusMapper.success();
    }

    Status operatePrivilegeV2(OperatePrivilegeV2Request r) {
        if (!r.hasRole()) {
            throw MilvusException.invalidParameter("the role in the request is nil");
        }
        if (r.getType() != OperatePrivilegeType.Grant && r.getType() != OperatePrivilegeType.Revoke) {
            throw MilvusException.invalidParameter("the type in the request not grant or revoke");
        }
        PrivilegeOperation operation = privilegeOperation(r.getType(), r.getTypeValue());
        String database = r.getDbName().isEmpty() ? CallContext.caller().database() : r.getDbName();
        String privilege = r.getGrantor().getPrivilege().getName();
        rbac.operatePrivilegeV2(grantor(), r.getRole().getName(), privilege, database, r.getCollectionName(),
                operation);
        changed(operation == PrivilegeOperation.GRANT ? "privilege_granted" : "privilege_revoked",
                "role=" + r.getRole().getName().trim() + " object=" + database + "." + r.getCollectionName()
                        + " privilege=" + privilege);
        return StatusMapper.success();
    }

    SelectGrantResponse selectGrant(SelectGrantRequest r) {
        if (!r.hasEntity()) {
            throw MilvusException.invalidParameter("the grant entity in the request is nil");
        }
        io.milvus.grpc.GrantEntity entity = r.getEntity();
        if (!entity.hasRole()) {
            throw MilvusException.invalidParameter("the role entity in the grant entity is nil");
        }
        Optional<String> objectType = entity.hasObject() ? Optional.of(entity.getObject().getName()) : Optional.empty();
        Optional<String> objectName = objectType.map(t -> entity.getObjectName());
        String database = entity.getDbName().isEmpty() ? CallContext.caller().database() : entity.getDbName();
        SelectGrantResponse.Builder out = SelectGrantResponse.newBuilder().setStatus(StatusMapper.success());
        for (Grant grant : rbac.selectGrant(entity.getRole().getName(), objectType, objectName, database)) {
            out.addEntities(toProto(grant));
        }
        return out.build();
    }

    // ---- privilege groups

    Status createPrivilegeGroup(CreatePrivilegeGroupRequest r) {
        rbac.createPrivilegeGroup(r.getGroupName());
        changed("privilege_group_created", "group=" + r.getGroupName());
        return StatusMapper.success();
    }

    Status dropPrivilegeGroup(DropPrivilegeGroupRequest r) {
        rbac.dropPrivilegeGroup(r.getGroupName());
        changed("privilege_group_dropped", "group=" + r.getGroupName());
        return StatusMapper.success();
    }

    ListPrivilegeGroupsResponse listPrivilegeGroups() {
        ListPrivilegeGroupsResponse.Builder out =
                ListPrivilegeGroupsResponse.newBuilder().setStatus(StatusMapper.success());
        for (PrivilegeGroup group : rbac.listPrivilegeGroups()) {
            out.addPrivilegeGroups(toProto(group));
        }
        return out.build();
    }

    Status operatePrivilegeGroup(OperatePrivilegeGroupRequest r) {
        MembershipOperation operation = switch (r.getType()) {
            case AddPrivilegesToGroup -> MembershipOperation.ADD;
            case RemovePrivilegesFromGroup -> MembershipOperation.REMOVE;
            default -> throw MilvusException.invalidParameter("invalid operate privilege group type: "
                    + r.getTypeValue());
        };
        List<String> privileges = r.getPrivilegesList().stream().map(PrivilegeEntity::getName).toList();
        rbac.operatePrivilegeGroup(r.getGroupName(), privileges, operation);
        changed(operation == MembershipOperation.ADD ? "privilege_group_extended" : "privilege_group_reduced",
                "group=" + r.getGroupName() + " privileges=" + String.join(",", privileges));
        return StatusMapper.success();
    }

    // ---- backup and restore

    BackupRBACMetaResponse backup() {
        RbacSnapshot snapshot = rbac.backup();
        RBACMeta.Builder meta = RBACMeta.newBuilder();
        for (RbacSnapshot.User user : snapshot.users()) {
            UserInfo.Builder info = UserInfo.newBuilder().setUser(user.name()).setPassword(user.passwordHash());
            user.roles().forEach(role -> info.addRoles(role(role)));
            meta.addUsers(info);
        }
        snapshot.roles().forEach(role -> meta.addRoles(RoleEntity.newBuilder().setName(role)
                .setDescription(snapshot.descriptionOf(role))));
        snapshot.grants().forEach(grant -> meta.addGrants(toProto(grant)));
        snapshot.privilegeGroups().forEach(group -> meta.addPrivilegeGroups(toProto(group)));
        changed("rbac_backed_up", "users=" + snapshot.users().size() + " roles=" + snapshot.roles().size()
                + " grants=" + snapshot.grants().size());
        return BackupRBACMetaResponse.newBuilder().setStatus(StatusMapper.success()).setRBACMeta(meta).build();
    }

    Status restore(RestoreRBACMetaRequest r) {
        RBACMeta meta = r.getRBACMeta();
        List<RbacSnapshot.User> users = new ArrayList<>();
        for (UserInfo user : meta.getUsersList()) {
            // Checked before anything is written: a hash nobody can log in with must not leave a partial restore.
            if (!PasswordHasher.isReadable(user.getPassword())) {
                throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "failed to check if rbac restorable:"
                        + " the password of user [" + user.getUser() + "] is not an Argon2id or bcrypt hash");
            }
            users.add(new RbacSnapshot.User(user.getUser(), user.getPassword(),
                    user.getRolesList().stream().map(RoleEntity::getName).toList()));
        }
        List<Grant> grants = new ArrayList<>();
        for (io.milvus.grpc.GrantEntity grant : meta.getGrantsList()) {
            grants.add(fromProto(grant));
        }
        List<PrivilegeGroup> groups = meta.getPrivilegeGroupsList().stream()
                .map(g -> new PrivilegeGroup(g.getGroupName(),
                        g.getPrivilegesList().stream().map(PrivilegeEntity::getName).toList()))
                .toList();
        Map<String, String> descriptions = new HashMap<>();
        meta.getRolesList().forEach(role -> descriptions.put(role.getName(), role.getDescription()));
        RbacSnapshot snapshot = new RbacSnapshot(users,
                meta.getRolesList().stream().map(RoleEntity::getName).toList(), grants, groups, descriptions);
        rbac.restore(snapshot);
        changed("rbac_restored", "users=" + users.size() + " roles=" + snapshot.roles().size() + " grants="
                + grants.size() + " groups=" + groups.size());
        return StatusMapper.success();
    }

    // ---- helpers

    /**
     * The grantor recorded with a grant (and the actor whose reach a grant or binding must stay within) is the calling
     * user. With authentication off there may be none; Milvus then cannot grant at all, we record root, who could
     * have done it.
     */
    private static String grantor() {
        Caller caller = CallContext.caller();
        return caller.verified() || !caller.username().isEmpty() ? caller.username() : RbacService.ROOT;
    }

    private void changed(String event, String detail) {
        Caller caller = CallContext.caller();
        audit.rbacChanged(event, caller.username(), detail, caller.clientAddress());
    }

    private static PrivilegeOperation privilegeOperation(OperatePrivilegeType type, int value) {
        return switch (type) {
            case Grant -> PrivilegeOperation.GRANT;
            case Revoke -> PrivilegeOperation.REVOKE;
            default -> throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "failed to operate privilege common check: invalid operate privilege type, current type: "
                            + value + ", valid value: [Grant, Revoke]");
        };
    }

    private static RoleEntity role(String name) {
        return RoleEntity.newBuilder().setName(name).build();
    }

    private static io.milvus.grpc.GrantEntity toProto(Grant grant) {
        return io.milvus.grpc.GrantEntity.newBuilder()
                .setRole(role(grant.role()))
                .setObject(ObjectEntity.newBuilder().setName(grant.objectType().wireName()))
                .setObjectName(grant.objectName())
                .setDbName(grant.database())
                .setGrantor(GrantorEntity.newBuilder()
                        .setUser(UserEntity.newBuilder().setName(grant.grantor()))
                        .setPrivilege(PrivilegeEntity.newBuilder().setName(grant.privilege())))
                .build();
    }

    private static Grant fromProto(io.milvus.grpc.GrantEntity grant) {
        ObjectType type = ObjectType.fromWireName(grant.getObject().getName()).orElseThrow(() ->
                new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "failed to check if rbac restorable:"
                        + " the object type [" + grant.getObject().getName() + "] is not supported"));
        try {
            return new Grant(grant.getRole().getName(), type, grant.getObjectName(),
                    grant.getDbName().isEmpty() ? RbacService.DEFAULT_DATABASE : grant.getDbName(),
                    grant.getGrantor().getPrivilege().getName(), grant.getGrantor().getUser().getName());
        } catch (IllegalArgumentException e) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "failed to check if rbac restorable: " + e.getMessage());
        }
    }

    private static PrivilegeGroupInfo toProto(PrivilegeGroup group) {
        PrivilegeGroupInfo.Builder info = PrivilegeGroupInfo.newBuilder().setGroupName(group.name());
        group.privileges().forEach(p -> info.addPrivileges(PrivilegeEntity.newBuilder().setName(p)));
        return info.build();
    }

    private static MilvusException unexpected(String message) {
        return new MilvusException(ErrorCode.UNEXPECTED, message);
    }
}
