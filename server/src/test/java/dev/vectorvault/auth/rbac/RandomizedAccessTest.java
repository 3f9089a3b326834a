package dev.vectorvault.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.common.MilvusException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Episodes of random users, roles, bindings, v1 and v2 grants and revokes, custom groups and user deletions, each on
 * a fresh system with random {@code rootShouldBindRole} and {@code enablePublicPrivilege}, interleaved with random
 * access checks; every decision of {@link AccessDecider} is compared with a plain reference model written
 * here: a list of grants evaluated one by one with the rules of §4.6 (and our Q1/Q2 decisions), with no indexes. The
 * model takes group contents and object types from {@link PrivilegeCatalog}, whose data {@link PrivilegeCatalogTest}
 * checks against the specification. Stored grants are compared with the model's too, and everything again after
 * reopening the store. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
@Timeout(120)
class RandomizedAccessTest {
    private static final int EPISODES = 6;
    private static final int OPERATIONS = 250;
    private static final int CHECKS_PER_OPERATION = 10;
    // Everything picked from is a List: Set.of iterates in a different order in every JVM, which would break replay.
    private static final List<String> USERS = List.of("u0", "u1", "u2", "u3", "root");
    private static final List<String> ROLES = List.of("r0", "r1", "r2", "admin", "public");
    private static final List<String> GROUPS = List.of("g0", "g1", "g2");
    private static final List<String> GRANT_DATABASES = List.of("default", "db1", "*", "");
    private static final List<String> REQUEST_DATABASES = List.of("default", "db1", "db2", "");
    private static final List<String> COLLECTIONS = List.of("c0", "c1", "*");
    private static final List<String> LEGACY_GROUPS = List.of("ReadOnly", "ReadWrite", "Admin");
    private static final List<String> BUILT_IN_GROUPS = List.of("ClusterReadOnly", "ClusterReadWrite", "ClusterAdmin",
            "DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin", "CollectionReadOnly", "CollectionReadWrite",
            "CollectionAdmin");
    private static final Map<String, List<String>> RELATED = Map.of("Load", List.of("GetLoadState",
            "GetLoadingProgress"), "Flush", List.of("GetFlushState"));
    private static final List<Privilege> SINGLE = Arrays.stream(Privilege.values())
            .filter(p -> p.kind() == Privilege.Kind.PRIVILEGE).toList();
    private static final List<Privilege> GROUP_PRIVILEGES = Arrays.stream(Privilege.values())
            .filter(p -> p.kind() != Privilege.Kind.PRIVILEGE).toList();

    private final long seed;
    private final Random random;
    private final Deque<String> history = new ArrayDeque<>();
    private RbacFixture t;
    private Model model;
    private int decisions;
    private int allowedDecisions;
    private int acceptedOperations;

    RandomizedAccessTest() {
        String property = System.getProperty("tests.seed");
        seed = property == null || property.isBlank() ? new Random().nextLong() : Long.parseLong(property.trim());
        random = new Random(seed);
    }

    @Test
    void randomDecisionsAgreeWithAReferenceModel() {
        System.out.println("RandomizedAccessTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        for (int episode = 0; episode < EPISODES; episode++) {
            runEpisode();
        }
        System.out.printf("RandomizedAccessTest: %d of %d operations accepted, %d decisions, %d allowed%n",
                acceptedOperations, EPISODES * OPERATIONS, decisions, allowedDecisions);
        assertThat(decisions).isGreaterThan(10_000);
        // Guards against a generator that only produces refused operations or one-sided decisions.
        assertThat(acceptedOperations).isGreaterThan(EPISODES * OPERATIONS / 4);
        assertThat(allowedDecisions).isBetween(decisions / 20, decisions - decisions / 20);
    }

