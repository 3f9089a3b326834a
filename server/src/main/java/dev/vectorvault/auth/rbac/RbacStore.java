package dev.vectorvault.auth.rbac;

import dev.vectorvault.storage.MetaStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Roles, bindings, grants and custom privilege groups, persisted in the {@link MetaStore} under Milvus-shaped keys
 * and mirrored in memory:
 * <pre>
 * credential/roles/&lt;role&gt;                                          role-v1
 * credential/role-descriptions/&lt;role&gt;                              role-description-v1 \n &lt;description&gt;
 * credential/user-role-mapping/&lt;user&gt;/&lt;role&gt;                     user-role-v1
 * credential/grantee-privileges/&lt;role&gt;/&lt;Type&gt;/&lt;db&gt;.&lt;name&gt;/&lt;PrivilegeX&gt;   grant-v1 \n &lt;grantor&gt;
 * privilege-group/&lt;group&gt;                                         privilege-group-v1 \n member \n ...
 * </pre>
 * One grant is one key (Milvus uses two, through a grantee id), so every grant and revoke is a single atomic write.
 * Key parts are percent-encoded outside {@code [A-Za-z0-9_$*-]}, which leaves every valid name as Milvus writes it.
 * Values hold names and role descriptions only, never secrets. A role's description lives in a record of its own
 * beside the role, so the role record stays {@code role-v1}, the only one nodes of an older version can read: they
 * keep working through a rolling upgrade and simply do not see descriptions. A role with no description record has
 * an empty one. Records of the short-lived {@code role-v2} (the description inside the role record) are still read,
 * and the first change of their description rewrites them as the two records.
 *
 * <p>Every write reaches the store (durable) before the mirror and a new {@link RbacState} are published, under one
 * lock, so readers never see a change that is not on disk. Changes that take several writes order them so that a
 * crash in between leaves fewer privileges, never more: a role's grants and bindings go before the role itself.
 * Opening the store drops bindings and grants whose role is missing.
 *
 * <p>Several servers may share one store (cluster mode). Creates are decided by the store, not by this mirror: a
 * role, binding, grant or custom group is written with {@link MetaStore#putIfAbsent}, and a group's member list or a
 * role's description is replaced only over the record it was read from, so of two nodes creating the same name
 * exactly one succeeds, concurrent grant or group changes lose nothing, and a role dropped by another node is never
 * written back. When the store refuses, the mirror {@link #reload()}s and the
 * caller answers from the new state. {@link #reload()} is also what the cluster's watch calls after another node
 * wrote; it never deletes anything, since another node may be between the steps of a multi-write change.
 *
 * <p>Thread-safe. Mutators are package-private: {@link RbacService} owns the rules.
 */
public final class RbacStore {
    static final String ROLE_PREFIX = "credential/roles/";
    static final String DESCRIPTION_PREFIX = "credential/role-descriptions/";
    static final String BINDING_PREFIX = "credential/user-role-mapping/";
    static final String GRANT_PREFIX = "credential/grantee-privileges/";
    static final String GROUP_PREFIX = "privilege-group/";
    /** The metadata keys this mirror reflects: a change under them (by another node) calls for {@link #reload()}. */
    public static final List<String> KEY_PREFIXES = List.of(ROLE_PREFIX, DESCRIPTION_PREFIX, BINDING_PREFIX,
            GRANT_PREFIX, GROUP_PREFIX);
    private static final String ROLE_FORMAT = "role-v1";
    /** Read only: written for a few days before descriptions moved into records of their own. */
    private static final String ROLE_FORMAT_V2 = "role-v2";
    private static final String DESCRIPTION_FORMAT = "role-description-v1";
    private static final String BINDING_FORMAT = "user-role-v1";
    private static final String GRANT_FORMAT = "grant-v1";
    private static final String GROUP_FORMAT = "privilege-group-v1";

    private final MetaStore store;
    /** Role name to description ("" for none). */
    private TreeMap<String, String> roles = new TreeMap<>();
    private TreeMap<String, TreeSet<String>> rolesByUser = new TreeMap<>();
    private TreeMap<String, Grant> grants = new TreeMap<>();
    private TreeMap<String, PrivilegeGroup> groups = new TreeMap<>();
    private long revision;
    private volatile RbacState state;

    public RbacStore(MetaStore store) {
        this.store = store;
        open();
    }

    /** The current state; a new object after every change. */
    public RbacState state() {
        return state;
    }

    /** Increases with every change, so a cache keyed by it is invalid on the very next call after a change. */
    public long revision() {
        return state.revision();
    }

    /**
     * Reads everything from the store again and, when it differs from the mirror, swaps it in and publishes a new
     * {@link RbacState} with a higher revision (so the compiled policy is rebuilt on the next decision). Bindings
     * and grants whose role is missing are left out but left alone: the node writing them may be midway through a
     * change. Idempotent; four prefix scans.
     */
    public synchronized void reload() {
        Scan scan = scan();
        if (scan.roles.equals(roles) && scan.rolesByUser.equals(rolesByUser) && scan.grants.equals(grants)
                && scan.groups.equals(groups)) {
            return;
        }
        adopt(scan);
        publish();
    }

    synchronized boolean addRole(String role, String description) {
        if (roles.containsKey(role)) {
            return false;
        }
        // The description record is written even when empty: it replaces one a failed change may have left behind.
        TreeMap<String, byte[]> records = new TreeMap<>();
        records.put(ROLE_PREFIX + encode(role), utf8(ROLE_FORMAT));
        records.put(DESCRIPTION_PREFIX + encode(role), encodeDescription(description));
        if (!store.putAllWhile(ROLE_PREFIX + encode(role), null, records)) {
            reload(); // created by another node since this mirror was read
            return false;
        }
        roles.put(role, description);
        publish();
        return true;
    }

    /**
     * Replaces a role's description (one write) only if the stored role still has {@code current}; false, after a
     * reload, when another node changed or dropped the role in between, so the caller can decide again. A role
     * dropped meanwhile is never written back, nor given a description.
     */
    synchronized boolean replaceDescription(String role, String current, String next) {
        String roleKey = ROLE_PREFIX + encode(role);
        String descriptionKey = DESCRIPTION_PREFIX + encode(role);
        Optional<byte[]> roleRecord = store.get(roleKey);
        Optional<byte[]> descriptionRecord = store.get(descriptionKey);
        boolean written = false;
        if (roleRecord.isPresent() && descriptionOf(roleKey, roleRecord.get(), descriptionKey,
                descriptionRecord.orElse(null)).equals(current)) {
            TreeMap<String, byte[]> records = new TreeMap<>();
            records.put(descriptionKey, encodeDescription(next));
            if (isRoleV2(roleRecord.get())) {
                records.put(roleKey, utf8(ROLE_FORMAT)); // the description moves out, older nodes read the role again
                written = store.putAllWhile(roleKey, roleRecord.get(), records);
            } else if (descriptionRecord.isPresent()) {
                // Dropping the role deletes this record in the same step, so a drop in between fails the write.
                written = store.putAllWhile(descriptionKey, descriptionRecord.get(), records);
            } else {
                // A role an older node created: the guard keeps a role dropped in between from gaining a record.
                written = store.putAllWhile(roleKey, roleRecord.get(), records);
            }
        }
        if (!written) {
            reload();
            return false;
        }
        roles.put(role, next);
        publish();
        return true;
    }

    /**
     * Deletes the role's grants, then its bindings, then the role: a crash in between leaves less, not more. The
     * grants and bindings to delete are found in the store, not the mirror, so none that another node wrote just
     * before is left behind.
     */
    synchronized void dropRole(String role) {
        store.deleteTree(GRANT_PREFIX + encode(role));
        if (grants.values().removeIf(g -> g.role().equals(role))) {
            publish();
        }
        String suffix = "/" + encode(role);
        for (String key : store.scan(BINDING_PREFIX).keySet()) {
            if (key.endsWith(suffix) && key.indexOf('/', BINDING_PREFIX.length()) == key.length() - suffix.length()) {
                store.deleteTree(key);
            }
        }
        boolean unbound = false;
        for (TreeSet<String> userRoles : rolesByUser.values()) {
            unbound |= userRoles.remove(role);
        }
        rolesByUser.values().removeIf(TreeSet::isEmpty);
        if (unbound) {
            publish();
        }
        if (roles.containsKey(role)) {
            store.deleteAll(new TreeSet<>(List.of(ROLE_PREFIX + encode(role), DESCRIPTION_PREFIX + encode(role))));
            roles.remove(role);
            publish();
        }
    }

    synchronized boolean bind(String user, String role) {
        if (rolesByUser.getOrDefault(user, new TreeSet<>()).contains(role)) {
            return false;
        }
        if (!store.putIfAbsent(bindingKey(user, role), utf8(BINDING_FORMAT))) {
            reload();
            return false;
        }
        rolesByUser.computeIfAbsent(user, u -> new TreeSet<>()).add(role);
        publish();
        return true;
    }

    synchronized boolean unbind(String user, String role) {
        TreeSet<String> userRoles = rolesByUser.get(user);
        if (userRoles == null || !userRoles.contains(role)) {
            return false;
        }
        store.deleteTree(bindingKey(user, role));
        userRoles.remove(role);
        if (userRoles.isEmpty()) {
            rolesByUser.remove(user);
        }
        publish();
        return true;
    }

    /**
     * Removes every binding of a user in one write, also those this mirror has not seen yet (written by another node
     * just before), so a user re-created under the same name never finds them.
     */
    synchronized void unbindUser(String user) {
        store.deleteTree(BINDING_PREFIX + encode(user));
        if (rolesByUser.remove(user) != null) {
            publish();
        }
    }

    /** Stores a grant unless the same grant (grantor aside) exists; the first grantor stays, as in Milvus. */
    synchronized boolean grant(Grant grant) {
        String key = grantKey(grant);
        if (grants.containsKey(key)) {
            return false;
        }
        if (!store.putIfAbsent(key, utf8(GRANT_FORMAT + "\n" + encode(grant.grantor())))) {
            reload(); // granted by another node since this mirror was read; its grantor stays
            return false;
        }
        grants.put(key, grant);
        publish();
        return true;
    }

    /** Removes the same grant (grantor ignored); false when there was none. */
    synchronized boolean revoke(Grant grant) {
        String key = grantKey(grant);
        if (!grants.containsKey(key)) {
            return false;
        }
        store.deleteTree(key);
        grants.remove(key);
        publish();
        return true;
    }

    /** Creates a custom group with its whole member list (one write) unless one of that name exists. */
    synchronized boolean addGroup(PrivilegeGroup group) {
        if (groups.containsKey(group.name())) {
            return false;
        }
        if (!store.putIfAbsent(GROUP_PREFIX + encode(group.name()), encodeGroup(group))) {
            reload();
            return false;
        }
        groups.put(group.name(), group);
        publish();
        return true;
    }

    /**
     * Replaces a custom group's member list (one write) only if the stored group is still {@code current}; false,
     * after a reload, when another node changed or dropped it in between, so the caller can decide again.
     */
    synchronized boolean replaceGroup(PrivilegeGroup current, PrivilegeGroup next) {
        String key = GROUP_PREFIX + encode(current.name());
        Optional<byte[]> stored = store.get(key);
        if (stored.isEmpty() || !decodeGroup(key, stored.get()).equals(current)
                || !store.replace(key, stored.get(), encodeGroup(next))) {
            reload();
            return false;
        }
        groups.put(next.name(), next);
        publish();
        return true;
    }

    synchronized boolean dropGroup(String name) {
        if (!groups.containsKey(name)) {
            return false;
        }
        store.deleteTree(GROUP_PREFIX + encode(name));
        groups.remove(name);
        publish();
        return true;
    }

    private void publish() {
        revision++;
        state = new RbacState(revision, roles, rolesByUser, grants.values(), groups);
    }

    /** What the store holds, orphans (bindings and grants of a missing role) apart. */
    private static final class Scan {
        final TreeMap<String, String> roles = new TreeMap<>();
        final TreeMap<String, TreeSet<String>> rolesByUser = new TreeMap<>();
        final TreeMap<String, Grant> grants = new TreeMap<>();
        final TreeMap<String, PrivilegeGroup> groups = new TreeMap<>();
        final List<String> orphans = new ArrayList<>();
    }

    /** At start-up only: left by a change that a crash interrupted before the role was written; never revive them. */
    private void open() {
        Scan scan = scan();
        scan.orphans.forEach(store::deleteTree);
        adopt(scan);
        publish();
    }

    private void adopt(Scan scan) {
        roles = scan.roles;
        rolesByUser = scan.rolesByUser;
        grants = scan.grants;
        groups = scan.groups;
    }

    /**
     * Bindings and grants are read before roles: one whose role is missing afterwards is an orphan or belongs to a
     * role being dropped, never to a role created after the first read (its bindings and grants come later).
     */
    private Scan scan() {
        Scan scan = new Scan();
        SortedMap<String, byte[]> bindings = store.scan(BINDING_PREFIX);
        SortedMap<String, byte[]> grantRecords = store.scan(GRANT_PREFIX);
        SortedMap<String, byte[]> descriptions = store.scan(DESCRIPTION_PREFIX);
        store.scan(ROLE_PREFIX).forEach((key, value) -> {
            String role = key.substring(ROLE_PREFIX.length());
            String descriptionKey = DESCRIPTION_PREFIX + role;
            scan.roles.put(decode(role), descriptionOf(key, value, descriptionKey, descriptions.get(descriptionKey)));
        });
        descriptions.keySet().forEach(key -> {
            if (!scan.roles.containsKey(decode(key.substring(DESCRIPTION_PREFIX.length())))) {
                scan.orphans.add(key); // left by a change that lost to a drop; a later role of that name rewrites it
            }
        });
        bindings.forEach((key, value) -> {
            requireFormat(key, value, BINDING_FORMAT);
            String[] parts = key.substring(BINDING_PREFIX.length()).split("/", -1);
            if (parts.length != 2) {
                throw unreadable(key);
            }
            String role = decode(parts[1]);
            if (scan.roles.containsKey(role)) {
                scan.rolesByUser.computeIfAbsent(decode(parts[0]), u -> new TreeSet<>()).add(role);
            } else {
                scan.orphans.add(key);
            }
        });
        grantRecords.forEach((key, value) -> {
            Grant grant = decodeGrant(key, value);
            if (scan.roles.containsKey(grant.role())) {
                scan.grants.put(key, grant);
            } else {
                scan.orphans.add(key);
            }
        });
        store.scan(GROUP_PREFIX).forEach((key, value) -> {
            PrivilegeGroup group = decodeGroup(key, value);
            scan.groups.put(group.name(), group);
        });
        return scan;
    }

    private static byte[] encodeDescription(String description) {
        return utf8(DESCRIPTION_FORMAT + "\n" + encode(description));
    }

    /** The description record's text when there is one, else what the role record holds (role-v2), else none. */
    private static String descriptionOf(String roleKey, byte[] role, String descriptionKey, byte[] description) {
        String inRole = decodeRole(roleKey, role);
        if (description == null) {
            return inRole;
        }
        String[] lines = new String(description, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 2 || !lines[0].equals(DESCRIPTION_FORMAT)) {
            throw unreadable(descriptionKey);
        }
        return decode(lines[1]);
    }

    private static boolean isRoleV2(byte[] role) {
        return new String(role, StandardCharsets.UTF_8).startsWith(ROLE_FORMAT_V2 + "\n");
    }

    private static String decodeRole(String key, byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length == 1 && lines[0].equals(ROLE_FORMAT)) {
            return "";
        }
        if (lines.length != 2 || !lines[0].equals(ROLE_FORMAT_V2)) {
            throw unreadable(key);
        }
        return decode(lines[1]);
    }

    private static byte[] encodeGroup(PrivilegeGroup group) {
        StringBuilder value = new StringBuilder(GROUP_FORMAT);
        group.privileges().forEach(p -> value.append('\n').append(encode(p)));
        return utf8(value.toString());
    }

    private static PrivilegeGroup decodeGroup(String key, byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (!lines[0].equals(GROUP_FORMAT)) {
            throw unreadable(key);
        }
        List<String> members = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            members.add(decode(lines[i]));
        }
        return new PrivilegeGroup(decode(key.substring(GROUP_PREFIX.length())), members);
    }

    private static Grant decodeGrant(String key, byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        String[] parts = key.substring(GRANT_PREFIX.length()).split("/", -1);
        if (lines.length != 2 || !lines[0].equals(GRANT_FORMAT) || parts.length != 4) {
            throw unreadable(key);
        }
        int dot = parts[2].indexOf('.');
        Optional<ObjectType> type = ObjectType.fromWireName(parts[1]);
        Optional<String> privilege = Privilege.apiNameOf(decode(parts[3]));
        if (dot < 0 || type.isEmpty() || privilege.isEmpty()) {
            throw unreadable(key);
        }
        return new Grant(decode(parts[0]), type.get(), decode(parts[2].substring(dot + 1)),
                decode(parts[2].substring(0, dot)), privilege.get(), decode(lines[1]));
    }

    static String grantKey(Grant grant) {
        return GRANT_PREFIX + encode(grant.role()) + "/" + grant.objectType().wireName() + "/"
                + encode(grant.database()) + "." + encode(grant.objectName()) + "/"
                + encode(Privilege.metastoreNameOf(grant.privilege()));
    }

    private static String bindingKey(String user, String role) {
        return BINDING_PREFIX + encode(user) + "/" + encode(role);
    }

    private static void requireFormat(String key, byte[] value, String format) {
        if (!new String(value, StandardCharsets.UTF_8).equals(format)) {
            throw unreadable(key);
        }
    }

    private static IllegalStateException unreadable(String key) {
        return new IllegalStateException("unreadable RBAC record " + key);
    }

    /** Percent-encodes every UTF-8 byte outside {@code [A-Za-z0-9_$*-]}, so '/', '.' and '\n' never appear. */
    static String encode(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                    || c == '*' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String decode(String part) {
        if (part.indexOf('%') < 0) {
            return part;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%' && i + 2 < part.length()) {
                bytes.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
