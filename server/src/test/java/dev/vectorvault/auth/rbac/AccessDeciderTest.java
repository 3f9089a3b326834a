package dev.vectorvault.auth.rbac;

import static dev.vectorvault.auth.rbac.Privilege.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.auth.Caller;
import dev.vectorvault.common.PermissionDeniedException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The enforcement algorithm (§4.6, checklist §7.4) including the Q1 and Q2 decisions. */
@Timeout(30)
class AccessDeciderTest {
    private final RbacFixture t = new RbacFixture();
    private final RbacService rbac = t.service;

    @Test
    void withAuthorizationOffEverythingIsAllowed() {
        RbacFixture off = new RbacFixture(RbacSettings.defaults(false));
        assertThat(off.allowed("nobody", "", Requirement.global(DROP_DATABASE))).isTrue();
    }

    @Test
    void rootBypassesRbacUnlessItShouldBindRoles() {
        assertThat(t.allowed("root", "any", Requirement.global(DROP_DATABASE))).isTrue();
        RbacFixture bound = new RbacFixture(new RbacSettings(true, true, true, 10, 255, 1024, "$", "$"));
        assertThat(bound.allowed("root", "default", Requirement.global(DROP_DATABASE))).isFalse();
        bound.service.operateUserRole("root", "root", "admin", MembershipOperation.ADD);
        assertThat(bound.allowed("root", "default", Requirement.global(DROP_DATABASE))).isTrue();
    }

    @Test
    void aFreshUserIsDeniedWhatThePublicRoleDoesNotGrant() {
        t.users.add("fresh");
        for (Privilege privilege : List.of(LOAD, RELEASE, COMPACTION, INSERT, DELETE, CREATE_INDEX, DROP_INDEX,
                SEARCH, FLUSH, QUERY)) {
            assertThat(t.allowed("fresh", "default", Requirement.collection(privilege, "c1")))
                    .as(privilege.apiName()).isFalse();
        }
        for (Privilege privilege : List.of(CREATE_COLLECTION, DROP_COLLECTION, CREATE_OWNERSHIP, DROP_OWNERSHIP,
                SELECT_OWNERSHIP, MANAGE_OWNERSHIP)) {
            assertThat(t.allowed("fresh", "default", Requirement.global(privilege))).as(privilege.apiName())
                    .isFalse();
        }
        assertThat(t.allowed("fresh", "default", Requirement.user(UPDATE_USER, "root"))).isFalse();
        assertThat(t.allowed("fresh", "default", Requirement.user(SELECT_USER, "root"))).isFalse();
        assertThat(t.allowed("fresh", "default", Requirement.user(SELECT_USER, ""))).isFalse();
        assertThat(t.allowed("fresh", "default", Requirement.selectGrant("admin"))).isFalse();
        assertThat(t.allowed("fresh", "default", Requirement.collection(INDEX_DETAIL, "c1"))).isTrue();
        assertThat(t.allowed("fresh", "db9", Requirement.global(DESCRIBE_COLLECTION))).isTrue();
        assertThat(t.allowed("fresh", "db9", Requirement.global(LIST_ALIASES))).isTrue();
    }

    @Test
    void denialCarriesMilvussMessage() {
        t.users.add("u1");
        Decision decision = t.decider.decide("u1", "", Requirement.collection(INSERT, "c1"));
        assertThat(decision).isEqualTo(new Decision(false,
                "PrivilegeInsert: permission deny to u1 in the `default` database"));
        assertThatThrownBy(() -> t.decider.check("u1", "db1", Requirement.global(CREATE_COLLECTION)))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("PrivilegeCreateCollection: permission deny to u1 in the `db1` database");
    }

