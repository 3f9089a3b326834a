package dev.vectorvault.auth;

import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Users and their password hashes, persisted under {@code credential/users/<name>} in the {@link MetaStore} and
 * mirrored in memory so that authenticating a call never touches the disk. Writes go to the store first (durable)
 * and then to the mirror, under one lock, so readers never see a change that is not on disk.
 *
 * <p>Several servers may share one store (cluster mode), so the mirror is never the judge of a write: a new user is
 * written with {@link MetaStore#putIfAbsent} and a change with {@link MetaStore#replace} against the exact bytes the
 * mirror holds. When the store refuses, another node got there first: the mirror {@link #reload()}s and the caller
 * gets the answer the new state gives. {@link #reload()} is also what the cluster's watch calls when another node
 * changed a user.
 */
public final class CredentialStore {
    static final String PREFIX = "credential/users/";
    /** The metadata keys this mirror reflects: a change under them (by another node) calls for {@link #reload()}. */
    public static final List<String> KEY_PREFIXES = List.of(PREFIX);
    private static final String FORMAT = "credential-v1";

    /** A user as the mirror holds it: the credential and the exact record it was read from or written as. */
    private record Mirrored(StoredCredential credential, byte[] record) {}

    private final MetaStore store;
    private final AtomicLong revisions = new AtomicLong();
    /** Replaced whole by {@link #reload()}, so a reader sees the old users or the new ones, never a mix. */
    private volatile Map<String, Mirrored> users = new ConcurrentHashMap<>();

    public CredentialStore(MetaStore store) {
        this.store = store;
        reload();
    }

    public Optional<StoredCredential> find(String username) {
        Mirrored mirrored = users.get(username);
        return mirrored == null ? Optional.empty() : Optional.of(mirrored.credential());
    }

    public List<String> usernames() {
        List<String> names = new ArrayList<>(users.keySet());
        names.sort(null);
        return names;
    }

    public int count() {
        return users.size();
    }

    /**
     * Reads every user from the store again and swaps the mirror in one step. A user whose record is byte for byte
     * the one mirrored keeps its credential object and so its revision (warm verification caches stay warm); a
     * changed user gets a new revision, so nothing verified against the old record is accepted again, and a deleted
     * user is gone. Idempotent; one prefix scan.
     */
    public synchronized void reload() {
        Map<String, Mirrored> previous = users;
        Map<String, Mirrored> next = new ConcurrentHashMap<>();
        store.scan(PREFIX).forEach((key, value) -> {
            String username = key.substring(PREFIX.length());
            Mirrored known = previous.get(username);
            if (known != null && Arrays.equals(known.record(), value)) {
                next.put(username, known);
            } else {
                next.put(username, new Mirrored(decode(username, value), value));
            }
        });
        users = next;
    }

    /**
     * Adds a user unless one of that name exists or {@code maxUsers} is reached. The store decides who wins when two
     * nodes add the same name at once; the limit is checked against this node's mirror, so nodes adding different
     * users at the same moment may pass it by a few (best effort, as the limit is a guard, not an invariant).
     */
    public synchronized AddResult add(String username, String passwordHash, String description, int maxUsers) {
        if (users.containsKey(username)) {
            return AddResult.ALREADY_EXISTS;
        }
        if (users.size() >= maxUsers) {
            return AddResult.LIMIT_REACHED;
        }
        StoredCredential credential = new StoredCredential(username, passwordHash, description,
                System.currentTimeMillis(), revisions.incrementAndGet());
        byte[] record = encode(credential);
        if (!store.putIfAbsent(PREFIX + username, record)) {
            reload(); // another node created it since this mirror was read
            return AddResult.ALREADY_EXISTS;
        }
        users.put(username, new Mirrored(credential, record));
        return AddResult.ADDED;
    }

    public enum AddResult { ADDED, ALREADY_EXISTS, LIMIT_REACHED }

    /**
     * Replaces the hash; with {@code expectedRevision} >= 0 only if the credential is still that revision (also in
     * the store: a change made by another node in between makes it fail).
     */
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

    /**
     * Writes {@code change(current)} only over the record the mirror holds. When another node changed the user in
     * between, the mirror reloads: a conditional change (expected revision) then fails, as the credential is no
     * longer the one the caller saw; an unconditional one applies to the user as it is now.
     */
    private Optional<StoredCredential> rewrite(String username, long expectedRevision,
                                               UnaryOperator<StoredCredential> change) {
        while (true) {
            Mirrored current = users.get(username);
            if (current == null || (expectedRevision >= 0 && current.credential().revision() != expectedRevision)) {
                return Optional.empty();
            }
            StoredCredential next = change.apply(current.credential());
            byte[] record = encode(next);
            if (store.replace(PREFIX + username, current.record(), record)) {
                users.put(username, new Mirrored(next, record));
                return Optional.of(next);
            }
            reload(); // each refusal means another writer succeeded, so this loop always makes progress
        }
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
