package dev.vectorvault.server;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.Map;
import java.util.Set;

/**
 * The fields of LoadCollection / LoadPartitions besides what is loaded: {@code load_params} and {@code refresh}.
 * {@code load_fields} and {@code skip_load_dynamic_field} go to {@link dev.vectorvault.catalog.Indexes#load}.
 */
final class LoadOptions {
    /**
     * The {@code load_params} keys Milvus 2.6 reads. {@code load_priority} ("high" or "low") only orders Milvus's
     * background segment loading; a load here completes within the call, so it changes neither when data becomes
     * visible nor any result, and is accepted without effect.
     */
    private static final Set<String> WITHOUT_EFFECT = Set.of("load_priority");

    private LoadOptions() {}

    /** Refuses, naming it, a {@code load_params} key this server does not know (it might change what is served). */
    static void checkParams(String rpc, Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!WITHOUT_EFFECT.contains(key)) {
                throw MilvusException.invalidParameter("load_params key " + key + " of " + rpc
                        + " is not supported by this server (supported: " + String.join(", ", WITHOUT_EFFECT) + ")");
            }
        }
    }

    /**
     * {@code refresh}: Milvus reloads a loaded collection to take in segments imported since (bulk insert); the
     * collection must be loaded ("collection not loaded[collection=id]", 101). Everything written is already served
     * here, so a refresh of a loaded collection has nothing to add; the other load fields are not looked at, as in
     * Milvus, where a refresh returns before the load is compared.
     */
    static void refresh(Catalog catalog, String database, String name) {
        Collection collection = catalog.collection(database, name);
        if (!collection.loaded()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + collection.collectionId() + "]");
        }
    }
}
