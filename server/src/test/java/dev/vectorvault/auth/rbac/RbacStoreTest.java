package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Persistence, key shapes, revisions and crash leftovers of {@link RbacStore}. */
@Timeout(30)
class RbacStoreTest {
    @TempDir
    Path dir;

    @Test
    void everythingSurvivesReopeningTheSameFile() {
        RbacFixture.Users users = new RbacFixture.Users();
        try (MetaStore meta = MvMetaStore.open(dir)) {
            RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true), users, PrivilegeCatalog.defaults());
            String role = t.userWithRole("alice");
            t.grant(role, "Collection", "c1", "db1", "Load");
            t.service.createPrivilegeGroup("g1");
            t.service.operatePrivilegeGroup("g1", List.of("Query", "Search"), MembershipOperation.ADD);
            t.grantV2(role, "g1", "db1", "c2");
        }
        try (MetaStore meta = MvMetaStore.open(dir)) {
            RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true), users, PrivilegeCatalog.defaults());
            assertThat(t.service.selectUser(Optional.of("alice"), true))
                    .containsExactly(new UserRoles("alice", List.of("alice_role")));
            assertThat(t.grantsOf("alice_role")).containsExactlyInAnyOrder("Collection/c1/db1/Load",
                    "Collection/c1/db1/GetLoadState", "Collection/c1/db1/GetLoadingProgress", "Global/c2/db1/g1");
            assertThat(t.service.listPrivilegeGroups().get(0))
                    .isEqualTo(new PrivilegeGroup("g1", List.of("Query", "Search")));
            assertThat(t.allowed("alice", "db1", Requirement.collection(Privilege.SEARCH, "c2"))).isTrue();
            assertThat(t.service.selectRole(Optional.empty(), false)).hasSize(3);
        }
    }

    @Test
    void keysHaveMilvussShapeAndValuesHoldNoSecrets() {
        RbacFixture t = new RbacFixture();
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "db1", "Insert");
        t.service.createPrivilegeGroup("g1");
        Map<String, byte[]> all = new TreeMap<>();
        for (String prefix : List.of(RbacStore.ROLE_PREFIX, RbacStore.BINDING_PREFIX, RbacStore.GRANT_PREFIX,
                RbacStore.GROUP_PREFIX)) {
            all.putAll(t.meta.scan(prefix));
        }
        assertThat(all.keySet()).contains("credential/roles/alice_role", "credential/roles/admin",
                "credential/user-role-mapping/alice/alice_role",
                "credential/grantee-privileges/alice_role/Collection/db1.c1/PrivilegeInsert",
                "credential/grantee-privileges/public/Global/*.*/PrivilegeDescribeCollection",
                "privilege-group/g1");
        assertThat(all.values()).allSatisfy(value ->
                assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("argon2", "hash"));
    }

    @Test
    void oddCharactersInNamesAreEncodedAndComeBackIntact() {
        assertThat(RbacStore.encode("a/b.c%d\ne")).isEqualTo("a%2Fb%2Ec%25d%0Ae");
        assertThat(RbacStore.decode(RbacStore.encode("ü/ñ.x"))).isEqualTo("ü/ñ.x");
        RbacFixture t = new RbacFixture();
        t.service.createRole("r1");
        t.store.grant(new Grant("r1", ObjectType.COLLECTION, "a.b/c", "d.e", "Insert", "root"));
        assertThat(new RbacStore(t.meta).state().grantsOf("r1"))
                .containsExactly(new Grant("r1", ObjectType.COLLECTION, "a.b/c", "d.e", "Insert", "root"));
    }

    @Test
    void revisionIncreasesWithEveryChangeAndOnlyThen() {
        RbacFixture t = new RbacFixture();
        long start = t.store.revision();
        t.service.createRole("r1");
        long afterCreate = t.store.revision();
        t.service.selectRole(Optional.empty(), true);
        t.grant("r1", "Global", "*", "default", "CreateCollection");
        long afterGrant = t.store.revision();
        t.service.operateUserRole("root", "root", "r1", MembershipOperation.REMOVE);
        assertThat(afterCreate).isGreaterThan(start);
        assertThat(afterGrant).isGreaterThan(afterCreate);
        assertThat(t.store.revision()).isEqualTo(afterGrant);
    }

    @Test
    void bindingsAndGrantsOfAMissingRoleAreDroppedOnOpen() {
        RbacFixture t = new RbacFixture();
        t.users.add("alice");
        // What a crash between writing a role's dependents and the role itself would leave.
        t.meta.put(RbacStore.BINDING_PREFIX + "alice/ghost", "user-role-v1".getBytes(StandardCharsets.UTF_8));
        t.meta.put(RbacStore.GRANT_PREFIX + "ghost/Global/default.*/PrivilegeAll",
                "grant-v1\nroot".getBytes(StandardCharsets.UTF_8));
        t.reopen();
        t.service.createRole("ghost");
        assertThat(t.grantsOf("ghost")).isEmpty();
        assertThat(t.service.selectRole(Optional.of("ghost"), true))
                .containsExactly(new RoleUsers("ghost", "", List.of()));
    }

    @Test
    void bindingsOfUsersThatNoLongerExistAreDroppedAtStart() {
        RbacFixture t = new RbacFixture();
        t.userWithRole("alice");
        t.users.remove("alice");
        t.reopen();
        t.users.add("alice");
        assertThat(t.service.selectUser(Optional.of("alice"), true))
                .containsExactly(new UserRoles("alice", List.of()));
    }

    @Test
    void anUnreadableRecordStopsTheOpen() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "r1", "something-else".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new RbacStore(meta)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credential/roles/r1");
    }
}