    /** A fresh system with random settings, random operations and checks, then the same after a reopen. */
    private void runEpisode() {
        boolean rootBound = random.nextInt(4) == 0;
        boolean publicDefaults = random.nextInt(4) > 0;
        t = new RbacFixture(new RbacSettings(true, rootBound, publicDefaults, 10, 255, 1024, "$", "$"));
        model = new Model(rootBound, publicDefaults);
        history.clear();
        record("episode rootShouldBindRole=" + rootBound + " enablePublicPrivilege=" + publicDefaults);
        for (String user : USERS) {
            t.users.add(user);
            model.users.add(user);
        }
        for (int i = 0; i < OPERATIONS; i++) {
            operate();
            for (int c = 0; c < CHECKS_PER_OPERATION; c++) {
                check();
            }
            if (i % 25 == 0) {
                compareStoredState();
            }
        }
        t.reopen();
        record("reopen");
        compareStoredState();
        for (int c = 0; c < 200; c++) {
            check();
        }
    }

    // ---- operations: applied to the service; when it accepts one, the model applies its own reading of it

    private void operate() {
        int kind = random.nextInt(100);
        // admin makes every check pass, so binding to it is rare; unbinding and revoking keep the state moving.
        String role = random.nextInt(4) == 0 ? pick(ROLES) : pick(List.of("r0", "r1", "r2"));
        String user = pick(USERS);
        if (kind < 8) {
            attempt("createRole " + role, () -> t.service.createRole(role), () -> model.roles.add(role));
        } else if (kind < 12) {
            boolean force = random.nextBoolean();
            attempt("dropRole " + role + " force=" + force, () -> t.service.dropRole(role, force),
                    () -> model.dropRole(role));
        } else if (kind < 20) {
            attempt("bind " + user + " " + role,
                    () -> t.service.operateUserRole("root", user, role, MembershipOperation.ADD),
                    () -> model.bindings.computeIfAbsent(user, u -> new TreeSet<>()).add(role));
        } else if (kind < 28) {
            String bound = random.nextBoolean() ? pick(ROLES) : role;
            attempt("unbind " + user + " " + bound,
                    () -> t.service.operateUserRole("root", user, bound, MembershipOperation.REMOVE),
                    () -> model.bindings.getOrDefault(user, new TreeSet<>()).remove(bound));
        } else if (kind < 50) {
            grantV1(role);
        } else if (kind < 66) {
            grantV2(role);
        } else if (kind < 75) {
            revokeExisting();
        } else if (kind < 80) {
            String group = pick(GROUPS);
            attempt("createGroup " + group, () -> t.service.createPrivilegeGroup(group),
                    () -> model.groups.put(group, new TreeSet<>()));
        } else if (kind < 82) {
            String group = pick(GROUPS);
            attempt("dropGroup " + group, () -> t.service.dropPrivilegeGroup(group), () -> model.groups.remove(group));
        } else if (kind < 94) {
            alterGroup();
        } else if (kind < 97 && !user.equals("root")) {
            attempt("deleteUser " + user, () -> {
                t.service.userDeleted(user);
                t.users.remove(user);
            }, () -> {
                model.bindings.remove(user);
                model.users.remove(user);
            });
        } else {
            attempt("createUser " + user, () -> t.users.add(user), () -> model.users.add(user));
        }
    }

    private void grantV1(String role) {
        ObjectType type = pick(List.of(ObjectType.values()));
        String privilege = grantablePrivilege(type);
        String name = type == ObjectType.USER ? pick(USERS) : pick(COLLECTIONS);
        String db = pick(GRANT_DATABASES);
        PrivilegeOperation operation = random.nextInt(3) == 0 ? PrivilegeOperation.REVOKE : PrivilegeOperation.GRANT;
        String stored = type == ObjectType.GLOBAL && !LEGACY_GROUPS.contains(privilege)
                && !BUILT_IN_GROUPS.contains(privilege) ? "*" : name;
        attempt("v1 " + operation + " " + role + " " + type + "/" + name + "/" + db + "/" + privilege,
                () -> t.service.operatePrivilege("root", new GrantEntity(role, type.wireName(), name, db, privilege),
                        operation),
                () -> model.change(operation, new ModelGrant(role, type, stored, orDefault(db), privilege)));
    }

