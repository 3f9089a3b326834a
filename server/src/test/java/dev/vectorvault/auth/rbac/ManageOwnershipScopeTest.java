package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.PermissionDeniedException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, finding 5: ManageOwnership granted in one database manages that database only. Binding {@code admin},
 * granting cluster-level privileges, and granting or binding anything outside the database need an administrator.
 */
@Timeout(30)
class ManageOwnershipScopeTest {
    private final RbacFixture t = new RbacFixture();
    private RbacService rbac;

    @BeforeEach
    void ownerOfDb1() {
        rbac = t.service;
        String role = t.userWithRole("owner");
        t.grant(role, "Global", "*", "db1", "ManageOwnership");
        t.users.add("victim");
        rbac.createRole("r1");
    }

    private static void notPermitted(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MilvusException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRIVILEGE_NOT_PERMITTED));
    }

    private static void deniedIn(String database, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(PermissionDeniedException.class)
                .hasMessage("PrivilegeManageOwnership: permission deny to owner in the `" + database + "` database");
    }

    private void grantV2(String privilege, String database, String collection) {
        rbac.operatePrivilegeV2("owner", "r1", privilege, database, collection, PrivilegeOperation.GRANT);
    }

    @Test
    void aDatabaseOwnerCannotBindItselfOrAnyoneToAdmin() {
        notPermitted(() -> rbac.operateUserRole("owner", "owner", "admin", MembershipOperation.ADD));
        notPermitted(() -> rbac.operateUserRole("owner", "victim", "admin", MembershipOperation.ADD));
        assertThat(t.store.state().rolesOf("owner")).doesNotContain("admin");
        assertThat(t.allowed("owner", "db2", Requirement.global(Privilege.DROP_DATABASE))).isFalse();
    }

    @Test
    void aDatabaseOwnerCannotRemoveAnAdministrator() {
        t.users.add("boss");
        rbac.operateUserRole("root", "boss", "admin", MembershipOperation.ADD);
        notPermitted(() -> rbac.operateUserRole("owner", "boss", "admin", MembershipOperation.REMOVE));
        assertThat(t.store.state().rolesOf("boss")).contains("admin");
    }

    @Test
    void grantsGoOnlyIntoTheDatabaseTheOwnerManages() {
        deniedIn("db2", () -> grantV2("Insert", "db2", "c1"));
        deniedIn("*", () -> grantV2("Insert", "*", "*"));
        deniedIn("db2", () -> t.service.operatePrivilege("owner", new GrantEntity("r1", "Collection", "c1", "db2",
                "Insert"), PrivilegeOperation.GRANT));
        assertThat(t.grantsOf("r1")).isEmpty();

        grantV2("Insert", "db1", "c1");
        grantV2("DatabaseAdmin", "db1", "*");
        grantV2("CollectionReadWrite", "db1", "*");
        assertThat(t.grantsOf("r1")).hasSize(3);
        deniedIn("db2", () -> rbac.operatePrivilegeV2("owner", "r1", "Insert", "db2", "c1",
                PrivilegeOperation.REVOKE));
    }

    @Test
    void clusterLevelPrivilegesNeedAnAdministratorEvenInTheOwnersDatabase() {
        for (String privilege : List.of("CreateDatabase", "ManageOwnership", "CreateOwnership", "UpdateUser",
                "BackupRBAC", "RestoreRBAC", "*")) {
            notPermitted(() -> grantV2(privilege, "db1", "*"));
        }
        notPermitted(() -> grantV2("ClusterReadOnly", "*", "*"));
        for (String v1 : List.of("*", "All", "Admin", "CreateDatabase")) {
            notPermitted(() -> rbac.operatePrivilege("owner", new GrantEntity("r1", "Global", "*", "db1", v1),
                    PrivilegeOperation.GRANT));
        }
        rbac.createPrivilegeGroup("sneaky");
        rbac.operatePrivilegeGroup("sneaky", List.of("CreateDatabase", "DropDatabase"), MembershipOperation.ADD);
        notPermitted(() -> grantV2("sneaky", "*", "*"));
        assertThat(t.grantsOf("r1")).isEmpty();
    }

    @Test
    void aRoleCanBeBoundOnlyWhenEveryGrantItHoldsIsWithinTheOwnersReach() {
        t.grantV2("r1", "Insert", "db1", "c1");
        rbac.operateUserRole("owner", "victim", "r1", MembershipOperation.ADD);
        rbac.operateUserRole("owner", "victim", "public", MembershipOperation.ADD);

        rbac.createRole("r2");
        t.grantV2("r2", "Insert", "db2", "c1");
        deniedIn("db2", () -> rbac.operateUserRole("owner", "victim", "r2", MembershipOperation.ADD));
        rbac.createRole("r3");
        t.grantV2("r3", "CreateDatabase", "db1", "*");
        notPermitted(() -> rbac.operateUserRole("owner", "owner", "r3", MembershipOperation.ADD));
        assertThat(t.store.state().rolesOf("victim")).containsExactlyInAnyOrder("r1", "public");
        assertThat(t.store.state().rolesOf("owner")).doesNotContain("r2", "r3");
    }

    @Test
    void administratorsAndRootKeepFullReach() {
        t.users.add("boss");
        rbac.operateUserRole("root", "boss", "admin", MembershipOperation.ADD);
        assertThatCode(() -> {
            rbac.operateUserRole("boss", "victim", "admin", MembershipOperation.ADD);
            rbac.operatePrivilegeV2("boss", "r1", "ClusterAdmin", "*", "*", PrivilegeOperation.GRANT);
            rbac.operatePrivilegeV2("root", "r1", "Insert", "db2", "c1", PrivilegeOperation.GRANT);
        }).doesNotThrowAnyException();
    }

    @Test
    void withAuthorizationOffNothingIsLimited() {
        RbacFixture off = new RbacFixture(RbacSettings.defaults(false));
        off.users.add("anyone");
        assertThatCode(() -> off.service.operateUserRole("anyone", "anyone", "admin", MembershipOperation.ADD))
                .doesNotThrowAnyException();
    }
}
