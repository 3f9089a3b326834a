package dev.vectorvault.server;

import dev.vectorvault.auth.rbac.AccessDecider;
import dev.vectorvault.auth.rbac.PrivilegeCatalog;
import dev.vectorvault.auth.rbac.RbacService;
import dev.vectorvault.auth.rbac.RbacSettings;
import dev.vectorvault.auth.rbac.RbacStore;
import dev.vectorvault.auth.rbac.UserDirectory;
import dev.vectorvault.auth.rbac.Visibility;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MetaStore;

/** The RBAC parts of one server, sharing one store and one set of settings from the configuration. */
record Rbac(RbacService service, AccessDecider decider, Visibility visibility) {
    static Rbac start(ServerConfig config, MetaStore metaStore, UserDirectory users) {
        ServerConfig.RbacKeys keys = config.rbac();
        RbacSettings settings = new RbacSettings(config.authorizationEnabled(), keys.rootShouldBindRole(),
                keys.enablePublicPrivilege(), keys.maxRoles(), keys.maxNameLength(), keys.roleNameAllowedChars(),
                keys.nameAllowedChars());
        RbacStore store = new RbacStore(metaStore);
        PrivilegeCatalog catalog = PrivilegeCatalog.defaults();
        return new Rbac(RbacService.start(store, catalog, settings, users),
                new AccessDecider(store, catalog, settings), new Visibility(store, catalog, settings));
    }
}
