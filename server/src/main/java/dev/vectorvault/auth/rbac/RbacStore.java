package dev.vectorvault.auth.rbac;

import dev.vectorvault.storage.MetaStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Roles, bindings, grants and custom privilege groups, persisted in the {@link MetaStore} under Milvus-shaped keys
 * and mirrored in memory:
 * <pre>
 * credential/roles/&lt;role&gt;                                          role-v1
 * credential/user-role-mapping/&lt;user&gt;/&lt;role&gt;                     user-role-v1
 * credential/grantee-privileges/&lt;role&gt;/&lt;Type&gt;/&lt;db&gt;.&lt;name&gt;/&lt;PrivilegeX&gt;   grant-v1 \n &lt;grantor&gt;
 * privilege-group/&lt;group&gt;                                         privilege-group-v1 \n member \n ...
 * </pre>
 * One grant is one key (Milvus uses two, through a grantee id), so every grant and revoke is a single atomic write.
 * Key parts are percent-encoded outside {@code [A-Za-z0-9_$*-]}, which leaves every valid name as Milvus writes it.
 * Values hold names only, never secrets.
 *
 * <p>Every write reaches the store (durable) before the mirror and a new {@link RbacState} are published, under one
 * lock, so readers never see a change that is not on disk. Changes that take several writes order them so that a
 * crash in between leaves fewer privileges, never more: a role's grants and bindings go before the role itself.
 * Opening the store drops bindings and grants whose role is missing.
 *
 * <p>Thread-safe. Mutators are package-private: {@link RbacService} owns the rules.
 */
public final class RbacStore {
    static final String ROLE_PREFIX = "credential/roles/";
    static final String BINDING_PREFIX = "credential/user-role-mapping/";
    static final String GRANT_PREFIX = "credential/grantee-privileges/";
    static final String GROUP_PREFIX = "privilege-group/";
    private static final String ROLE_FORMAT = "role-v1";
    private static final String BINDING_FORMAT = "user-role-v1";
    private static final String GRANT_FORMAT = "grant-v1";
    private static final String GROUP_FORMAT = "privilege-group-v1";

    private final MetaStore store;
    private final TreeSet<String> roles = new TreeSet<>();
    private final TreeMap<String, TreeSet<String>> rolesByUser = new TreeMap<>();
    private final TreeMap<String, Grant> grants = new TreeMap<>();
    private final TreeMap<String, PrivilegeGroup> groups = new TreeMap<>();
    private long revision;
    private volatile RbacState state;

    public RbacStore(MetaStore store) {
        this.store = store;
        load();
    }

    /** The current state; a new object after every change. */
    public RbacState state() {
        return state;
    }

    /** Increases with every change, so a cache keyed by it is invalid on the very next call after a change. */
    public long revision() {
        return state.revision();
    }

    synchronized boolean addRole(String role) {
        if (roles.contains(role)) {
            return false;
        }
        store.put(ROLE_PREFIX + encode(role), utf8(ROLE_FORMAT));
        roles.add(role);
        publish();
        return true;
    }

    /** Deletes the role's grants, then its bindings, then the role: a crash in between leaves less, not more. */
    synchronized void dropRole(String role) {
        if (grants.values().stream().anyMatch(g -> g.role().equals(role))) {
            store.deleteTree(GRANT_PREFIX + encode(role));
            grants.values().removeIf(g -> g.role().equals(role));
            publish();
        }
        for (String user : List.copyOf(rolesByUser.keySet())) {
            unbind(user, role);
        }
        if (roles.contains(role)) {
            store.deleteTree(ROLE_PREFIX + encode(role));
            roles.remove(role);
            publish();
        }
    }

    synchronized boolean bind(String user, String role) {
        if (rolesByUser.getOrDefault(user, new TreeSet<>()).contains(role)) {
            return false;
        }
        store.put(bindingKey(user, role), utf8(BINDING_FORMAT));
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

    /** Removes every binding of a user in one write. */
    synchronized void unbindUser(String user) {
        if (rolesByUser.containsKey(user)) {
            store.deleteTree(BINDING_PREFIX + encode(user));
            rolesByUser.remove(user);
            publish();
        }
    }

    /** Stores a grant unless the same grant (grantor aside) exists; the first grantor stays, as in Milvus. */
    synchronized boolean grant(Grant grant) {
        String key = grantKey(grant);
        if (grants.containsKey(key)) {
            return false;
        }
        store.put(key, utf8(GRANT_FORMAT + "\n" + encode(grant.grantor())));
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

    /** Creates or replaces a custom group with its whole member list: one write. */
    synchronized void putGroup(PrivilegeGroup group) {
        StringBuilder value = new StringBuilder(GROUP_FORMAT);
        group.privileges().forEach(p -> value.append('\n').append(encode(p)));
        store.put(GROUP_PREFIX + encode(group.name()), utf8(value.toString()));
        groups.put(group.name(), group);
        publish();
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

    private void load() {
        store.scan(ROLE_PREFIX).forEach((key, value) -> {
            requireFormat(key, value, ROLE_FORMAT);
            roles.add(decode(key.substring(ROLE_PREFIX.length())));
        });
        List<String> orphans = new ArrayList<>();
        store.scan(BINDING_PREFIX).forEach((key, value) -> {
            requireFormat(key, value, BINDING_FORMAT);
            String[] parts = key.substring(BINDING_PREFIX.length()).split("/", -1);
            if (parts.length != 2) {
                throw unreadable(key);
            }
            String role = decode(parts[1]);
            if (roles.contains(role)) {
                rolesByUser.computeIfAbsent(decode(parts[0]), u -> new TreeSet<>()).add(role);
            } else {
                orphans.add(key);
            }
        });
        store.scan(GRANT_PREFIX).forEach((key, value) -> {
            Grant grant = decodeGrant(key, value);
            if (roles.contains(grant.role())) {
                grants.put(key, grant);
            } else {
                orphans.add(key);
            }
        });
        store.scan(GROUP_PREFIX).forEach((key, value) -> {
            String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
            if (!lines[0].equals(GROUP_FORMAT)) {
                throw unreadable(key);
            }
            List<String> members = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                members.add(decode(lines[i]));
            }
            String name = decode(key.substring(GROUP_PREFIX.length()));
            groups.put(name, new PrivilegeGroup(name, members));
        });
        // Left by a change that a crash interrupted before the role itself was written; never revive them.
        orphans.forEach(store::deleteTree);
        publish();
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
