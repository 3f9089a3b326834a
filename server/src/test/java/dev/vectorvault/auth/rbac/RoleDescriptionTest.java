package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Role descriptions (CreateRole's {@code RoleEntity.description}, AlterRole): stored with the role, read back by
 * SelectRole, bounded by {@code proxy.maxRoleDescriptionLength} in UTF-8 bytes, carried by backup and restore, and
 * shared between nodes over one store, kept out of the role record so older nodes keep reading every role; the frozen
 * {@code role-v1}, {@code role-v2} and {@code role-description-v1} records read forever.
 */
@Timeout(30)
class RoleDescriptionTest {
    /** The description frozen in {@code formats/rbac/role-v2.txt} and {@code role-description-v1.txt}. */
    private static final String FROZEN_DESCRIPTION = "Reads reports, \"no\" writes\nline 2 \u2014 \uD83D\uDD12";

    @TempDir
    Path dir;

    private static byte[] frozen(String name) {
        try {
            return Files.readAllBytes(Path.of(RoleDescriptionTest.class.getResource("/formats/rbac/" + name)
                    .toURI()));
        } catch (Exception e) {
            throw new IllegalStateException("frozen record " + name, e);
        }
    }

    /** Two mirrors over one metadata store, as two nodes sharing etcd. */
    private static List<RbacFixture> twoNodesSharingOneStore() {
        MetaStore meta = MvMetaStore.inMemory();
        RbacFixture.Users users = new RbacFixture.Users();
        return List.of(new RbacFixture(meta, RbacSettings.defaults(true), users, PrivilegeCatalog.defaults()),
                new RbacFixture(meta, RbacSettings.defaults(true), users, PrivilegeCatalog.defaults()));
    }

    private static String descriptionOf(RbacFixture t, String role) {
        return t.service.selectRole(Optional.of(role), false).get(0).description();
    }

    @Test
    void aDescriptionGivenAtCreationIsReadBackAndAlterReplacesIt() {
        RbacFixture t = new RbacFixture();
        t.service.createRole("analyst", "reads reports");
        assertThat(t.service.selectRole(Optional.of("analyst"), false))
                .containsExactly(new RoleUsers("analyst", "reads reports", List.of()));

        t.service.alterRole("analyst", "reads and exports reports");
        assertThat(descriptionOf(t, "analyst")).isEqualTo("reads and exports reports");
        t.service.alterRole("analyst", "");
        assertThat(descriptionOf(t, "analyst")).isEmpty();
    }

    @Test
    void descriptionsSurviveReopeningTheStore() {
        try (MetaStore meta = MvMetaStore.open(dir)) {
            RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true));
            t.service.createRole("r1", "first");
            t.service.createRole("r2");
            t.service.alterRole("r2", "second");
        }
        try (MetaStore meta = MvMetaStore.open(dir)) {
            RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true));
            assertThat(t.service.selectRole(Optional.empty(), false))
                    .extracting(RoleUsers::role, RoleUsers::description)
                    .containsExactly(tuple("admin", ""), tuple("public", ""), tuple("r1", "first"),
                            tuple("r2", "second"));
        }
    }

    @Test
    void anyUtf8TextComesBackIntact() {
        RbacFixture t = new RbacFixture();
        String odd = "line1\nline2\r\t%41%%/credential/roles/x \u0000 role-v1 \u00e9\u4e2d\uD83D\uDE00";
        t.service.createRole("odd", odd);
        assertThat(descriptionOf(t, "odd")).isEqualTo(odd);
        t.reopen();
        assertThat(descriptionOf(t, "odd")).isEqualTo(odd);
    }

    @Test
    void theLimitCountsUtf8BytesAndRefusesBeforeAnythingIsWritten() {
        RbacFixture t = new RbacFixture(new RbacSettings(true, false, true, 10, 255, 8, "$", "$"));
        t.service.createRole("fits", "\u00e9\u00e9\u00e9\u00e9"); // 8 bytes
        long revision = t.store.revision();

        assertThatThrownBy(() -> t.service.createRole("too_long", "\u00e9\u00e9\u00e9\u00e9x"))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessage("the length of role description must be not greater than limit: invalid"
                        + " parameter[expected=in [0, 8]][actual=9]");
        assertThatThrownBy(() -> t.service.alterRole("fits", "123456789"))
                .hasMessageContaining("[actual=9]");
        assertThat(t.store.state().hasRole("too_long")).isFalse();
        assertThat(descriptionOf(t, "fits")).isEqualTo("\u00e9\u00e9\u00e9\u00e9");
        assertThat(t.store.revision()).isEqualTo(revision);
    }

    @Test
    void alteringAMissingRoleFailsAndCreatesNothing() {
        RbacFixture t = new RbacFixture();
        assertThatThrownBy(() -> t.service.alterRole("ghost", "boo"))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ALTER_ROLE_FAILED))
                .hasMessage("role not exists");
        assertThat(t.store.state().hasRole("ghost")).isFalse();
        assertThat(t.meta.get(RbacStore.ROLE_PREFIX + "ghost")).isEmpty();
    }

    @Test
    void theBuiltInRolesCannotBeAlteredAndBadNamesAreRefused() {
        RbacFixture t = new RbacFixture();
        for (String role : List.of("admin", "public")) {
            assertThatThrownBy(() -> t.service.alterRole(role, "mine"))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRIVILEGE_NOT_PERMITTED))
                    .hasMessage("the role[" + role + "] is a builtin role, which can't be altered: privilege not"
                            + " permitted");
        }
        assertThatThrownBy(() -> t.service.alterRole("", "x")).isInstanceOf(MilvusException.class);
        assertThatThrownBy(() -> t.service.alterRole("bad name!", "x")).isInstanceOf(MilvusException.class);
    }

    @Test
    void theFrozenRoleV1RecordReadsAsARoleWithoutDescription() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "legacy", frozen("role-v1.txt"));
        RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true));
        assertThat(t.service.selectRole(Optional.of("legacy"), false))
                .containsExactly(new RoleUsers("legacy", "", List.of()));

        t.service.alterRole("legacy", FROZEN_DESCRIPTION);
        assertThat(meta.get(RbacStore.ROLE_PREFIX + "legacy")).hasValue(frozen("role-v1.txt"));
        assertThat(meta.get(RbacStore.DESCRIPTION_PREFIX + "legacy")).hasValue(frozen("role-description-v1.txt"));
        assertThat(descriptionOf(t, "legacy")).isEqualTo(FROZEN_DESCRIPTION);
    }

    @Test
    void theFrozenRoleV2RecordReadsAndItsFirstAlterMovesTheDescriptionOut() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "frozen", frozen("role-v2.txt"));
        RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true));
        assertThat(descriptionOf(t, "frozen")).isEqualTo(FROZEN_DESCRIPTION);

        t.service.alterRole("frozen", "moved");
        assertThat(meta.get(RbacStore.ROLE_PREFIX + "frozen")).hasValue(frozen("role-v1.txt"));
        assertThat(descriptionOf(t, "frozen")).isEqualTo("moved");
        t.reopen();
        assertThat(descriptionOf(t, "frozen")).isEqualTo("moved");
    }

    @Test
    void theFrozenDescriptionRecordReadsAndIsWhatTheWriterProduces() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "frozen", frozen("role-v1.txt"));
        meta.put(RbacStore.DESCRIPTION_PREFIX + "frozen", frozen("role-description-v1.txt"));
        RbacFixture t = new RbacFixture(meta, RbacSettings.defaults(true));
        assertThat(descriptionOf(t, "frozen")).isEqualTo(FROZEN_DESCRIPTION);

        t.service.createRole("written", FROZEN_DESCRIPTION);
        assertThat(meta.get(RbacStore.DESCRIPTION_PREFIX + "written")).hasValue(frozen("role-description-v1.txt"));
    }

    /** What a node of a version before descriptions accepts under the role prefix: role-v1 and nothing else. */
    @Test
    void everyRoleRecordStaysReadableByOlderNodesWhateverItsDescription() {
        RbacFixture t = new RbacFixture();
        t.service.createRole("plain");
        t.service.createRole("described", "reads reports");
        t.service.createRole("cleared", "temporary");
        t.service.alterRole("cleared", "");
        t.service.alterRole("plain", "now described");
        assertThat(t.meta.scan(RbacStore.ROLE_PREFIX)).hasSize(5).allSatisfy(
                (key, value) -> assertThat(value).as(key).isEqualTo(frozen("role-v1.txt")));
    }

    @Test
    void aDroppedRolesDescriptionGoesWithItAndANewRoleOfThatNameStartsWithItsOwn() {
        RbacFixture t = new RbacFixture();
        t.service.createRole("r1", "old");
        t.service.dropRole("r1", false);
        assertThat(t.meta.get(RbacStore.DESCRIPTION_PREFIX + "r1")).isEmpty();

        // A description record with no role, as a change that lost to a drop could leave: never inherited.
        t.meta.put(RbacStore.DESCRIPTION_PREFIX + "r1", frozen("role-description-v1.txt"));
        t.store.reload();
        t.service.createRole("r1");
        assertThat(descriptionOf(t, "r1")).isEmpty();
    }

    @Test
    void anOrphanDescriptionIsRemovedWhenTheStoreOpens() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.DESCRIPTION_PREFIX + "gone", frozen("role-description-v1.txt"));
        new RbacFixture(meta, RbacSettings.defaults(true));
        assertThat(meta.get(RbacStore.DESCRIPTION_PREFIX + "gone")).isEmpty();
    }

    @Test
    void anUnknownDescriptionRecordVersionStopsTheOpen() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "r1", frozen("role-v1.txt"));
        meta.put(RbacStore.DESCRIPTION_PREFIX + "r1", "role-description-v2\nx".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new RbacStore(meta)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credential/role-descriptions/r1");
    }

    @Test
    void anUnknownRoleRecordVersionStopsTheOpen() {
        MetaStore meta = MvMetaStore.inMemory();
        meta.put(RbacStore.ROLE_PREFIX + "r1", "role-v3\nx".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new RbacStore(meta)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credential/roles/r1");
    }

    @Test
    void anAlterOnOneNodeIsSeenByTheOtherAfterItsReload() {
        List<RbacFixture> nodes = twoNodesSharingOneStore();
        RbacFixture nodeA = nodes.get(0);
        RbacFixture nodeB = nodes.get(1);
        nodeA.service.createRole("shared", "v1");
        nodeB.store.reload();
        assertThat(descriptionOf(nodeB, "shared")).isEqualTo("v1");

        nodeA.service.alterRole("shared", "v2");
        long before = nodeB.store.revision();
        nodeB.store.reload();
        assertThat(nodeB.store.revision()).isGreaterThan(before);
        assertThat(descriptionOf(nodeB, "shared")).isEqualTo("v2");
    }

    @Test
    void anAlterFromAStaleMirrorIsDecidedAgainAndNeverRevivesADroppedRole() {
        List<RbacFixture> nodes = twoNodesSharingOneStore();
        RbacFixture nodeA = nodes.get(0);
        RbacFixture nodeB = nodes.get(1);
        nodeA.service.createRole("r1", "old");
        nodeB.store.reload();

        nodeA.service.alterRole("r1", "from A"); // nodeB's mirror still says "old"
        nodeB.service.alterRole("r1", "from B");
        nodeA.store.reload();
        assertThat(descriptionOf(nodeA, "r1")).isEqualTo("from B");

        nodeA.service.dropRole("r1", false); // nodeB's mirror still has the role
        assertThatThrownBy(() -> nodeB.service.alterRole("r1", "too late")).hasMessage("role not exists");
        assertThat(nodeA.meta.get(RbacStore.ROLE_PREFIX + "r1")).isEmpty();
        assertThat(nodeA.meta.get(RbacStore.DESCRIPTION_PREFIX + "r1")).isEmpty();
    }

    @Test
    void anAlterRacingADropOfARoleAnOlderNodeCreatedGivesTheGoneRoleNoDescription() {
        MetaStore shared = MvMetaStore.inMemory();
        shared.put(RbacStore.ROLE_PREFIX + "old", frozen("role-v1.txt")); // as an older node writes it
        RbacFixture nodeA = new RbacFixture(shared, RbacSettings.defaults(true));
        // nodeB's store lets nodeA drop the role just after nodeB has read it and before nodeB writes.
        boolean[] dropped = {false};
        MetaStore gated = new ForwardingMetaStore(shared) {
            @Override
            public Optional<byte[]> get(String key) {
                Optional<byte[]> value = super.get(key);
                if (key.equals(RbacStore.DESCRIPTION_PREFIX + "old") && !dropped[0]) {
                    dropped[0] = true;
                    nodeA.service.dropRole("old", false);
                }
                return value;
            }
        };
        RbacFixture nodeB = new RbacFixture(gated, RbacSettings.defaults(true));

        assertThatThrownBy(() -> nodeB.service.alterRole("old", "too late")).hasMessage("role not exists");
        assertThat(dropped[0]).isTrue();
        assertThat(shared.get(RbacStore.DESCRIPTION_PREFIX + "old")).isEmpty();
        assertThat(shared.get(RbacStore.ROLE_PREFIX + "old")).isEmpty();
    }

    @Test
    void backupCarriesDescriptionsAndRestoreWritesThemBack() {
        RbacFixture t = new RbacFixture();
        t.service.createRole("described", "reads only");
        t.service.createRole("bare");
        RbacSnapshot backup = t.service.backup();
        assertThat(backup.descriptionOf("described")).isEqualTo("reads only");
        assertThat(backup.descriptionOf("bare")).isEmpty();

        t.service.dropRole("described", true);
        t.service.dropRole("bare", true);
        t.service.restore(backup);
        assertThat(descriptionOf(t, "described")).isEqualTo("reads only");
        assertThat(t.service.backup()).isEqualTo(backup);
    }

    @Test
    void restoreRefusesADescriptionOverTheLimitBeforeWritingAnything() {
        RbacFixture t = new RbacFixture(new RbacSettings(true, false, true, 10, 255, 4, "$", "$"));
        RbacSnapshot snapshot = new RbacSnapshot(List.of(), List.of("r1"), List.of(), List.of(),
                Map.of("r1", "12345"));
        assertThatThrownBy(() -> t.service.restore(snapshot)).hasMessageContaining("[actual=5]");
        assertThat(t.store.state().hasRole("r1")).isFalse();
    }
}
