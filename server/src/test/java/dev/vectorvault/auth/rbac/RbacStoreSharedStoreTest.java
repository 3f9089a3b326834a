package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.auth.CredentialPolicy;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.testing.Race;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two RBAC mirrors over one metadata store, as two server nodes sharing etcd: what one writes takes effect on the
 * other's decisions after {@link RbacStore#reload()}, and writes that race are decided by the store, losing nothing.
 */
@Timeout(120)
class RbacStoreSharedStoreTest {
    private static final long SEED = Race.seed(RbacStoreSharedStoreTest.class);
    /** Collection privileges without companions, so each grant is one key. */
    private static final List<String> PRIVILEGES = List.of("Insert", "Delete", "Upsert", "Search", "Query",
            "IndexDetail", "Import", "GetStatistics", "CreateIndex", "DropIndex");

    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final RbacFixture.Users users = new RbacFixture.Users();
    private final RbacFixture nodeA = node();
    private final RbacFixture nodeB = node();

    private RbacFixture node() {
        return new RbacFixture(meta, RbacSettings.defaults(true), users, PrivilegeCatalog.defaults());
    }

    @AfterEach
    void close() {
        meta.close();
    }

    @Test
    void aGrantOnOneNodeAllowsAndItsRevokeDeniesOnTheOtherAfterItsReload() {
        String role = nodeA.userWithRole("alice");
        nodeA.grant(role, "Collection", "c1", "default", "Insert");
        Requirement insert = Requirement.collection(Privilege.INSERT, "c1");
        assertThat(nodeB.allowed("alice", "default", insert)).isFalse();

        long before = nodeB.store.revision();
        nodeB.store.reload();

        assertThat(nodeB.store.revision()).isGreaterThan(before);
        assertThat(nodeB.allowed("alice", "default", insert)).isTrue();
        assertThat(nodeB.store.state().rolesOf("alice")).containsExactly(role);

        nodeA.revoke(role, "Collection", "c1", "default", "Insert");
        nodeB.store.reload();
        assertThat(nodeB.allowed("alice", "default", insert)).isFalse();
    }

    @Test
    void reloadingAnUnchangedStoreKeepsTheRevisionSoTheCompiledPolicyStays() {
        String role = nodeA.userWithRole("alice");
        nodeB.store.reload();
        assertThat(nodeB.store.state().rolesOf("alice")).containsExactly(role);
        long revision = nodeB.store.revision();
        RbacState state = nodeB.store.state();

        nodeB.store.reload();

        assertThat(nodeB.store.revision()).isEqualTo(revision);
        assertThat(nodeB.store.state()).isSameAs(state);
    }

    @Test
    void concurrentCreatesOfTheSameRoleOnTwoNodesGiveExactlyOneSuccess() throws Exception {
        try (Race race = new Race(new Random(SEED), 2)) {
            for (int round = 0; round < 200; round++) {
                String role = "role" + round;
                List<Callable<?>> calls = List.of(() -> {
                    nodeA.service.createRole(role);
                    return "created";
                }, () -> {
                    nodeB.service.createRole(role);
                    return "created";
                });
                List<Race.Outcome> outcomes = race.run(calls);

                assertThat(outcomes.stream().filter(Race.Outcome::succeeded)).as("round " + round).hasSize(1);
                Throwable loser = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().error();
                assertThat(loser).isInstanceOf(MilvusException.class)
                        .hasMessage("role [name:\"" + role + "\"] already exists");
                assertThat(((MilvusException) loser).errorCode()).isEqualTo(ErrorCode.CREATE_ROLE_FAILED);
                assertThat(nodeA.store.state().hasRole(role)).isTrue();
                assertThat(nodeB.store.state().hasRole(role)).isTrue();
                // Keep under the role limit.
                nodeA.service.dropRole(role, false);
                nodeB.store.reload();
            }
        }
    }

    @Test
    void concurrentGrantsOfDifferentPrivilegesFromTwoNodesAllSurvive() throws Exception {
        users.add("alice");
        nodeA.service.createRole("writer");
        nodeB.store.reload();
        Random random = new Random(SEED);
        try (Race race = new Race(random, 2)) {
            for (int round = 0; round < 20; round++) {
                String collection = "c" + round;
                List<String> shuffled = new ArrayList<>(PRIVILEGES);
                java.util.Collections.shuffle(shuffled, random);
                List<String> forA = shuffled.subList(0, 5);
                List<String> forB = shuffled.subList(5, 10);
                race.run(List.of(() -> grantAll(nodeA, collection, forA), () -> grantAll(nodeB, collection, forB)));
            }
        }
        nodeA.store.reload();
        nodeB.store.reload();
        for (RbacFixture node : List.of(nodeA, nodeB)) {
            assertThat(node.grantsOf("writer")).hasSize(20 * PRIVILEGES.size());
            assertThat(node.store.state().grants()).isEqualTo(node().store.state().grants());
        }
    }

