package dev.vectorvault.auth;

import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users and their password hashes, persisted under {@code credential/users/<name>} in the {@link MetaStore} and
 * mirrored in memory so that authenticating a call never touches the disk. Writes go to the store first (durable)
 * and then to the mirror, under one lock, so readers never see a change that is not on disk.
 */
public final class CredentialStore {
    static final String PREFIX = "credential/users/";
    private static final String FORMAT = "credential-v1";

    private final MetaStore store;
    private final Map<String, StoredCredential> users = new ConcurrentHashMap<>();
    private final AtomicLong revisions = new AtomicLong();

    public CredentialStore(MetaStore store) {
        this.store = store;
        store.scan(PREFIX).forEach((key, value) -> {
            StoredCredential credential = decode(key.substring(PREFIX.length()), value);
            users.put(credential.username(), credential);
        });
    }

    public Optional<StoredCredential> find(String username) {
        return Optional.ofNullable(users.get(username));
    }

    public List<String> usernames() {
        List<String> names = new ArrayList<>(users.keySet());
        names.sort(null);
        return names;
    }

    public int count() {
        return users.size();
    }

    /** Adds a user unless one of that name exists or {@code maxUsers} is reached. */
    public synchronized AddResult add(String username, String passwordHash, String description, int maxUsers) {
        if (users.containsKey(username)) {
            return AddResult.ALREADY_EXISTS;
        }
        if (users.size() >= maxUsers) {
            return AddResult.LIMIT_REACHED;
        }
        StoredCredential credential = new StoredCredential(username, passwordHash, description,
                System.currentTimeMillis(), revisions.incrementAndGet());
        store.put(PREFIX + username, encode(credential));
        users.put(username, credential);
        return AddResult.ADDED;
    }

    public enum AddResult { ADDED, ALREADY_EXISTS, LIMIT_REACHED }

    /** Replaces the hash; with {@code expectedRevision} >= 0 only if the credential is still that revision. */
    public synchronized Optional<StoredCredential> replaceHash(String username, String passwordHash,
                                                               long expectedRevision) {
        return rewrite(username, expectedRevision, c -> new StoredCredential(c.username(), passwordHash,
                c.description(), c.createdAtMillis(), revisions.incrementAndGet()));
    }

    public synchronized Optional<StoredCredential> replaceDescription(String username, String description) {
        return rewrite(username, -1, c -> new StoredCredential(c.username(), c.passwordHash(), description,
                c.createdAtMillis(), revisions.incrementAndGet()));
    }

    /** Removes the user and everything stored under it; true if it existed. */
    public synchronized boolean remove(String username) {
        if (!users.containsKey(username)) {
            return false;
        }
        store.deleteTree(PREFIX + username);
        users.remove(username);
        return true;
    }

    private Optional<StoredCredential> rewrite(String username, long expectedRevision,
                                               java.util.function.UnaryOperator<StoredCredential> change) {
        StoredCredential current = users.get(username);
        if (current == null || (expectedRevision >= 0 && current.revision() != expectedRevision)) {
            return Optional.empty();
        }
        StoredCredential next = change.apply(current);
        store.put(PREFIX + username, encode(next));
        users.put(username, next);
        return Optional.of(next);
    }

    private static byte[] encode(StoredCredential c) {
        String text = FORMAT + "\n" + c.passwordHash() + "\n" + c.createdAtMillis() + "\n"
                + Base64.getEncoder().encodeToString(c.description().getBytes(StandardCharsets.UTF_8));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private StoredCredential decode(String username, byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 4 || !lines[0].equals(FORMAT)) {
            throw new IllegalStateException("unreadable credential record for user " + username);
        }
        String description = new String(Base64.getDecoder().decode(lines[3]), StandardCharsets.UTF_8);
        return new StoredCredential(username, lines[1], description, Long.parseLong(lines[2]),
                revisions.incrementAndGet());
    }
}
