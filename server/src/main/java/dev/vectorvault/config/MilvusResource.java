package dev.vectorvault.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Milvus Operator custom resource ({@code apiVersion: milvus.io/v1beta1}, {@code kind: Milvus}) read as this
 * server's configuration. Its {@code spec.config} holds milvus.yaml keys: the operator deep-merges them into the
 * milvus.yaml it mounts in the pod, so the same keys mean the same here. The rest of {@code spec} (components,
 * dependencies, mode, ...) describes the pods and external services the operator would create; this server cannot act
 * on it, so {@link #unappliedSections()} names those sections for the one start-up line that reports them.
 */
final class MilvusResource {
    static final String API_VERSION = "milvus.io/v1beta1";
    static final String KIND = "Milvus";

    private final String name;
    private final Map<?, ?> config;
    private final List<String> unapplied;

    private MilvusResource(String name, Map<?, ?> config, List<String> unapplied) {
        this.name = name;
        this.config = config;
        this.unapplied = unapplied;
    }

    /** Whether a YAML document is a Kubernetes object rather than a milvus.yaml (which has neither key). */
    static boolean isKubernetesObject(Map<?, ?> document) {
        return document.containsKey("apiVersion") || document.containsKey("kind");
    }

    /**
     * Reads a Kubernetes object that must be a Milvus resource.
     *
     * @throws ConfigException naming {@code apiVersion}, {@code kind}, {@code spec} or {@code spec.config} when the
     *                         document is another object or its sections are not mappings
     */
    static MilvusResource read(Map<?, ?> document) {
        Object apiVersion = document.get("apiVersion");
        if (!API_VERSION.equals(apiVersion)) {
            throw new ConfigException("apiVersion", "a Kubernetes object is read as a Milvus Operator resource, which"
                    + " needs apiVersion " + API_VERSION + ", got " + describe(apiVersion));
        }
        Object kind = document.get("kind");
        if (!KIND.equals(kind)) {
            throw new ConfigException("kind", "a Kubernetes object is read as a Milvus Operator resource, which"
                    + " needs kind " + KIND + ", got " + describe(kind));
        }
        Object spec = document.get("spec");
        if (spec == null) {
            return new MilvusResource(name(document), Map.of(), List.of()); // the operator's defaults: nothing to set
        }
        if (!(spec instanceof Map<?, ?> specMap)) {
            throw new ConfigException("spec", "must be a mapping (the Milvus resource's spec)");
        }
        Object config = specMap.get("config");
        if (config != null && !(config instanceof Map<?, ?>)) {
            throw new ConfigException("spec.config", "must be a mapping of milvus.yaml keys");
        }
        List<String> unapplied = new ArrayList<>();
        for (Object section : specMap.keySet()) {
            if (!"config".equals(section)) {
                unapplied.add(String.valueOf(section));
            }
        }
        return new MilvusResource(name(document), config == null ? Map.of() : (Map<?, ?>) config,
                List.copyOf(unapplied));
    }

    private static String name(Map<?, ?> document) {
        return document.get("metadata") instanceof Map<?, ?> metadata && metadata.get("name") != null
                ? String.valueOf(metadata.get("name")) : "";
    }

    /** A value for a message: short, and only ever an apiVersion or kind (never a secret). */
    private static String describe(Object value) {
        if (value == null) {
            return "none";
        }
        String text = String.valueOf(value);
        return "'" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'";
    }

    /** {@code metadata.name}, or empty. */
    String name() {
        return name;
    }

    /** {@code spec.config}: nested milvus.yaml keys, flattened by the loader like a milvus.yaml. */
    Map<?, ?> config() {
        return config;
    }

    /** The {@code spec} sections other than {@code config}, in document order: none of them is applied here. */
    List<String> unappliedSections() {
        return unapplied;
    }
}
