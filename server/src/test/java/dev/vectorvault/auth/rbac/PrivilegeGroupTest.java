package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Custom privilege groups (§4.9, checklist §7.5.1-7). */
@Timeout(30)
class PrivilegeGroupTest {
    private final RbacFixture t = new RbacFixture();
    private final RbacService rbac = t.service;

    @Test
    void aCleanSystemListsExactlyTheNineBuiltInGroups() {
        assertThat(rbac.listPrivilegeGroups()).extracting(PrivilegeGroup::name).containsExactly("ClusterReadOnly",
                "ClusterReadWrite", "ClusterAdmin", "DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin",
                "CollectionReadOnly", "CollectionReadWrite", "CollectionAdmin");
    }

    @Test
    void customGroupsAreListedFirstAndStartEmpty() {
        rbac.createPrivilegeGroup("zeta");
        rbac.createPrivilegeGroup("alpha");
        List<PrivilegeGroup> groups = rbac.listPrivilegeGroups();
        assertThat(groups).hasSize(11);
        assertThat(groups.subList(0, 2)).containsExactly(new PrivilegeGroup("alpha", List.of()),
                new PrivilegeGroup("zeta", List.of()));
    }

    @Test
    void builtInAndExistingNamesCannotBeCreated() {
        rbac.createPrivilegeGroup("g1");
        assertThatThrownBy(call(() -> rbac.createPrivilegeGroup("g1")))
                .isInstanceOfSatisfying(MilvusException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(1100);
                    assertThat(e.errorCode().legacyCode()).isEqualTo(58);
                })
                .hasMessage("failed to check if privilege group creatable: privilege group name [g1] is defined by"
                        + " users: invalid parameter");
        for (String builtIn : List.of("ClusterAdmin", "Insert", "ReadOnly", "All")) {
            assertThatThrownBy(call(() -> rbac.createPrivilegeGroup(builtIn)))
                    .hasMessage("failed to check if privilege group creatable: privilege group name [" + builtIn
                            + "] is defined by built in privileges or privilege groups in system: invalid parameter");
        }
    }

    @Test
    void invalidGroupNamesAreRefusedWithMilvussCodes() {
        for (String name : List.of("n%$#@!", "test-role", "ff ff", "a&", "a$")) {
            assertThatThrownBy(call(() -> rbac.createPrivilegeGroup(name)))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                    .hasMessage("privilege group name " + name + " can only contain numbers, letters and "
                            + "underscores: invalid parameter");
        }
        assertThatThrownBy(call(() -> rbac.createPrivilegeGroup("")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().code()).isEqualTo(1402))
                .hasMessage("invalid privilege group name[privilegeGroup=privilege group name should not be empty]");
        assertThatThrownBy(call(() -> rbac.createPrivilegeGroup("%$")))
                .hasMessage("%$: invalid privilege group name[privilegeGroup=the first character of a privilege "
                        + "group name %s must be an underscore or letter]");
        String tooLong = "a".repeat(300);
        assertThatThrownBy(call(() -> rbac.createPrivilegeGroup(tooLong)))
                .hasMessage(tooLong + "->255: invalid privilege group name[privilegeGroup=the length of a privilege "
                        + "group name %s must be less than %s characters]");
    }

    @Test
    void droppingMissingOrBuiltInGroupsIsANoOp() {
        rbac.createPrivilegeGroup("g1");
        rbac.dropPrivilegeGroup("g1");
        assertThatCode(call(() -> rbac.dropPrivilegeGroup("g1"))).doesNotThrowAnyException();
        assertThatCode(call(() -> rbac.dropPrivilegeGroup("never"))).doesNotThrowAnyException();
        assertThatCode(call(() -> rbac.dropPrivilegeGroup("ClusterAdmin"))).doesNotThrowAnyException();
        assertThat(rbac.listPrivilegeGroups()).extracting(PrivilegeGroup::name).contains("ClusterAdmin")
                .doesNotContain("g1");
        assertThatThrownBy(call(() -> rbac.dropPrivilegeGroup(""))).isInstanceOf(MilvusException.class);
    }

    @Test
    void aGrantedGroupCannotBeDroppedUntilRevoked() {
        rbac.createRole("r1");
        rbac.createPrivilegeGroup("g1");
        rbac.operatePrivilegeGroup("g1", List.of("Query", "Search"), MembershipOperation.ADD);
        t.grantV2("r1", "g1", "db1", "c1");
        assertThatThrownBy(call(() -> rbac.dropPrivilegeGroup("g1")))
                .isInstanceOfSatisfying(MilvusException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(65535);
                    assertThat(e.errorCode().legacyCode()).isEqualTo(59);
                })
                .hasMessage("failed to check if privilege group dropable: privilege group [g1] is used by role [r1],"
                        + " Use REVOKE API to revoke it first");
        t.revokeV2("r1", "g1", "db1", "c1");
        rbac.dropPrivilegeGroup("g1");
        assertThat(rbac.listPrivilegeGroups()).hasSize(9);
    }

    @Test
    void onlyCustomGroupsCanBeAlteredAndOnlyWithKnownNames() {
        for (String group : List.of("nope", "ClusterAdmin")) {
            assertThatThrownBy(call(() -> rbac.operatePrivilegeGroup(group, List.of("Query"),
                    MembershipOperation.ADD)))
                    .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode())
                            .isEqualTo(61))
                    .hasMessage("failed to check if privilege group alterable: there is no privilege group name ["
                            + group + "] defined in system to operate: invalid parameter");
        }
        rbac.createPrivilegeGroup("g1");
        assertThatThrownBy(call(() -> rbac.operatePrivilegeGroup("g1", List.of(), MembershipOperation.ADD)))
                .hasMessage("failed to check if privilege group alterable: privileges is empty when alter the "
                        + "privilege group: invalid parameter");
        assertThatThrownBy(call(() -> rbac.operatePrivilegeGroup("g1", List.of("Query", "Fly"),
                MembershipOperation.ADD)))
                .hasMessage("failed to check if privilege group alterable: there is no privilege name or privilege "
                        + "group name [Fly] defined in system to operate: invalid parameter");
    }

    @Test
    void membersOfAGroupShareOneLevel() {
        rbac.createPrivilegeGroup("g1");
        rbac.operatePrivilegeGroup("g1", List.of("Query", "Insert"), MembershipOperation.ADD);
        assertThatThrownBy(call(() -> rbac.operatePrivilegeGroup("g1", List.of("CreateCollection"),
                MembershipOperation.ADD)))
                .hasMessage("failed to check if privilege group alterable: privileges are not the same privilege "
                        + "level: invalid parameter");
        rbac.operatePrivilegeGroup("g1", List.of("Query", "Search"), MembershipOperation.REMOVE);
        assertThat(rbac.listPrivilegeGroups().get(0)).isEqualTo(new PrivilegeGroup("g1", List.of("Insert")));
        rbac.operatePrivilegeGroup("g1", List.of("Insert"), MembershipOperation.REMOVE);
        assertThatCode(call(() -> rbac.operatePrivilegeGroup("g1", List.of("CreateCollection"),
                MembershipOperation.ADD))).doesNotThrowAnyException();
    }

    @Test
    void changingAGroupChangesWhatItsGranteesMayDoAtOnce() {
        String role = t.userWithRole("alice");
        rbac.createPrivilegeGroup("g1");
        rbac.operatePrivilegeGroup("g1", List.of("Query"), MembershipOperation.ADD);
        t.grantV2(role, "g1", "default", "c1");
        Requirement search = Requirement.collection(Privilege.SEARCH, "c1");
        assertThat(t.allowed("alice", "default", search)).isFalse();
        rbac.operatePrivilegeGroup("g1", List.of("Search"), MembershipOperation.ADD);
        assertThat(t.allowed("alice", "default", search)).isTrue();
        rbac.operatePrivilegeGroup("g1", List.of("Search"), MembershipOperation.REMOVE);
        assertThat(t.allowed("alice", "default", search)).isFalse();
        assertThat(t.allowed("alice", "default", Requirement.collection(Privilege.QUERY, "c1"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(Privilege.QUERY, "c2"))).isFalse();
    }

    private static ThrowingCallable call(Runnable action) {
        return action::run;
    }
}
