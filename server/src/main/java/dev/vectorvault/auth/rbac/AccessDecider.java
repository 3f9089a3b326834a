package dev.vectorvault.auth.rbac;

import dev.vectorvault.common.PermissionDeniedException;

/**
 * Milvus's privilege check (§4.6): may {@code user}, in the database of its {@code dbname} header, do what a request
 * requires? In order: with authorization off everything is allowed; root is allowed unless
 * {@code rootShouldBindRole}; a user may act on its own User object and list the grants of public and of its own
 * roles; otherwise some role the user holds (its bindings plus the implicit public) must allow every object name,
 * where admin allows everything.
 *
 * <p>Two quirks of Milvus's casbin model are decided here deliberately (§8):
 * <ul>
 * <li><b>Q1</b>: the privilege {@code *} means every privilege <em>of the grant's object type</em> on the grant's
 * object. A Collection grant of {@code *} on c1 allows Insert, Search, ... on c1 and no Global privilege; a Global
 * grant of {@code *} allows every Global privilege. Milvus recomputes the type of every {@code *} grant as Global, so
 * there Collection/c1/{@code *} allows CreateCollection and ManageOwnership in the database but not Insert on c1
 * (issue #26655; Milvus's own wildcard test expects collection operations to work). Ours is what the grant says, and
 * it closes a path from "everything on one collection" to managing roles.
 * <li><b>Q2</b>: a grant in database {@code *} applies in every database for {@code All} and the v1 groups too, as it
 * already does for single privileges. Milvus compares databases literally there, so {@code All} on {@code *} allowed
 * nothing.
 * </ul>
 *
 * <p>Decisions take microseconds: the store's state is compiled once per revision into per-role indexes, and a
 * decision after a change (a revoke, say) compiles the new state first, so it takes effect on the very next call.
 * Thread-safe.
 */
public final class AccessDecider {
    private final RbacStore store;
    private final PrivilegeCatalog catalog;
    private final RbacSettings settings;
    private volatile CompiledPolicy compiled;

    public AccessDecider(RbacStore store, PrivilegeCatalog catalog, RbacSettings settings) {
        this.store = store;
        this.catalog = catalog;
        this.settings = settings;
    }

    /**
     * @param user     the authenticated user from the {@code authorization} header
     * @param database the {@code dbname} header; empty or null means {@code default}
     */
    public Decision decide(String user, String database, Requirement requirement) {
        if (!settings.authorizationEnabled()
                || (!settings.rootShouldBindRole() && RbacService.ROOT.equals(user))) {
            return Decision.ALLOW;
        }
        String db = RbacService.databaseOrDefault(database);
        if (requirement.objectType() == ObjectType.USER && requirement.objectNames().size() == 1
                && requirement.objectNames().get(0).equals(user)) {
            return Decision.ALLOW;
        }
        CompiledPolicy policy = current();
        if (requirement.grantsOfRole().isPresent() && policy.holds(user, requirement.grantsOfRole().get())) {
            return Decision.ALLOW;
        }
        return policy.allows(user, db, requirement) ? Decision.ALLOW : Decision.deny(requirement, user, db);
    }

    /**
     * As {@link #decide}, for callers that fail the request.
     *
     * @throws PermissionDeniedException with Milvus's message, for gRPC {@code PERMISSION_DENIED}
     */
    public void check(String user, String database, Requirement requirement) {
        if (!decide(user, database, requirement).allowed()) {
            throw new PermissionDeniedException(requirement.privilege().metastoreName(), user,
                    RbacService.databaseOrDefault(database));
        }
    }

    private CompiledPolicy current() {
        RbacState state = store.state();
        CompiledPolicy policy = compiled;
        if (policy == null || policy.revision() != state.revision()) {
            // Racing compilations are harmless: each caller uses the policy of the state it read.
            policy = CompiledPolicy.compile(state, catalog);
            compiled = policy;
        }
        return policy;
    }
}