    @Test
    void aCollectionGrantAllowsThatPrivilegeOnThatCollectionOnly() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "default", "Insert");
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c1"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c2"))).isFalse();
        assertThat(t.allowed("alice", "default", Requirement.collection(CREATE_INDEX, "c1"))).isFalse();
        assertThat(t.allowed("alice", "db1", Requirement.collection(INSERT, "c1"))).isFalse();
    }

    @Test
    void aRevokeTakesEffectOnTheVeryNextDecision() {
        String role = t.userWithRole("alice");
        Requirement create = Requirement.global(CREATE_COLLECTION);
        t.grant(role, "Global", "*", "default", "CreateCollection");
        assertThat(t.allowed("alice", "default", create)).isTrue();
        t.revoke(role, "Global", "*", "default", "CreateCollection");
        assertThat(t.allowed("alice", "default", create)).isFalse();
        t.grant(role, "Global", "*", "default", "CreateCollection");
        rbac.operateUserRole("root", "alice", role, MembershipOperation.REMOVE);
        assertThat(t.allowed("alice", "default", create)).isFalse();
    }

    @Test
    void aStarCollectionNameCoversEveryCollectionOfThatDatabase() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "*", "default", "Load");
        assertThat(t.allowed("alice", "default", Requirement.collection(LOAD, "c1"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(GET_LOADING_PROGRESS, "c2"))).isTrue();
        assertThat(t.allowed("alice", "db1", Requirement.collection(LOAD, "c1"))).isFalse();
    }

    @Test
    void q1StarPrivilegeMeansEveryPrivilegeOfTheGrantsObjectType() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "*", "default", "*");
        for (Privilege privilege : List.of(INSERT, SEARCH, QUERY, DELETE, DROP_INDEX, LOAD, FLUSH)) {
            assertThat(t.allowed("alice", "default", Requirement.collection(privilege, "any")))
                    .as(privilege.apiName()).isTrue();
        }
        assertThat(t.allowed("alice", "default", Requirement.global(CREATE_COLLECTION))).isFalse();
        assertThat(t.allowed("alice", "default", Requirement.global(MANAGE_OWNERSHIP))).isFalse();

        String other = t.userWithRole("bob");
        t.grant(other, "Global", "*", "default", "*");
        assertThat(t.allowed("bob", "default", Requirement.global(CREATE_COLLECTION))).isTrue();
        assertThat(t.allowed("bob", "default", Requirement.global(DESCRIBE_RESOURCE_GROUP))).isTrue();
        assertThat(t.allowed("bob", "default", Requirement.collection(INSERT, "c1"))).isFalse();
        assertThat(t.allowed("bob", "db1", Requirement.global(CREATE_COLLECTION))).isFalse();

        String third = t.userWithRole("carol");
        t.grant(third, "User", "dave", "default", "*");
        assertThat(t.allowed("carol", "default", Requirement.user(UPDATE_USER, "dave"))).isTrue();
        assertThat(t.allowed("carol", "default", Requirement.user(UPDATE_USER, "erin"))).isFalse();
    }

    @Test
    void allAllowsEveryPrivilegeInItsDatabaseAndQ2MakesStarMeanEveryDatabase() {
        String role = t.userWithRole("alice");
        t.grant(role, "Global", "*", "db1", "All");
        assertThat(t.allowed("alice", "db1", Requirement.collection(INSERT, "c1"))).isTrue();
        assertThat(t.allowed("alice", "db1", Requirement.global(DROP_DATABASE))).isTrue();
        assertThat(t.allowed("alice", "db1", Requirement.user(UPDATE_USER, "root"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c1"))).isFalse();

        String everywhere = t.userWithRole("bob");
        t.grant(everywhere, "Global", "*", "*", "All");
        assertThat(t.allowed("bob", "default", Requirement.collection(INSERT, "c1"))).isTrue();
        assertThat(t.allowed("bob", "db7", Requirement.global(CREATE_DATABASE))).isTrue();
    }

    @Test
    void adminMembersMayDoAnythingInEveryDatabase() {
        t.users.add("boss");
        rbac.operateUserRole("root", "boss", "admin", MembershipOperation.ADD);
        for (String db : List.of("default", "db1", "nowhere")) {
            assertThat(t.allowed("boss", db, Requirement.collection(DROP_INDEX, "c1"))).isTrue();
            assertThat(t.allowed("boss", db, Requirement.global(DROP_DATABASE))).isTrue();
            assertThat(t.allowed("boss", db, Requirement.user(UPDATE_USER, "root"))).isTrue();
        }
    }

    @Test
    void usersMayActOnTheirOwnUserObject() {
        t.users.add("alice");
        assertThat(t.allowed("alice", "default", Requirement.user(UPDATE_USER, "alice"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(SELECT_USER, "alice"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(UPDATE_USER, "bob"))).isFalse();
    }

    @Test
    void userGrantsNameOneUserOrAll() {
        String role = t.userWithRole("alice");
        t.grant(role, "User", "*", "default", "SelectUser");
        t.grant(role, "User", "bob", "default", "UpdateUser");
        assertThat(t.allowed("alice", "default", Requirement.user(SELECT_USER, ""))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(SELECT_USER, "carol"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(UPDATE_USER, "bob"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(UPDATE_USER, "carol"))).isFalse();
    }

    @Test
    void membersMayListTheGrantsOfTheirOwnRolesAndOfPublic() {
        String role = t.userWithRole("alice");
        rbac.createRole("other");
        assertThat(t.allowed("alice", "default", Requirement.selectGrant(role))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.selectGrant("public"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.selectGrant("other"))).isFalse();
        t.grant(role, "Global", "*", "default", "SelectOwnership");
        assertThat(t.allowed("alice", "default", Requirement.selectGrant("other"))).isTrue();
    }

    @Test
    void grantsApplyOnlyInTheDatabaseTheyWereMadeIn() {
        String role = t.userWithRole("alice");
        t.grant(role, "Global", "*", "x", "*");
        t.grant(role, "User", "*", "x", "SelectUser");
        assertThat(t.allowed("alice", "x", Requirement.global(DESCRIBE_RESOURCE_GROUP))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.global(DESCRIBE_RESOURCE_GROUP))).isFalse();
        assertThat(t.allowed("alice", "x", Requirement.user(SELECT_USER, ""))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(SELECT_USER, ""))).isFalse();
    }

    @Test
    void revokingFromPublicAffectsEveryUserAndRegrantingRestores() {
        t.grant("public", "Collection", "c1", "default", "Insert");
        t.users.add("anyone");
        assertThat(t.allowed("anyone", "default", Requirement.collection(INSERT, "c1"))).isTrue();
        t.revoke("public", "Collection", "c1", "default", "Insert");
        assertThat(t.allowed("anyone", "default", Requirement.collection(INSERT, "c1"))).isFalse();
        t.grant("public", "Collection", "c1", "default", "Insert");
        assertThat(t.allowed("anyone", "default", Requirement.collection(INSERT, "c1"))).isTrue();
    }

    @Test
    void readOnlyAndReadWriteMatchTheirCollectionOrRequestsOnStar() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "default", "ReadOnly");
        assertThat(t.allowed("alice", "default", Requirement.collection(QUERY, "c1"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(QUERY, "c2"))).isFalse();
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c1"))).isFalse();
        assertThat(t.allowed("alice", "default", Requirement.global(SHOW_COLLECTIONS))).isTrue();
        assertThat(t.allowed("alice", "db1", Requirement.collection(QUERY, "c1"))).isFalse();
        t.grant(role, "Collection", "*", "default", "ReadWrite");
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c2"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.global(RENAME_COLLECTION))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.global(CREATE_COLLECTION))).isFalse();
    }

    @Test
    void theAdminGroupAllowsItsMembersOnAnyObject() {
        String role = t.userWithRole("alice");
        t.grant(role, "Global", "*", "default", "Admin");
        assertThat(t.allowed("alice", "default", Requirement.global(CREATE_COLLECTION))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collection(INSERT, "c9"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.user(UPDATE_USER, "root"))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.global(LIST_PRIVILEGE_GROUPS))).isFalse();
        assertThat(t.allowed("alice", "db1", Requirement.global(CREATE_COLLECTION))).isFalse();
    }

    @Test
    void v2GroupsAreExpandedWithTheirMembersObjectTypes() {
        String role = t.userWithRole("alice");
        t.grantV2(role, "CollectionReadOnly", "db1", "c1");
        assertThat(t.allowed("alice", "db1", Requirement.collection(QUERY, "c1"))).isTrue();
        assertThat(t.allowed("alice", "db1", Requirement.collection(QUERY, "c2"))).isFalse();
        // DescribeAlias is a Global privilege: Milvus's expansion grants it on '*' in that database.
        assertThat(t.allowed("alice", "db1", Requirement.global(DESCRIBE_ALIAS))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.global(DESCRIBE_ALIAS))).isFalse();
        t.grantV2(role, "ClusterReadOnly", "*", "*");
        assertThat(t.allowed("alice", "anywhere", Requirement.global(LIST_DATABASES))).isTrue();
        assertThat(t.allowed("alice", "anywhere", Requirement.user(SELECT_USER, "bob"))).isTrue();
    }

    @Test
    void severalCollectionsNeedOneRoleThatAllowsEveryOneAndNoneIsDenied() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "default", "Flush");
        rbac.createRole("second");
        rbac.operateUserRole("root", "alice", "second", MembershipOperation.ADD);
        t.grant("second", "Collection", "c2", "default", "Flush");
        assertThat(t.allowed("alice", "default", Requirement.collections(FLUSH, List.of("c1")))).isTrue();
        assertThat(t.allowed("alice", "default", Requirement.collections(FLUSH, List.of("c1", "c2")))).isFalse();
        t.grant(role, "Collection", "c2", "default", "Flush");
        assertThat(t.allowed("alice", "default", Requirement.collections(FLUSH, List.of("c1", "c2")))).isTrue();
        t.users.add("boss");
        rbac.operateUserRole("root", "boss", "admin", MembershipOperation.ADD);
        assertThat(t.allowed("boss", "default", Requirement.collections(FLUSH, List.of()))).isFalse();
    }

    @Test
    void theUserServicePolicyMapsPrivilegesToRequirements() {
        RbacAccessPolicy policy = new RbacAccessPolicy(t.decider);
        String role = t.userWithRole("alice");
        Caller alice = new Caller("alice", true, "127.0.0.1", "default");
        assertThatCode(() -> policy.check(alice, "PrivilegeUpdateUser", "alice")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check(alice, "PrivilegeUpdateUser", "bob"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("PrivilegeUpdateUser: permission deny to alice in the `default` database");
        assertThatThrownBy(() -> policy.check(alice, "PrivilegeCreateOwnership", null))
                .isInstanceOf(PermissionDeniedException.class);
        t.grant(role, "Global", "*", "default", "CreateOwnership");
        t.grant(role, "User", "*", "default", "SelectUser");
        assertThatCode(() -> policy.check(alice, "PrivilegeCreateOwnership", null)).doesNotThrowAnyException();
        assertThatCode(() -> policy.check(alice, "PrivilegeSelectUser", null)).doesNotThrowAnyException();
    }

    @Test
    void decisionsTakeMicroseconds() {
        String role = t.userWithRole("alice");
        for (int i = 0; i < 50; i++) {
            t.grant(role, "Collection", "c" + i, "default", "Search");
        }
        t.grantV2(role, "CollectionReadWrite", "default", "c7");
        Requirement hit = Requirement.collection(INSERT, "c7");
        Requirement miss = Requirement.collection(DROP_INDEX, "c8");
        int rounds = 200_000;
        for (int i = 0; i < rounds; i++) {
            t.decider.decide("alice", "default", (i & 1) == 0 ? hit : miss);
        }
        long start = System.nanoTime();
        int allowed = 0;
        for (int i = 0; i < rounds; i++) {
            allowed += t.decider.decide("alice", "default", (i & 1) == 0 ? hit : miss).allowed() ? 1 : 0;
        }
        double microsEach = (System.nanoTime() - start) / 1_000.0 / rounds;
        assertThat(allowed).isEqualTo(rounds / 2);
        assertThat(microsEach).as("µs per decision").isLessThan(20.0);
    }
}
