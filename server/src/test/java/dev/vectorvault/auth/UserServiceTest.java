package dev.vectorvault.auth;

import static dev.vectorvault.auth.TestCredentials.caller;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.PermissionDeniedException;
import dev.vectorvault.config.ServerConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UserServiceTest {
    private final TestCredentials t = new TestCredentials();
    private final UserService users = t.users;

    private static org.assertj.core.api.ThrowableAssert.ThrowingCallable call(Runnable r) {
        return r::run;
    }

    @Test
    void createdUsersAreListedWithRoot() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "analyst");
        assertThat(users.listUsers(caller("root"))).containsExactly("alice", "root");
        assertThat(users.describeUsers(caller("root"), Optional.of("alice")))
                .containsExactly(new UserInfo("alice", "analyst"));
        assertThat(users.describeUsers(caller("root"), Optional.of("ghost"))).isEmpty();
    }

    @Test
    void duplicateUserIsRefusedLikeMilvus() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "");
        assertThatThrownBy(call(() -> users.createUser(caller("root"), "alice", Password.of("other-pw"), "")))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CREATE_CREDENTIAL_FAILED))
                .hasMessage("user already exists: alice");
        assertThatThrownBy(call(() -> users.createUser(caller("root"), "root", Password.of("other-pw"), "")))
                .hasMessage("user already exists: root");
    }

    @Test
    void userLimitCountsRoot() {
        TestCredentials small = new TestCredentials();
        UserService limited = new UserService(small.credentials, small.authenticator, small.hasher,
                new CredentialPolicy(new dev.vectorvault.config.ServerConfig.CredentialLimits(32, 6, 256, 2)),
                (c, p, u) -> { }, new AuditLog(), java.util.Set.of());
        limited.createUser(caller("root"), "one", Password.of("password1"), "");
        assertThatThrownBy(call(() -> limited.createUser(caller("root"), "two", Password.of("password2"), "")))
                .hasMessageContaining("unable to add user because the number of users has reached the limit");
    }

    @Test
    void onlyTheNodeWhoseBootstrapCreatedRootAuditsIt() {
        TestCredentials wiring = new TestCredentials();
        try (dev.vectorvault.storage.MvMetaStore shared = dev.vectorvault.storage.MvMetaStore.inMemory()) {
            // Two nodes start over one empty store; each mirror read it before either created root.
            CredentialStore nodeA = new CredentialStore(shared);
            CredentialStore nodeB = new CredentialStore(shared);
            List<String> linesA = new CopyOnWriteArrayList<>();
            List<String> linesB = new CopyOnWriteArrayList<>();

            users(nodeA, wiring, linesA).bootstrapRoot(ServerConfig.defaults().defaultRootPassword());
            users(nodeB, wiring, linesB).bootstrapRoot(ServerConfig.defaults().defaultRootPassword());

            assertThat(linesA).anyMatch(line -> line.contains("user_created"));
            assertThat(linesB).as("node B's add lost the race").noneMatch(line -> line.contains("user_created"));
            assertThat(nodeB.find("root")).as("the losing add reloads the mirror").isPresent();
        }
    }

    private static UserService users(CredentialStore credentials, TestCredentials wiring, List<String> auditLines) {
        AuditLog audit = new AuditLog(60_000, 100, System::currentTimeMillis, AuditLog.Format.TEXT,
                (warn, line) -> auditLines.add(line));
        return new UserService(credentials, wiring.authenticator, wiring.hasher,
                new CredentialPolicy(ServerConfig.defaults().limits()), (c, p, u) -> { }, audit, Set.of());
    }

    @Test
    void rootCannotBeDeletedAndMissingUsersDeleteQuietly() {
        assertThatThrownBy(call(() -> users.deleteUser(caller("root"), "root")))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRIVILEGE_NOT_PERMITTED))
                .hasMessage("root user cannot be deleted: privilege not permitted");
        assertThatCode(() -> users.deleteUser(caller("root"), "ghost")).doesNotThrowAnyException();
    }

    @Test
    void wrongOldPasswordIsNotAuthenticatedEvenForRoot() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "");
        assertThatThrownBy(call(() -> users.changePassword(caller("root"), "alice", Password.of("wrong-pw"),
                Password.of("next-pw1"))))
                .isInstanceOfSatisfying(MilvusException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_AUTHENTICATED))
                .hasMessage("old password not correct for alice: not authenticated");
        assertThatThrownBy(call(() -> users.changePassword(caller("root"), "ghost", Password.of("wrong-pw"),
                Password.of("next-pw1"))))
                .hasMessage("old password not correct for ghost: not authenticated");
    }

    @Test
    void superUserResetsWithoutTheOldPassword() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "");
        users.changePassword(caller("admin_su"), "alice", Password.of(""), Password.of("reset-pw"));
        assertThat(t.authenticator.authenticate("alice", Password.of("reset-pw"), "x"))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);
        assertThatThrownBy(call(() -> users.changePassword(caller("admin_su"), "ghost", Password.of(""),
                Password.of("reset-pw"))))
                .hasMessage("failed to check if update credential: user not found");
    }

    @Test
    void descriptionChangeLeavesThePasswordAlone() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "");
        users.changeDescription(caller("alice"), "alice", "new text");
        assertThat(users.describeUsers(caller("alice"), Optional.of("alice")).get(0).description())
                .isEqualTo("new text");
        assertThat(t.authenticator.authenticate("alice", Password.of("alice-pw"), "x"))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);
    }

    @Test
    void ordinaryUsersManageOnlyThemselves() {
        users.createUser(caller("root"), "alice", Password.of("alice-pw"), "");
        users.createUser(caller("root"), "bob", Password.of("bob-pw1"), "");
        assertThatThrownBy(call(() -> users.createUser(caller("alice"), "carol", Password.of("carol-pw"), "")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("PrivilegeCreateOwnership: permission deny to alice in the `default` database");
        assertThatThrownBy(call(() -> users.deleteUser(caller("alice"), "bob")))
                .isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(call(() -> users.listUsers(caller("alice")))).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(call(() -> users.changePassword(caller("alice"), "bob", Password.of("bob-pw1"),
                Password.of("hacked-pw")))).isInstanceOf(PermissionDeniedException.class);
        assertThatCode(() -> users.changePassword(caller("alice"), "alice", Password.of("alice-pw"),
                Password.of("alice-pw2"))).doesNotThrowAnyException();
        assertThat(users.describeUsers(caller("alice"), Optional.of("alice"))).hasSize(1);
    }

    @Test
    void invalidInputChangesNothing() {
        assertThatThrownBy(call(() -> users.createUser(caller("root"), "bad-name", Password.of("password"), "")))
                .isInstanceOf(MilvusException.class);
        assertThatThrownBy(call(() -> users.createUser(caller("root"), "goodname", Password.of("short"), "")))
                .isInstanceOf(MilvusException.class);
        assertThat(users.listUsers(caller("root"))).containsExactly("root");
    }
}
