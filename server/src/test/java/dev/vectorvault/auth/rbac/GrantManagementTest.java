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

/** v1 and v2 grants as stored and listed (§4.8, checklist §7.4, §7.5.8-13). */
@Timeout(30)
class GrantManagementTest {
    private final RbacFixture t = new RbacFixture();
    private final RbacService rbac = t.service;

    GrantManagementTest() {
        rbac.createRole("r1");
    }

    @Test
    void grantIsIdempotentAndRevokingWhatWasNeverGrantedSucceeds() {
        t.grant("r1", "Collection", "c1", "default", "Insert");
        long revision = t.store.revision();
        t.grant("r1", "Collection", "c1", "default", "Insert");
        assertThat(t.store.revision()).as("a repeated grant writes nothing").isEqualTo(revision);
        assertThat(t.grantsOf("r1")).containsExactly("Collection/c1/default/Insert");
        t.revoke("r1", "Collection", "c1", "default", "Insert");
        assertThatCode(call(() -> t.revoke("r1", "Collection", "c1", "default", "Insert")))
                .doesNotThrowAnyException();
        assertThatCode(call(() -> t.revoke("r1", "Collection", "never", "nowhere", "Search")))
                .doesNotThrowAnyException();
        assertThat(t.grantsOf("r1")).isEmpty();
    }

