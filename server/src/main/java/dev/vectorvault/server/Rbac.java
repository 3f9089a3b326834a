package dev.vectorvault.server;

import dev.vectorvault.auth.rbac.AccessDecider;
import dev.vectorvault.auth.rbac.PrivilegeCatalog;
import dev.vectorvault.auth.rbac.RbacService;
import dev.vectorvault.auth.rbac.RbacSettings;
import dev.vectorvault.auth.rbac.RbacStore;
import dev.vectorvault.auth.rbac.UserDirectory;
import dev.vectorvault.auth.rbac.Visibility;
import dev.vectorvault.config.ConfigException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MetaStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The RBAC parts of one server, sharing one store and one set of settings from the configuration. */
record Rbac(RbacService service, AccessDecider decider, Visibility visibility, RbacStore store) {
    static Rbac start(ServerConfig config, MetaStore metaStore, UserDirectory users) {
        ServerConfig.RbacKeys keys = config.rbac();
        RbacSettings settings = new RbacSettings(config.authorizationEnabled(), keys.rootShouldBindRole(),
                keys.enablePublicPrivilege(), keys.maxRoles(), keys.maxNameLength(), keys.maxRoleDescriptionLength(),
                keys.roleNameAllowedChars(), keys.nameAllowedChars());
        RbacStore store = new RbacStore(metaStore);
        PrivilegeCatalog catalog = privilegeCatalog(keys.groupOverrides());
        return new Rbac(RbacService.start(store, catalog, settings, users),
                new AccessDecider(store, catalog, settings), new Visibility(store, catalog, settings), store);
    }

    /** Milvus's group contents, with the groups that the configuration redefines replaced; a bad list names its key. */
    private static PrivilegeCatalog privilegeCatalog(Map<String, String> overridesByKey) {
        if (overridesByKey.isEmpty()) {
            return PrivilegeCatalog.defaults();
        }
        Map<String, List<String>> members = new LinkedHashMap<>();
        overridesByKey.forEach((key, value) -> {
            String group = ServerConfig.RbacKeys.GROUP_KEYS.get(key);
            List<String> names = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            try {
                PrivilegeCatalog.withOverrides(Map.of(group, names));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage());
            }
            members.put(group, names);
        });
        return PrivilegeCatalog.withOverrides(members);
    }
}
