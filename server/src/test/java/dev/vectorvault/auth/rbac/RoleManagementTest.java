package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Roles and user bindings (§4.2, §4.3, checklist §7.3). */
@Timeout(30)
class RoleManagementTest {
    private final RbacFixture t = new RbacFixture();
    private final RbacService rbac = t.service;

    @Test
    void adminAndPublicExistFromTheFirstStart() {
        assertThat(rbac.selectRole(Optional.empty(), false)).extracting(RoleUsers::role)
                .containsExactly("admin", "public");
        assertThat(t.grantsOf("public")).containsExactlyInAnyOrder("Global/*/*/DescribeCollection",
                "Global/*/*/ListAliases", "Collection/*/*/IndexDetail");
        assertThat(rbac.selectGrant("public", Optional.empty(), Optional.empty(), "*"))
                .extracting(Grant::grantor).containsOnly("root");
    }

    @Test
    void aRevokedDefaultGrantStaysRevokedAfterARestart() {
        t.revoke("public", "Collection", "*", "*", "IndexDetail");
        assertThat(t.reopen().grantsOf("public")).containsExactlyInAnyOrder("Global/*/*/DescribeCollection",
                "Global/*/*/ListAliases");
    }

    @Test
    void publicGetsNoDefaultGrantsWhenThatIsSwitchedOff() {
        RbacFixture off = new RbacFixture(new RbacSettings(true, false, false, 10, 255, 1024, "$", "$"));
        assertThat(off.grantsOf("public")).isEmpty();
    }

    @Test
    void createdRoleIsListedAndSelectRoleOfAMissingRoleIsEmpty() {
        rbac.createRole("r1");
        assertThat(rbac.selectRole(Optional.of("r1"), false)).containsExactly(new RoleUsers("r1", "", List.of()));
        assertThat(rbac.selectRole(Optional.of("ghost"), true)).isEmpty();
        rbac.dropRole("r1", false);
        assertThat(rbac.selectRole(Optional.of("r1"), false)).isEmpty();
    }

    @Test
    void existingAndDefaultRolesCannotBeCreatedAgain() {
        rbac.createRole("r1");
        for (String role : List.of("r1", "admin", "public")) {
            assertThatThrownBy(call(() -> rbac.createRole(role)))
                    .isInstanceOfSatisfying(MilvusException.class, e -> {
                        assertThat(e.errorCode().code()).isEqualTo(65535);
                        assertThat(e.errorCode().legacyCode()).isEqualTo(35);
                    })
                    .hasMessage("role [name:\"" + role + "\"] already exists");
        }
    }

    @Test
    void invalidRoleNamesAreInvalidParameters() {
        assertInvalid("a".repeat(260), "the length of role name must be not greater than limit: invalid "
                + "parameter[260 out of range 0 <= value <= 255]");
        assertInvalid("n%$#@!", "role name can only contain numbers, letters, underscores, and allowed characters "
                + "($), found % at 1: invalid parameter");
        assertInvalid("123n", "the first character of role name must be an underscore or letter: invalid "
                + "parameter[expected=95][actual=49]");
        assertInvalid(" ", "role name should be not empty: invalid parameter[expected=not empty][actual=]");
        assertInvalid("", "role name should be not empty: invalid parameter[expected=not empty][actual=]");
        assertInvalid("test-role", "role name can only contain numbers, letters, underscores, and allowed "
                + "characters ($), found - at 4: invalid parameter");
        assertInvalid("ff ff", "role name can only contain numbers, letters, underscores, and allowed characters "
                + "($), found   at 2: invalid parameter");
        assertInvalid("中文", "the first character of role name must be an underscore or letter: invalid "
                + "parameter[expected=95][actual=228]");
        assertThatCode(call(() -> rbac.createRole("_r$1"))).doesNotThrowAnyException();
    }

    @Test
    void roleNamesAreTrimmed() {
        rbac.createRole("  spaced  ");
        assertThat(rbac.selectRole(Optional.of("spaced"), false)).hasSize(1);
    }