    private void grantV2(String role) {
        String privilege = grantablePrivilege(ObjectType.GLOBAL);
        String db = pick(GRANT_DATABASES);
        String collection = pick(COLLECTIONS);
        PrivilegeOperation operation = random.nextInt(3) == 0 ? PrivilegeOperation.REVOKE : PrivilegeOperation.GRANT;
        ObjectType type = Privilege.fromApiName(privilege).map(Privilege::objectType).orElse(ObjectType.GLOBAL);
        attempt("v2 " + operation + " " + role + " " + privilege + " " + db + "." + collection,
                () -> t.service.operatePrivilegeV2("root", role, privilege, db, collection, operation),
                () -> model.change(operation, new ModelGrant(role, type, collection, orDefault(db), privilege)));
    }

    /** Revokes a grant the model holds, the way it can be named again: v2 where it fits, else v1. */
    private void revokeExisting() {
        List<ModelGrant> existing = model.grants.stream().sorted(Comparator.comparing(ModelGrant::toString)).toList();
        if (existing.isEmpty()) {
            return;
        }
        ModelGrant grant = pick(existing);
        ObjectType v2Type = Privilege.fromApiName(grant.privilege()).map(Privilege::objectType)
                .orElse(ObjectType.GLOBAL);
        if (grant.type() == v2Type) {
            attempt("v2 REVOKE existing " + grant,
                    () -> t.service.operatePrivilegeV2("root", grant.role(), grant.privilege(), grant.db(),
                            grant.name(), PrivilegeOperation.REVOKE),
                    () -> model.change(PrivilegeOperation.REVOKE, grant));
        } else {
            attempt("v1 REVOKE existing " + grant,
                    () -> t.service.operatePrivilege("root", new GrantEntity(grant.role(), grant.type().wireName(),
                            grant.name(), grant.db(), grant.privilege()), PrivilegeOperation.REVOKE),
                    () -> model.change(PrivilegeOperation.REVOKE, grant));
        }
    }

    private void alterGroup() {
        String group = pick(GROUPS);
        List<String> privileges = new ArrayList<>();
        for (int n = 1 + random.nextInt(2); n > 0; n--) {
            privileges.add(random.nextInt(8) == 0 ? pick(GROUPS) : memberCandidate());
        }
        boolean add = random.nextInt(3) > 0;
        attempt("group " + (add ? "add " : "remove ") + group + " " + privileges,
                () -> t.service.operatePrivilegeGroup(group, privileges,
                        add ? MembershipOperation.ADD : MembershipOperation.REMOVE),
                () -> {
                    if (add) {
                        model.groups.get(group).addAll(privileges);
                    } else {
                        model.groups.get(group).removeAll(privileges);
                    }
                });
    }

    /** Mostly privileges that fit the object type, so that many grants succeed; sometimes anything at all. */
    private String grantablePrivilege(ObjectType type) {
        int kind = random.nextInt(30);
        if (kind == 0) {
            return "*";
        }
        if (kind == 1) {
            return "All";
        }
        if (kind < 4) {
            return pick(GROUPS);
        }
        if (kind < 6) {
            return pick(BUILT_IN_GROUPS);
        }
        if (kind < 9) {
            return pick(LEGACY_GROUPS);
        }
        List<Privilege> fitting = SINGLE.stream().filter(p -> kind < 12 || p.objectType() == type).toList();
        return pick(fitting).apiName();
    }