    @Test
    void emptyDatabaseMeansDefaultAndGrantorIsKept() {
        t.users.add("alice");
        rbac.operateUserRole("root", "alice", "admin", MembershipOperation.ADD);
        rbac.operatePrivilege("alice", new GrantEntity("r1", "Collection", "c1", "", "Search"),
                PrivilegeOperation.GRANT);
        List<Grant> grants = rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "");
        assertThat(grants).containsExactly(new Grant("r1", ObjectType.COLLECTION, "c1", "default", "Search",
                "alice"));
    }

    @Test
    void globalGrantsAreStoredOnStarUnlessTheyAreBuiltInGroups() {
        t.grant("r1", "Global", "anything", "default", "CreateCollection");
        t.grant("r1", "Global", "anything", "default", "*");
        t.grant("r1", "Global", "kept", "default", "Admin");
        assertThat(t.grantsOf("r1")).containsExactlyInAnyOrder("Global/*/default/CreateCollection",
                "Global/*/default/*", "Global/kept/default/Admin");
    }

    @Test
    void loadAndFlushAreGrantedAndRevokedWithTheirCompanions() {
        t.grant("r1", "Collection", "c1", "default", "Load");
        t.grant("r1", "Collection", "c1", "default", "Flush");
        assertThat(t.grantsOf("r1")).containsExactlyInAnyOrder("Collection/c1/default/Load",
                "Collection/c1/default/GetLoadState", "Collection/c1/default/GetLoadingProgress",
                "Collection/c1/default/Flush", "Collection/c1/default/GetFlushState");
        t.revoke("r1", "Collection", "c1", "default", "Load");
        t.revoke("r1", "Collection", "c1", "default", "Flush");
        assertThat(t.grantsOf("r1")).isEmpty();
    }

    @Test
    void v1RefusesPrivilegesOfAnotherObjectTypeAndV2Groups() {
        assertRefused("Collection", "All", "not found the privilege name[All] in object[Collection]");
        assertRefused("Global", "Insert", "not found the privilege name[Insert] in object[Global]");
        assertRefused("Global", "GetReplicateConfiguration",
                "not found the privilege name[GetReplicateConfiguration] in object[Global]");
        assertRefused("User", "Search", "not found the privilege name[Search] in object[User]");
        assertRefused("Global", "Nope", "not found the privilege name[Nope] in object[Global]");
        assertRefused("Global", "ClusterAdmin", "can not operate the built-in privilege group [ClusterAdmin]");
        rbac.createPrivilegeGroup("mine");
        assertRefused("Global", "mine", "can not operate the custom privilege group [mine]");
        assertThatCode(call(() -> t.grant("r1", "Collection", "c1", "default", "ReadOnly")))
                .doesNotThrowAnyException();
        assertThatCode(call(() -> t.grant("r1", "Collection", "c1", "default", "ReadWrite")))
                .doesNotThrowAnyException();
        assertThatCode(call(() -> t.grant("r1", "Global", "*", "default", "Admin"))).doesNotThrowAnyException();
        assertThatCode(call(() -> t.grant("r1", "User", "*", "default", "SelectUser"))).doesNotThrowAnyException();
    }

    @Test
    void v1CommonChecksCarryTheirPrefix() {
        assertThatThrownBy(call(() -> t.grant("r1", "Database", "c1", "default", "Insert")))
                .hasMessage("failed to operate privilege common check: the object entity in the request is nil or"
                        + " invalid");
        assertThatThrownBy(call(() -> t.grant("ghost", "Collection", "c1", "default", "Insert")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(41))
                .hasMessage("failed to operate privilege common check: not found the role, maybe the role isn't "
                        + "existed or internal system error");
        assertThatThrownBy(call(() -> rbac.operatePrivilege("", new GrantEntity("r1", "Collection", "c1", "",
                "Insert"), PrivilegeOperation.GRANT)))
                .hasMessage("failed to operate privilege common check: the user entity in the grantor entity is nil"
                        + " or empty");
        assertThatThrownBy(call(() -> rbac.operatePrivilege("ghost", new GrantEntity("r1", "Collection", "c1", "",
                "Insert"), PrivilegeOperation.GRANT)))
                .hasMessage("failed to operate privilege common check: not found the user, maybe the user isn't "
                        + "existed or internal system error");
    }

    @Test
    void v1NamesAreValidated() {
        assertThatThrownBy(call(() -> t.grant("r1", "Collection", "", "default", "Insert")))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessage("object name should be not empty: invalid parameter[expected=not empty][actual=]");
        assertThatThrownBy(call(() -> t.grant("r1", "Collection", "c1", "default", "In-sert")))
                .hasMessage("Privilege can only contain numbers, letters, underscores, and allowed characters ($),"
                        + " found - at 2: invalid parameter");
        assertThatThrownBy(call(() -> t.grant("r1", "1Collection", "c1", "default", "Insert")))
                .hasMessage("the first character of ObjectType must be an underscore or letter: invalid "
                        + "parameter[expected=95][actual=49]");
    }

    @Test
    void grantsOnMissingDatabasesAndCollectionsSucceed() {
        t.grant("r1", "Collection", "no_such_collection", "no_such_db", "Query");
        t.grantV2("r1", "Search", "other_db", "other_collection");
        assertThat(t.grantsOf("r1")).containsExactlyInAnyOrder("Collection/no_such_collection/no_such_db/Query",
                "Collection/other_collection/other_db/Search");
    }

    @Test
    void selectGrantListsOneDatabaseOrAllAndFiltersByObject() {
        t.grant("r1", "Collection", "c", "default", "Search");
        t.grant("r1", "Collection", "c", "default", "Insert");
        t.grant("r1", "Collection", "d", "default", "Insert");
        t.grant("r1", "Global", "*", "default", "CreateCollection");
        t.grant("r1", "Global", "*", "default", "All");
        t.grant("r1", "Collection", "c", "db1", "Query");
        assertThat(privileges(rbac.selectGrant("r1", Optional.of("Collection"), Optional.of("c"), "default")))
                .containsExactlyInAnyOrder("Search", "Insert");
        assertThat(privileges(rbac.selectGrant("r1", Optional.of("Global"), Optional.of("*"), "default")))
                .containsExactlyInAnyOrder("CreateCollection", "All");
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "default")).hasSize(5);
        assertThat(privileges(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "db1")))
                .containsExactly("Query");
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "no_such_db")).isEmpty();
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "*")).hasSize(6);
    }

    @Test
    void selectGrantValidatesTheObject() {
        assertThatThrownBy(call(() -> rbac.selectGrant("r1", Optional.of("Collection"), Optional.of(""), "")))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID));
        assertThatThrownBy(call(() -> rbac.selectGrant("r1", Optional.of("Database"), Optional.of("x"), "")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(42))
                .hasMessage("not found the object type[name: Database], supported the object types: [Collection "
                        + "Global User]");
    }

    @Test
    void v2StoresTheObjectTypeOfThePrivilegeAndKeepsTheCollectionName() {
        t.grantV2("r1", "Insert", "db1", "c1");
        t.grantV2("r1", "CreateCollection", "db1", "c1");
        t.grantV2("r1", "CollectionReadOnly", "db1", "c1");
        t.grantV2("r1", "*", "*", "*");
        assertThat(t.grantsOf("r1")).containsExactlyInAnyOrder("Collection/c1/db1/Insert",
                "Global/c1/db1/CreateCollection", "Global/c1/db1/CollectionReadOnly", "Global/*/*/*");
        t.revokeV2("r1", "*", "*", "*");
        assertThat(t.grantsOf("r1")).hasSize(3);
    }

    @Test
    void v1GrantCanBeRevokedWithV2() {
        t.grant("r1", "Collection", "collection1", "", "Insert");
        t.revokeV2("r1", "Insert", "default", "collection1");
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "default")).isEmpty();
    }

    @Test
    void v2RefusesUnknownPrivilegesAndBadNames() {
        assertThatThrownBy(call(() -> t.grantV2("r1", "NoSuch", "db1", "*")))
                .isInstanceOfSatisfying(MilvusException.class, e -> assertThat(e.errorCode().legacyCode()).isEqualTo(41))
                .hasMessage("not found the privilege name[NoSuch]");
        assertThatThrownBy(call(() -> t.revokeV2("r1", "group3", "db1", "*")))
                .hasMessage("not found the privilege name[group3]");
        assertThatThrownBy(call(() -> t.grantV2("r1", "Insert", "bad-db", "*")))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DATABASE_INVALID_NAME))
                .hasMessage("database name can only contain numbers, letters and underscores: invalid database "
                        + "name[database=bad-db]");
        assertThatThrownBy(call(() -> t.grantV2("r1", "Insert", "db1", "")))
                .hasMessage("collection name should not be empty: invalid parameter");
        assertThatThrownBy(call(() -> t.grantV2("r1", "Insert", "db1", "1c")))
                .hasMessage("Invalid collection name: 1c.  the first character of a collection name must be an "
                        + "underscore or letter: invalid parameter");
    }

    @Test
    void v2GroupsMustFitTheirLevel() {
        t.grantV2("r1", "ClusterAdmin", "*", "*");
        assertLevelRefused("ClusterAdmin", "db1", "*", "dbName and collectionName should be * for the cluster level"
                + " privilege: ClusterAdmin");
        assertLevelRefused("ClusterAdmin", "db1", "col1", "dbName and collectionName should be * for the cluster "
                + "level privilege: ClusterAdmin");
        assertLevelRefused("ClusterAdmin", "*", "col1", "dbName and collectionName should be * for the cluster level"
                + " privilege: ClusterAdmin");
        t.grantV2("r1", "DatabaseAdmin", "db1", "*");
        assertLevelRefused("DatabaseAdmin", "db1", "col1", "collectionName should be * for the database level "
                + "privilege: DatabaseAdmin");
        assertLevelRefused("DatabaseAdmin", "*", "col1", "collectionName should be * for the database level "
                + "privilege: DatabaseAdmin");
        t.grantV2("r1", "CollectionAdmin", "db1", "*");
        t.grantV2("r1", "CollectionAdmin", "db1", "col1");
        assertLevelRefused("CollectionAdmin", "*", "col1", "please specify database name for the collection level "
                + "privilege: CollectionAdmin");
    }

    @Test
    void customGroupsAreLevelCheckedByTheirMembersAndEmptyOnesAreNot() {
        rbac.createPrivilegeGroup("empty");
        t.grantV2("r1", "empty", "db1", "c1");
        rbac.createPrivilegeGroup("dbish");
        rbac.operatePrivilegeGroup("dbish", List.of("CreateCollection"), MembershipOperation.ADD);
        assertLevelRefused("dbish", "db1", "c1", "collectionName should be * for the database level privilege: dbish");
        rbac.createPrivilegeGroup("levelless");
        rbac.operatePrivilegeGroup("levelless", List.of("All"), MembershipOperation.ADD);
        assertThatThrownBy(call(() -> t.grantV2("r1", "levelless", "db1", "*")))
                .hasMessage("not found the privilege level");
    }

    @Test
    void describeRoleShowsV2GroupGrantsPerDatabase() {
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "default")).isEmpty();
        t.grantV2("r1", "DatabaseAdmin", "", "*");
        t.grantV2("r1", "ClusterAdmin", "*", "*");
        assertThat(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "*")).containsExactly(
                new Grant("r1", ObjectType.GLOBAL, "*", "*", "ClusterAdmin", "root"),
                new Grant("r1", ObjectType.GLOBAL, "*", "default", "DatabaseAdmin", "root"));
        assertThat(privileges(rbac.selectGrant("r1", Optional.empty(), Optional.empty(), "default")))
                .containsExactly("DatabaseAdmin");
    }

    @Test
    void droppingACollectionDropsItsGrantsAndRenamingMovesThem() {
        t.grant("r1", "Collection", "c1", "db1", "Insert");
        t.grantV2("r1", "CollectionReadOnly", "db1", "c1");
        t.grant("r1", "Collection", "c1", "db2", "Insert");
        rbac.collectionRenamed("db1", "c1", "db3", "c9");
        assertThat(t.grantsOf("r1")).containsExactlyInAnyOrder("Collection/c9/db3/Insert",
                "Global/c9/db3/CollectionReadOnly", "Collection/c1/db2/Insert");
        rbac.collectionDropped("db3", "c9");
        assertThat(t.grantsOf("r1")).containsExactly("Collection/c1/db2/Insert");
    }

    private void assertRefused(String objectType, String privilege, String message) {
        assertThatThrownBy(call(() -> t.grant("r1", objectType, "c1", "default", privilege)))
                .isInstanceOfSatisfying(MilvusException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(65535);
                    assertThat(e.errorCode().legacyCode()).isEqualTo(41);
                })
                .hasMessage(message);
    }

    private void assertLevelRefused(String privilege, String db, String collection, String message) {
        assertThatThrownBy(call(() -> t.grantV2("r1", privilege, db, collection)))
                .isInstanceOfSatisfying(MilvusException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(1100);
                    assertThat(e.errorCode().legacyCode()).isEqualTo(41);
                })
                .hasMessage(message + ": invalid parameter");
    }

    private static List<String> privileges(List<Grant> grants) {
        return grants.stream().map(Grant::privilege).toList();
    }

    private static ThrowingCallable call(Runnable action) {
        return action::run;
    }
}