    @Test
    void theSameGrantFromTwoNodesAtOnceIsStoredOnceWithOneGrantor() throws Exception {
        users.add("alice");
        users.add("bob");
        nodeA.service.createRole("writer");
        nodeA.service.operateUserRole("root", "alice", RbacService.ADMIN_ROLE, MembershipOperation.ADD);
        nodeA.service.operateUserRole("root", "bob", RbacService.ADMIN_ROLE, MembershipOperation.ADD);
        nodeB.store.reload();
        try (Race race = new Race(new Random(SEED), 2)) {
            for (int round = 0; round < 50; round++) {
                String collection = "c" + round;
                race.run(List.of(() -> grantAs(nodeA, "alice", collection), () -> grantAs(nodeB, "bob", collection)));
                nodeA.store.reload();
                nodeB.store.reload();
                List<Grant> onA = nodeA.service.selectGrant("writer", java.util.Optional.of("Collection"),
                        java.util.Optional.of(collection), "default");
                assertThat(onA).hasSize(1);
                assertThat(nodeB.service.selectGrant("writer", java.util.Optional.of("Collection"),
                        java.util.Optional.of(collection), "default")).isEqualTo(onA);
            }
        }
    }

    @Test
    void concurrentChangesOfOnePrivilegeGroupFromTwoNodesLoseNoMember() throws Exception {
        Random random = new Random(SEED);
        try (Race race = new Race(random, 2)) {
            for (int round = 0; round < 20; round++) {
                String group = "group" + round;
                nodeA.service.createPrivilegeGroup(group);
                nodeB.store.reload();
                List<String> shuffled = new ArrayList<>(PRIVILEGES);
                java.util.Collections.shuffle(shuffled, random);
                race.run(List.of(() -> addMembers(nodeA, group, shuffled.subList(0, 5)),
                        () -> addMembers(nodeB, group, shuffled.subList(5, 10))));
                nodeA.store.reload();
                nodeB.store.reload();
                for (RbacFixture node : List.of(nodeA, nodeB)) {
                    assertThat(node.store.state().customGroup(group).orElseThrow().privileges())
                            .as("round " + round).containsExactlyInAnyOrderElementsOf(PRIVILEGES);
                }
            }
        }
    }

    @Test
    void reloadLeavesOutButNeverDeletesBindingsAndGrantsWhoseRoleIsMissing() {
        users.add("alice");
        nodeA.service.createRole("present");
        String orphanBinding = RbacStore.BINDING_PREFIX + "alice/missing";
        String orphanGrant = RbacStore.GRANT_PREFIX + "missing/Collection/default.c1/PrivilegeInsert";
        meta.put(orphanBinding, "user-role-v1".getBytes(StandardCharsets.UTF_8));
        meta.put(orphanGrant, "grant-v1\nroot".getBytes(StandardCharsets.UTF_8));
        meta.put(RbacStore.BINDING_PREFIX + "alice/present", "user-role-v1".getBytes(StandardCharsets.UTF_8));

        nodeB.store.reload();

        assertThat(nodeB.store.state().rolesOf("alice")).containsExactly("present");
        assertThat(nodeB.store.state().grantsOf("missing")).isEmpty();
        assertThat(meta.get(orphanBinding)).as("another node may be midway through a change").isPresent();
        assertThat(meta.get(orphanGrant)).isPresent();
    }

    @Test
    void aNodeStartingWhileAnotherCreatesAndBindsAUserKeepsThatUsersRoles() {
        CredentialStore credentialsA = new CredentialStore(meta);
        CredentialStore credentialsB = new CredentialStore(meta); // B has read its users: carol does not exist yet
        credentialsA.add("carol", "$argon2id$hash-of-carol", "", 100);
        users.add("carol");
        nodeA.service.createRole("analyst");
        nodeA.service.operateUserRole("root", "carol", "analyst", MembershipOperation.ADD);

        RbacStore storeB = new RbacStore(meta);
        RbacService.start(storeB, PrivilegeCatalog.defaults(), RbacSettings.defaults(true),
                new CredentialDirectory(credentialsB, new CredentialPolicy(ServerConfig.defaults().limits()),
                        new PasswordHasher(new ServerConfig.HashSettings(64, 1, 1))));

        assertThat(storeB.state().rolesOf("carol")).containsExactly("analyst");
        assertThat(new RbacStore(meta).state().rolesOf("carol")).containsExactly("analyst");
    }

    private static String grantAll(RbacFixture node, String collection, List<String> privileges) {
        for (String privilege : privileges) {
            node.service.operatePrivilegeV2("root", "writer", privilege, "default", collection,
                    PrivilegeOperation.GRANT);
        }
        return "granted";
    }

    private static String grantAs(RbacFixture node, String grantor, String collection) {
        node.service.operatePrivilegeV2(grantor, "writer", "Insert", "default", collection, PrivilegeOperation.GRANT);
        return "granted";
    }

    private static String addMembers(RbacFixture node, String group, List<String> privileges) {
        for (String privilege : privileges) {
            node.service.operatePrivilegeGroup(group, List.of(privilege), MembershipOperation.ADD);
        }
        return "added";
    }
}