    @Test
    void defaultRolesCannotBeDropped() {
        for (String role : List.of("admin", "public")) {
            assertThatThrownBy(call(() -> rbac.dropRole(role, true)))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRIVILEGE_NOT_PERMITTED))
                    .hasMessage("the role[" + role + "] is a default role, which can't be dropped: privilege not"
                            + " permitted");
        }
    }

    @Test
    void droppingAMissingRoleFails() {
        assertThatThrownBy(call(() -> rbac.dropRole("ghost", false)))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(36))
                .hasMessage("not found the role, maybe the role isn't existed or internal system error");
    }

    @Test
    void aRoleWithGrantsNeedsForceToDropAndForceRemovesItsGrants() {
        rbac.createRole("r1");
        t.grant("r1", "Collection", "c1", "db1", "Insert");
        assertThatThrownBy(call(() -> rbac.dropRole("r1", false)))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode()).isEqualTo(
                        ErrorCode.DROP_ROLE_FAILED))
                .hasMessage("failed to check if drop role: fail to drop the role that it has privileges. Use REVOKE"
                        + " API to revoke privileges");
        rbac.dropRole("r1", true);
        assertThat(rbac.selectRole(Optional.of("r1"), false)).isEmpty();
        assertThat(rbac.backup().grants()).isEmpty();
        rbac.createRole("r1");
        assertThat(t.grantsOf("r1")).as("a re-created role starts empty").isEmpty();
    }

    @Test
    void aRoleWithBoundUsersCanBeDroppedAndTheBindingsGo() {
        t.userWithRole("alice");
        rbac.dropRole("alice_role", false);
        assertThat(rbac.selectUser(Optional.of("alice"), true)).containsExactly(new UserRoles("alice", List.of()));
    }

    @Test
    void roleLimitCountsAdminAndPublic() {
        for (int i = 0; i < 8; i++) {
            rbac.createRole("r" + i);
        }
        assertThatThrownBy(call(() -> rbac.createRole("one_too_many")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(35))
                .hasMessage("failed to check if create role: unable to create role because the number of roles has "
                        + "reached the limit");
        assertThat(rbac.selectRole(Optional.empty(), false)).hasSize(10);
    }

    @Test
    void usersCanBeBoundToAdminAndPublicTwiceAndRemovedAgain() {
        t.users.add("alice");
        for (String role : List.of("admin", "public")) {
            rbac.operateUserRole("root", "alice", role, MembershipOperation.ADD);
            rbac.operateUserRole("root", "alice", role, MembershipOperation.ADD);
        }
        assertThat(rbac.selectUser(Optional.of("alice"), true))
                .containsExactly(new UserRoles("alice", List.of("admin", "public")));
        assertThat(rbac.selectRole(Optional.of("admin"), true))
                .containsExactly(new RoleUsers("admin", "", List.of("alice")));
        rbac.operateUserRole("root", "alice", "admin", MembershipOperation.REMOVE);
        rbac.operateUserRole("root", "alice", "public", MembershipOperation.REMOVE);
        assertThat(rbac.selectUser(Optional.of("alice"), true))
                .containsExactly(new UserRoles("alice", List.of()));
    }

    @Test
    void rootHasNoRolesButCanBeBoundAndUnbound() {
        assertThat(rbac.selectUser(Optional.of("root"), true)).containsExactly(new UserRoles("root", List.of()));
        rbac.createRole("r1");
        rbac.operateUserRole("root", "root", "r1", MembershipOperation.ADD);
        assertThat(rbac.selectUser(Optional.of("root"), true)).containsExactly(new UserRoles("root", List.of("r1")));
        rbac.operateUserRole("root", "root", "r1", MembershipOperation.REMOVE);
        assertThat(rbac.selectUser(Optional.of("root"), true)).containsExactly(new UserRoles("root", List.of()));
    }

    @Test
    void removingABindingThatDoesNotExistSucceeds() {
        rbac.createRole("r1");
        assertThatCode(call(() -> rbac.operateUserRole("root", "nobody", "r1", MembershipOperation.REMOVE)))
                .doesNotThrowAnyException();
        t.users.add("alice");
        assertThatCode(call(() -> rbac.operateUserRole("root", "alice", "r1", MembershipOperation.REMOVE)))
                .doesNotThrowAnyException();
    }

    @Test
    void bindingToAMissingRoleOrAddingAMissingUserFails() {
        t.users.add("alice");
        for (MembershipOperation operation : MembershipOperation.values()) {
            assertThatThrownBy(call(() -> rbac.operateUserRole("root", "alice", "ghost", operation)))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode().legacyCode()).isEqualTo(37))
                    .hasMessage("not found the role, maybe the role isn't existed or internal system error");
        }
        rbac.createRole("r1");
        assertThatThrownBy(call(() -> rbac.operateUserRole("root", "nobody", "r1", MembershipOperation.ADD)))
                .hasMessage("failed to check if operate user role: not found the user, maybe the user isn't existed"
                        + " or internal system error");
        assertThatThrownBy(call(() -> rbac.operateUserRole("root", "bad-name", "r1", MembershipOperation.ADD)))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID));
    }

    @Test
    void selectUserOfAMissingUserIsEmptyAndListsAllUsersOtherwise() {
        t.userWithRole("alice");
        assertThat(rbac.selectUser(Optional.of("ghost"), true)).isEmpty();
        assertThat(rbac.selectUser(Optional.empty(), true)).containsExactly(
                new UserRoles("alice", List.of("alice_role")), new UserRoles("root", List.of()));
    }

    @Test
    void deletingAUserDropsItsBindings() {
        t.userWithRole("alice");
        rbac.userDeleted("alice");
        t.users.remove("alice");
        assertThat(rbac.selectRole(Optional.of("alice_role"), true))
                .containsExactly(new RoleUsers("alice_role", "", List.of()));
    }

    @Test
    void selectGrantOfAMissingRoleFails() {
        assertThatThrownBy(call(() -> rbac.selectGrant("ghost", Optional.empty(), Optional.empty(), "")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(42))
                .hasMessage("not found the role, maybe the role isn't existed or internal system error");
    }

    private void assertInvalid(String role, String message) {
        assertThatThrownBy(call(() -> rbac.createRole(role)))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessage(message);
    }

    private static ThrowingCallable call(Runnable action) {
        return action::run;
    }
}
