package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.MilvusException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** BackupRBAC and RestoreRBAC (§4.3, checklist §7.6). */
@Timeout(30)
class BackupRestoreTest {
    private final RbacFixture t = new RbacFixture();
    private final RbacService rbac = t.service;

    @Test
    void anEmptySystemBacksUpToAnEmptySnapshotAndRestoringOneIsANoOp() {
        assertThat(rbac.backup()).isEqualTo(RbacSnapshot.empty());
        long revision = t.store.revision();
        assertThatCode(() -> rbac.restore(RbacSnapshot.empty())).doesNotThrowAnyException();
        assertThat(t.store.revision()).isEqualTo(revision);
    }

    @Test
    void backupHoldsRolesGrantsGroupsAndUsersButNotRootAdminOrPublic() {
        RbacSnapshot backup = populate();
        assertThat(backup.roles()).containsExactly("role_a");
        assertThat(backup.grants()).hasSize(2);
        assertThat(backup.privilegeGroups()).containsExactly(new PrivilegeGroup("group_a",
                List.of("Insert", "Query")));
        assertThat(backup.users()).containsExactly(
                new RbacSnapshot.User("user_a", "$argon2id$hash-of-user_a", List.of("public", "role_a")));
        assertThat(backup.toString()).doesNotContain("argon2id");
    }

    @Test
    void restoringOverExistingRolesUsersOrGroupsFails() {
        RbacSnapshot backup = populate();
        assertThatThrownBy(() -> rbac.restore(backup))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(41))
                .hasMessage("failed to check if rbac restorable: role [role_a] already exists");
        rbac.dropRole("role_a", true);
        assertThatThrownBy(() -> rbac.restore(backup))
                .hasMessage("failed to check if rbac restorable: privilege group [group_a] already exists");
        rbac.dropPrivilegeGroup("group_a");
        assertThatThrownBy(() -> rbac.restore(backup))
                .hasMessage("failed to check if rbac restorable: user [user_a] already exists");
    }

    @Test
    void restoreRefusesUnknownPrivilegesAndRoles() {
        Grant unknown = new Grant("r9", ObjectType.GLOBAL, "*", "default", "NoSuchThing", "root");
        assertThatThrownBy(() -> rbac.restore(new RbacSnapshot(List.of(), List.of("r9"), List.of(unknown),
                List.of()))).hasMessage("failed to check if rbac restorable: privilege [NoSuchThing] does not exist");
        RbacSnapshot.User user = new RbacSnapshot.User("u9", "hash", List.of("ghost"));
        assertThatThrownBy(() -> rbac.restore(new RbacSnapshot(List.of(user), List.of(), List.of(), List.of())))
                .hasMessage("failed to check if rbac restorable: role [ghost] does not exist");
        Grant orphan = new Grant("ghost", ObjectType.GLOBAL, "*", "default", "*", "root");
        assertThatThrownBy(() -> rbac.restore(new RbacSnapshot(List.of(), List.of(), List.of(orphan), List.of())))
                .hasMessage("failed to check if rbac restorable: role [ghost] does not exist");
        assertThat(rbac.backup()).isEqualTo(RbacSnapshot.empty());
    }

    @Test
    void restoringAfterCleanupReproducesTheSameBackupAndTheSameAccess() {
        RbacSnapshot backup = populate();
        rbac.dropRole("role_a", true);
        rbac.dropPrivilegeGroup("group_a");
        rbac.userDeleted("user_a");
        t.users.remove("user_a");
        assertThat(rbac.backup()).isEqualTo(RbacSnapshot.empty());

        rbac.restore(backup);
        assertThat(rbac.backup()).isEqualTo(backup);
        assertThat(t.users.passwordHash("user_a")).contains("$argon2id$hash-of-user_a");
        assertThat(t.allowed("user_a", "default", Requirement.collection(Privilege.INSERT, "c1"))).isTrue();
        assertThat(t.allowed("user_a", "default", Requirement.collection(Privilege.SEARCH, "c1"))).isTrue();
        assertThat(rbac.selectGrant("role_a", Optional.empty(), Optional.empty(), "*"))
                .extracting(Grant::grantor).containsOnly("root");
    }

    @Test
    void restoreSurvivesAReopenOfTheStore() {
        RbacSnapshot backup = populate();
        rbac.dropRole("role_a", true);
        rbac.dropPrivilegeGroup("group_a");
        rbac.userDeleted("user_a");
        t.users.remove("user_a");
        rbac.restore(backup);
        assertThat(t.reopen().service.backup()).isEqualTo(backup);
    }

    /** A role with a Search grant and a granted two-privilege group, and a user bound to it and to public. */
    private RbacSnapshot populate() {
        rbac.createRole("role_a");
        t.grant("role_a", "Collection", "c1", "default", "Search");
        rbac.createPrivilegeGroup("group_a");
        rbac.operatePrivilegeGroup("group_a", List.of("Query", "Insert"), MembershipOperation.ADD);
        t.grantV2("role_a", "group_a", "default", "c1");
        t.users.add("user_a");
        rbac.operateUserRole("root", "user_a", "role_a", MembershipOperation.ADD);
        rbac.operateUserRole("root", "user_a", "public", MembershipOperation.ADD);
        return rbac.backup();
    }
}
