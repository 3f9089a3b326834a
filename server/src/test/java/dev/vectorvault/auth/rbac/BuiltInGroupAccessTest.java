package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.MvMetaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * Every built-in group, granted where its level allows, allows each of its members and denies every other single
 * privilege (checklist §7.5.10). Public's defaults are off here so that nothing else allows anything.
 */
@Timeout(60)
class BuiltInGroupAccessTest {
    private static final RbacSettings NO_PUBLIC_DEFAULTS =
            new RbacSettings(true, false, false, 10, 255, 1024, "$", "$");

    @ParameterizedTest
    @EnumSource(value = Privilege.class, names = {"CLUSTER_READ_ONLY", "CLUSTER_READ_WRITE", "CLUSTER_ADMIN",
            "DATABASE_READ_ONLY", "DATABASE_READ_WRITE", "DATABASE_ADMIN", "COLLECTION_READ_ONLY",
            "COLLECTION_READ_WRITE", "COLLECTION_ADMIN"})
    void v2GroupAllowsExactlyItsMembers(Privilege group) {
        RbacFixture t = new RbacFixture(MvMetaStore.inMemory(), NO_PUBLIC_DEFAULTS);
        String role = t.userWithRole("alice");
        String db = group.apiName().startsWith("Cluster") ? "*" : "db1";
        String collection = group.apiName().startsWith("Collection") ? "c1" : "*";
        t.grantV2(role, group.apiName(), db, collection);
        assertAllowsExactly(t, group, "db1");
    }

    @ParameterizedTest
    @EnumSource(value = Privilege.class, names = {"READ_ONLY", "READ_WRITE", "ADMIN"})
    void v1GroupAllowsExactlyItsMembers(Privilege group) {
        RbacFixture t = new RbacFixture(MvMetaStore.inMemory(), NO_PUBLIC_DEFAULTS);
        String role = t.userWithRole("alice");
        t.grant(role, group.objectType().wireName(), group == Privilege.ADMIN ? "*" : "c1", "db1", group.apiName());
        assertAllowsExactly(t, group, "db1");
    }

    private static void assertAllowsExactly(RbacFixture t, Privilege group, String db) {
        Set<Privilege> members = Set.copyOf(t.catalog.members(group));
        List<String> wronglyDenied = new ArrayList<>();
        List<String> wronglyAllowed = new ArrayList<>();
        for (Privilege privilege : Privilege.values()) {
            if (privilege.kind() != Privilege.Kind.PRIVILEGE || privilege == Privilege.ALL) {
                continue;
            }
            boolean allowed = t.allowed("alice", db, requirementOn(privilege));
            if (members.contains(privilege) && !allowed) {
                wronglyDenied.add(privilege.apiName());
            } else if (!members.contains(privilege) && allowed) {
                wronglyAllowed.add(privilege.apiName());
            }
        }
        assertThat(wronglyDenied).as("members denied").isEmpty();
        assertThat(wronglyAllowed).as("non-members allowed").isEmpty();
    }

    /** What an RPC needing the privilege asks for, per §4.5: Collection on c1, User on another user, else Global. */
    private static Requirement requirementOn(Privilege privilege) {
        return switch (privilege.objectType()) {
            case COLLECTION -> Requirement.collection(privilege, "c1");
            case USER -> Requirement.user(privilege, "bob");
            case GLOBAL -> Requirement.global(privilege);
        };
    }
}
