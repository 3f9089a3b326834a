package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-user filtering of database and collection listings (§4.7). */
@Timeout(30)
class VisibilityTest {
    private final RbacFixture t = new RbacFixture();
    private final Visibility visibility = t.visibility;

    @Test
    void aFreshUserSeesNoDatabaseAndNoCollection() {
        t.users.add("fresh");
        assertThat(visibility.databases("fresh")).isEqualTo(VisibleNames.only(Set.of()));
        assertThat(visibility.collections("fresh", "default").contains("c1")).isFalse();
        t.service.operateUserRole("root", "fresh", "public", MembershipOperation.ADD);
        assertThat(visibility.databases("fresh").names()).isEmpty();
        assertThat(visibility.collections("fresh", "default").all()).isFalse();
    }

    @Test
    void rootAndAdminSeeEverythingAndSoDoesEveryoneWithAuthorizationOff() {
        assertThat(visibility.databases("root").all()).isTrue();
        t.users.add("boss");
        t.service.operateUserRole("root", "boss", "admin", MembershipOperation.ADD);
        assertThat(visibility.databases("boss").all()).isTrue();
        assertThat(visibility.collections("boss", "db1").all()).isTrue();
        RbacFixture off = new RbacFixture(RbacSettings.defaults(false));
        assertThat(off.visibility.collections("anyone", "db1").all()).isTrue();
    }

    @Test
    void databasesAreThoseOfTheRolesGrants() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "db1", "Query");
        t.grant(role, "Global", "*", "db2", "CreateCollection");
        assertThat(visibility.databases("alice").names()).containsExactly("db1", "db2");
        t.grant(role, "Collection", "c1", "*", "Query");
        assertThat(visibility.databases("alice").all()).isTrue();
    }

    @Test
    void collectionsAreThoseNamedByCollectionGrantsAndCollectionLevelGroups() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "default", "Query");
        t.grant(role, "Global", "*", "default", "CreateCollection");
        t.grantV2(role, "CollectionReadOnly", "default", "c2");
        t.service.createPrivilegeGroup("g1");
        t.grantV2(role, "g1", "default", "c3");
        t.grant(role, "Collection", "c4", "db1", "Query");
        assertThat(visibility.collections("alice", "default").names()).containsExactly("c1", "c2", "c3");
        assertThat(visibility.collections("alice", "db1").names()).containsExactly("c4");
        t.grant(role, "Collection", "*", "db1", "Query");
        assertThat(visibility.collections("alice", "db1").all()).isTrue();
        t.grant(role, "Global", "*", "default", "All");
        assertThat(visibility.collections("alice", "default").all()).isTrue();
    }

    @Test
    void starDatabaseGrantsCountInEveryDatabase() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "*", "Query");
        assertThat(visibility.collections("alice", "db5").names()).containsExactly("c1");
    }

    @Test
    void describeOfAnInvisibleObjectIsNotPermitted() {
        String role = t.userWithRole("alice");
        t.grant(role, "Collection", "c1", "db1", "Query");
        assertThatCode(() -> visibility.requireCollection("alice", "db1", "c1")).doesNotThrowAnyException();
        assertThatCode(() -> visibility.requireDatabase("alice", "db1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> visibility.requireCollection("alice", "db1", "c2"))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRIVILEGE_NOT_PERMITTED))
                .hasMessage("not allowed to access collection, collection name: c2: privilege not permitted");
        assertThatThrownBy(() -> visibility.requireDatabase("alice", "db2"))
                .hasMessage("not allowed to access database, db name: db2: privilege not permitted");
        assertThat(List.of("c1", "c2", "c3")).filteredOn(visibility.collections("alice", "db1")::contains)
                .containsExactly("c1");
    }
}