    /** Group members: one level's privileges most of the time, so that adds pass the level check. */
    private String memberCandidate() {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return pick(List.of("All", "ReadOnly", "Admin", "CollectionReadOnly"));
        }
        Privilege level = pick(List.of(Privilege.COLLECTION_ADMIN, Privilege.DATABASE_ADMIN, Privilege.CLUSTER_ADMIN));
        return pick(t.catalog.members(level)).apiName();
    }

    private void attempt(String description, Runnable onService, Runnable onModel) {
        try {
            onService.run();
        } catch (MilvusException refused) {
            record(description + " -> refused: " + refused.getMessage());
            return;
        }
        record(description);
        acceptedOperations++;
        onModel.run();
    }

    // ---- checks

    private void check() {
        String user = pick(USERS);
        String db = pick(REQUEST_DATABASES);
        Requirement requirement = randomRequirement(user);
        boolean expected = model.allows(user, orDefault(db), requirement);
        Decision decision = t.decider.decide(user, db, requirement);
        decisions++;
        allowedDecisions += expected ? 1 : 0;
        assertThat(decision.allowed())
                .as("seed %d: %s in '%s' needs %s; model says %s; recent operations:%n%s", seed, user, db,
                        requirement, expected, String.join("\n", history))
                .isEqualTo(expected);
    }

    private Requirement randomRequirement(String user) {
        if (random.nextInt(12) == 0) {
            return Requirement.selectGrant(random.nextBoolean() ? pick(ROLES) : "ghost");
        }
        // A third of the checks ask for a member of some built-in group, where the group rules are exercised.
        Privilege privilege = random.nextInt(3) == 0
                ? pick(t.catalog.members(pick(GROUP_PRIVILEGES)))
                : pick(SINGLE);
        ObjectType type = random.nextInt(5) == 0 ? pick(List.of(ObjectType.values())) : privilege.objectType();
        return switch (type) {
            case GLOBAL -> Requirement.global(privilege);
            case USER -> Requirement.user(privilege, random.nextInt(3) == 0 ? user : pick(USERS));
            case COLLECTION -> {
                if (random.nextInt(6) == 0) {
                    List<String> names = new ArrayList<>();
                    for (int n = random.nextInt(4); n > 0; n--) {
                        names.add(pick(List.of("c0", "c1", "c2")));
                    }
                    yield Requirement.collections(privilege, names);
                }
                yield Requirement.collection(privilege, pick(List.of("c0", "c1", "c2", "*")));
            }
        };
    }

    private void compareStoredState() {
        assertThat(t.store.state().roles()).as("seed %d: roles", seed).isEqualTo(model.roles);
        for (String role : model.roles) {
            Set<String> stored = new HashSet<>();
            for (Grant g : t.service.selectGrant(role, Optional.empty(), Optional.empty(), "*")) {
                stored.add(new ModelGrant(g.role(), g.objectType(), g.objectName(), g.database(), g.privilege())
                        .toString());
            }
            Set<String> expected = new HashSet<>();
            model.grants.stream().filter(g -> g.role().equals(role)).forEach(g -> expected.add(g.toString()));
            assertThat(stored).as("seed %d: grants of %s", seed, role).isEqualTo(expected);
        }
        for (String user : USERS) {
            assertThat(t.store.state().rolesOf(user)).as("seed %d: roles of %s", seed, user)
                    .isEqualTo(model.bindings.getOrDefault(user, new TreeSet<>()));
        }
    }

    private void record(String line) {
        history.addLast(line);
        if (history.size() > 30) {
            history.removeFirst();
        }
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static String orDefault(String db) {
        return db.isEmpty() ? "default" : db;
    }

    private record ModelGrant(String role, ObjectType type, String name, String db, String privilege) {}

    /** The reference: plain collections and a direct reading of the rules, grant by grant. */
    private final class Model {
        final boolean rootBound;
        final Set<String> users = new HashSet<>();
        final Set<String> roles = new TreeSet<>(List.of("admin", "public"));
        final Map<String, Set<String>> bindings = new HashMap<>();
        final Set<ModelGrant> grants = new HashSet<>();
        final Map<String, Set<String>> groups = new HashMap<>();

        Model(boolean rootBound, boolean publicDefaults) {
            this.rootBound = rootBound;
            if (publicDefaults) {
                grants.add(new ModelGrant("public", ObjectType.GLOBAL, "*", "*", "DescribeCollection"));
                grants.add(new ModelGrant("public", ObjectType.GLOBAL, "*", "*", "ListAliases"));
                grants.add(new ModelGrant("public", ObjectType.COLLECTION, "*", "*", "IndexDetail"));
            }
        }

        void dropRole(String role) {
            roles.remove(role);
            bindings.values().forEach(bound -> bound.remove(role));
            grants.removeIf(g -> g.role().equals(role));
        }

        void change(PrivilegeOperation operation, ModelGrant grant) {
            List<ModelGrant> all = new ArrayList<>(List.of(grant));
            for (String related : RELATED.getOrDefault(grant.privilege(), List.of())) {
                all.add(new ModelGrant(grant.role(), grant.type(), grant.name(), grant.db(), related));
            }
            if (operation == PrivilegeOperation.GRANT) {
                grants.addAll(all);
            } else {
                all.forEach(grants::remove);
            }
        }

        boolean allows(String user, String db, Requirement requirement) {
            if (user.equals("root") && !rootBound) {
                return true;
            }
            Set<String> held = new TreeSet<>(bindings.getOrDefault(user, Set.of()));
            if (requirement.objectType() == ObjectType.USER && requirement.objectNames().equals(List.of(user))) {
                return true;
            }
            if (requirement.grantsOfRole().isPresent()) {
                String role = requirement.grantsOfRole().get();
                if (role.equals("public") || held.contains(role)) {
                    return true;
                }
            }
            held.add("public");
            for (String role : held) {
                if (requirement.objectNames().isEmpty()) {
                    continue;
                }
                if (role.equals("admin")) {
                    return true;
                }
                boolean every = true;
                for (String name : requirement.objectNames()) {
                    boolean one = false;
                    for (ModelGrant grant : grants) {
                        if (grant.role().equals(role) && permits(grant, db, requirement.objectType(), name,
                                requirement.privilege())) {
                            one = true;
                        }
                    }
                    every &= one;
                }
                if (every) {
                    return true;
                }
            }
            return false;
        }

        private boolean permits(ModelGrant grant, String db, ObjectType type, String name, Privilege privilege) {
            if (!grant.db().equals("*") && !grant.db().equals(db)) {
                return false;
            }
            List<String> members;
            if (BUILT_IN_GROUPS.contains(grant.privilege())) {
                members = t.catalog.members(Privilege.fromApiName(grant.privilege()).orElseThrow()).stream()
                        .map(Privilege::apiName).toList();
            } else if (groups.containsKey(grant.privilege())) {
                members = List.copyOf(groups.get(grant.privilege()));
            } else {
                members = List.of(grant.privilege());
            }
            for (String member : members) {
                if (member.equals("*")) {
                    boolean nameMatches = grant.type() == ObjectType.GLOBAL || grant.name().equals("*")
                            || grant.name().equals(name);
                    if (grant.type() == type && nameMatches) {
                        return true;
                    }
                } else if (member.equals("All")) {
                    return true;
                } else if (member.equals("ReadOnly") || member.equals("ReadWrite")) {
                    boolean sameCollection = grant.name().equals("*") || name.equals("*")
                            || grant.name().equals(name);
                    if (sameCollection && groupHas(member, privilege)) {
                        return true;
                    }
                } else if (member.equals("Admin")) {
                    if (groupHas(member, privilege)) {
                        return true;
                    }
                } else if (!BUILT_IN_GROUPS.contains(member) && Privilege.fromApiName(member).isPresent()) {
                    ObjectType memberType = Privilege.fromApiName(member).get().objectType();
                    String memberName = memberType == ObjectType.GLOBAL ? "*" : grant.name();
                    if (memberType == type && member.equals(privilege.apiName())
                            && (memberName.equals("*") || memberName.equals(name))) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean groupHas(String group, Privilege privilege) {
            return t.catalog.members(Privilege.fromApiName(group).orElseThrow()).contains(privilege);
        }
    }
}
