package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.auth.CredentialPolicy;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.HashSettings;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, finding 9: RestoreRBAC refuses a hash whose cost parameters exceed the configured limits, before it
 * writes anything, naming the user and never the hash. Limits here are tiny so that the hashes stay cheap to make.
 */
@Timeout(30)
class RestoreHashCostTest {
    /** New hashes m=64 KiB, t=1, p=1; stored ones at most m=256 KiB, t=2, p=2, bcrypt cost 5. */
    private static final HashSettings LIMITED = new HashSettings(64, 1, 1, 256, 2, 2, 5);

    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final CredentialStore credentials = new CredentialStore(meta);
    private final PasswordHasher hasher = new PasswordHasher(LIMITED);
    private final RbacService rbac = RbacService.start(new RbacStore(meta), PrivilegeCatalog.defaults(),
            RbacSettings.defaults(true), new CredentialDirectory(credentials,
                    new CredentialPolicy(ServerConfig.defaults().limits()), hasher));

    private static String argon2(int memoryKiB, int iterations, int parallelism) {
        return new PasswordHasher(new HashSettings(memoryKiB, iterations, parallelism)).hash(Password.of("pw-123456"));
    }

    private static String bcrypt(int cost) {
        return OpenBSDBCrypt.generate("pw-123456".getBytes(StandardCharsets.UTF_8), new byte[16], cost);
    }

    private RbacSnapshot snapshotWith(String user, String hash) {
        Grant grant = new Grant("restored_role", ObjectType.COLLECTION, "c1", "default", "Query", "root");
        return new RbacSnapshot(List.of(new RbacSnapshot.User(user, hash, List.of("restored_role"))),
                List.of("restored_role"), List.of(grant), List.of());
    }

    private void assertRefusedBeforeAnythingIsWritten(String user, String hash, String key) {
        assertThatThrownBy(() -> rbac.restore(snapshotWith(user, hash)))
                .isInstanceOf(MilvusException.class)
                .hasMessageContaining("[" + user + "]")
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(hash.substring(hash.lastIndexOf('$'))));
        assertThat(rbac.selectRole(java.util.Optional.of("restored_role"), false)).isEmpty();
        assertThat(credentials.find(user)).isEmpty();
    }

    @Test
    void argon2HashOverEachLimitIsRefusedNamingTheUserAndTheKey() {
        assertRefusedBeforeAnythingIsWritten("big_memory", argon2(1_024, 1, 1), "common.security.argon2.maxMemoryKiB");
        assertRefusedBeforeAnythingIsWritten("many_passes", argon2(64, 3, 1), "common.security.argon2.maxIterations");
        assertRefusedBeforeAnythingIsWritten("many_lanes", argon2(64, 1, 4), "common.security.argon2.maxParallelism");
    }

    @Test
    void bcryptHashOverTheCostLimitIsRefused() {
        assertRefusedBeforeAnythingIsWritten("milvus_user", bcrypt(6), "common.security.bcrypt.maxCost");
    }

    @Test
    void hashesWithinTheLimitsAreRestored() {
        rbac.restore(snapshotWith("fine_argon", argon2(256, 2, 2)));
        assertThat(credentials.find("fine_argon")).isPresent();
        RbacSnapshot milvus = new RbacSnapshot(List.of(new RbacSnapshot.User("fine_bcrypt", bcrypt(5), List.of())),
                List.of(), List.of(), List.of());
        rbac.restore(milvus);
        assertThat(hasher.verify(Password.of("pw-123456"), credentials.find("fine_bcrypt").orElseThrow()
                .passwordHash())).isTrue();
    }
}
