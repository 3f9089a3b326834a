package dev.vectorvault.auth.rbac;

import dev.vectorvault.auth.CredentialPolicy;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.StoredCredential;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Optional;

/** The {@link UserDirectory} of a running server: the credential store, under the credential policy's rules. */
public final class CredentialDirectory implements UserDirectory {
    private final CredentialStore credentials;
    private final CredentialPolicy policy;
    private final PasswordHasher hasher;

    public CredentialDirectory(CredentialStore credentials, CredentialPolicy policy, PasswordHasher hasher) {
        this.credentials = credentials;
        this.policy = policy;
        this.hasher = hasher;
    }

    @Override
    public boolean exists(String username) {
        return credentials.find(username).isPresent();
    }

    @Override
    public void refresh() {
        credentials.reload();
    }

    @Override
    public List<String> usernames() {
        return credentials.usernames();
    }

    @Override
    public Optional<String> passwordHash(String username) {
        return credentials.find(username).map(StoredCredential::passwordHash);
    }

    /**
     * Restored users keep the hash of the backup: ours (Argon2id), or bcrypt from a Milvus backup, which is verified
     * once and replaced by Argon2id at the user's first login. Anything else could never log in, so it is refused.
     */
    @Override
    public void restore(String username, String passwordHash) {
        policy.checkUsername(username);
        checkRestorableHash(username, passwordHash);
        switch (credentials.add(username, passwordHash, "", policy.maxUsers())) {
            case ADDED -> { }
            case ALREADY_EXISTS -> throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED,
                    "failed to check if rbac restorable: user [" + username + "] already exists");
            case LIMIT_REACHED -> throw new MilvusException(ErrorCode.CREATE_CREDENTIAL_FAILED,
                    "failed to check if add credential: unable to add user because the number of users has reached"
                            + " the limit");
        }
    }

    /** Unreadable hashes could never log in; hashes over the cost limits would cost that much on every login. */
    @Override
    public void checkRestorableHash(String username, String passwordHash) {
        if (!PasswordHasher.isReadable(passwordHash)) {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "failed to check if rbac restorable:"
                    + " the password of user [" + username + "] is not an Argon2id or bcrypt hash");
        }
        hasher.costOverLimit(passwordHash).ifPresent(problem -> {
            throw new MilvusException(ErrorCode.OPERATE_PRIVILEGE_FAILED, "failed to check if rbac restorable: the"
                    + " password hash of user [" + username + "] is too costly to verify: " + problem);
        });
    }

    @Override
    public void checkUsername(String username) {
        policy.checkUsername(username);
    }
}
