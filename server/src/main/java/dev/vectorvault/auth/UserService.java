package dev.vectorvault.auth;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * User management with Milvus's semantics: create, change password (with the old one unless the caller is a super
 * user), change description, delete (never root; a missing user is fine), list and describe. Every change is
 * durable before it returns, takes effect on the very next call of every client, and is audit-logged.
 */
public final class UserService {
    public static final String ROOT = "root";
    public static final String WELL_KNOWN_ROOT_PASSWORD = "Milvus";

    private final CredentialStore credentials;
    private final Authenticator authenticator;
    private final PasswordHasher hasher;
    private final CredentialPolicy policy;
    private final AccessPolicy access;
    private final AuditLog audit;
    private final Set<String> superUsers;
    private final Consumer<String> beforeRemoval;

    public UserService(CredentialStore credentials, Authenticator authenticator, PasswordHasher hasher,
                       CredentialPolicy policy, AccessPolicy access, AuditLog audit, Set<String> superUsers) {
        this(credentials, authenticator, hasher, policy, access, audit, superUsers, user -> { });
    }

    /**
     * @param beforeRemoval told of a user about to be deleted, before its credential goes (RBAC drops the user's
     *                      role bindings there, so a crash in between leaves a user without roles, never roles
     *                      waiting for a re-created user of the same name)
     */
    public UserService(CredentialStore credentials, Authenticator authenticator, PasswordHasher hasher,
                       CredentialPolicy policy, AccessPolicy access, AuditLog audit, Set<String> superUsers,
                       Consumer<String> beforeRemoval) {
        this.beforeRemoval = beforeRemoval;
        this.credentials = credentials;
        this.authenticator = authenticator;
        this.hasher = hasher;
        this.policy = policy;
        this.access = access;
        this.audit = audit;
        this.superUsers = superUsers;
    }

    /** Creates root on the very first start only; later starts leave it as it is. */
    public void bootstrapRoot(Secret firstPassword) {
        if (credentials.find(ROOT).isEmpty()) {
            String hash = authenticator.hashNewPassword(Password.fromUtf8(firstPassword.utf8()).orElseThrow());
            // Nodes starting together race here: only the one whose add wins created root, so only it says so.
            if (credentials.add(ROOT, hash, "", Integer.MAX_VALUE) == CredentialStore.AddResult.ADDED) {
                audit.userChanged("user_created", "(bootstrap)", ROOT, "local");
            }
        }
    }

    /** True while root's password is still the one everybody knows. */
    public boolean rootHasWellKnownPassword() {
        return credentials.find(ROOT)
                .map(c -> hasher.verify(Password.of(WELL_KNOWN_ROOT_PASSWORD), c.passwordHash()))
                .orElse(false);
    }

    public void createUser(Caller caller, String username, Password password, String description) {
        access.check(caller, "PrivilegeCreateOwnership", null);
        policy.checkUsername(username);
        policy.checkPassword(password);
        if (credentials.find(username).isPresent()) {
            throw alreadyExists(username);
        }
        String hash = authenticator.hashNewPassword(password);
        switch (credentials.add(username, hash, description == null ? "" : description, policy.maxUsers())) {
            case ADDED -> audit.userChanged("user_created", caller.username(), username, caller.clientAddress());
            case ALREADY_EXISTS -> throw alreadyExists(username);
            case LIMIT_REACHED -> throw new MilvusException(ErrorCode.CREATE_CREDENTIAL_FAILED,
                    "failed to check if add credential: unable to add user because the number of users has reached"
                            + " the limit");
        }
    }

    /**
     * Sets a new password. The old one must be right unless the caller is a configured super user; a wrong old
     * password counts as a failed login for throttling.
     */
    public void changePassword(Caller caller, String username, Password oldPassword, Password newPassword) {
        access.check(caller, "PrivilegeUpdateUser", username);
        policy.checkPassword(newPassword);
        boolean superUser = superUsers.contains(caller.username());
        if (!superUser && !authenticator.isValid(username, oldPassword, caller.clientAddress())) {
            throw new MilvusException(ErrorCode.NOT_AUTHENTICATED,
                    "old password not correct for " + username + ": not authenticated");
        }
        String hash = authenticator.hashNewPassword(newPassword);
        if (credentials.replaceHash(username, hash, -1).isEmpty()) {
            throw new MilvusException(ErrorCode.UPDATE_CREDENTIAL_FAILED,
                    "failed to check if update credential: user not found");
        }
        authenticator.forget(username);
        audit.userChanged("password_changed", caller.username(), username, caller.clientAddress());
    }

    /** The v2 SDK's updateUser: description only, the password stays. */
    public void changeDescription(Caller caller, String username, String description) {
        access.check(caller, "PrivilegeUpdateUser", username);
        if (credentials.replaceDescription(username, description).isEmpty()) {
            throw new MilvusException(ErrorCode.UPDATE_CREDENTIAL_FAILED,
                    "failed to check if update credential: user not found");
        }
        audit.userChanged("description_changed", caller.username(), username, caller.clientAddress());
    }

    public void deleteUser(Caller caller, String username) {
        access.check(caller, "PrivilegeDropOwnership", null);
        if (ROOT.equals(username)) {
            throw new MilvusException(ErrorCode.PRIVILEGE_NOT_PERMITTED,
                    "root user cannot be deleted: privilege not permitted");
        }
        if (credentials.find(username).isPresent()) {
            beforeRemoval.accept(username);
        }
        if (credentials.remove(username)) {
            authenticator.forget(username);
            audit.userChanged("user_deleted", caller.username(), username, caller.clientAddress());
        }
    }

    public List<String> listUsers(Caller caller) {
        access.check(caller, "PrivilegeSelectOwnership", null);
        return credentials.usernames();
    }

    /** One user (empty when unknown, as Milvus), or every user when {@code username} is empty. */
    public List<UserInfo> describeUsers(Caller caller, Optional<String> username) {
        access.check(caller, "PrivilegeSelectUser", username.orElse(null));
        if (username.isPresent()) {
            return credentials.find(username.get())
                    .map(c -> List.of(new UserInfo(c.username(), c.description())))
                    .orElse(List.of());
        }
        return credentials.usernames().stream()
                .flatMap(name -> credentials.find(name).stream())
                .map(c -> new UserInfo(c.username(), c.description()))
                .toList();
    }

    private static MilvusException alreadyExists(String username) {
        return new MilvusException(ErrorCode.CREATE_CREDENTIAL_FAILED, "user already exists: " + username);
    }
}
