package dev.vectorvault.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a milvus.yaml-style file into flat dotted keys ({@code common.security.authorizationEnabled}) and applies
 * {@code key=value} overrides on top. Keys this server does not know are ignored, so a real milvus.yaml works.
 * A Milvus Operator resource ({@code kind: Milvus}) is read too: its {@code spec.config} holds the milvus.yaml keys
 * ({@link MilvusResource}), and the spec sections that cannot apply here are reported once, in one log line.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {}

    public static ServerConfig load(Path file, List<String> overrides) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (file != null) {
            flat.putAll(readYaml(file));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(override, "an override must look like key=value");
            }
            flat.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return ServerConfig.fromFlatKeys(flat);
    }

    static Map<String, String> readYaml(Path file) {
        // SafeConstructor: a config file must never be able to instantiate arbitrary classes.
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object root = yaml.load(reader);
            Map<String, String> flat = new LinkedHashMap<>();
            if (root instanceof Map<?, ?> map && MilvusResource.isKubernetesObject(map)) {
                MilvusResource resource = MilvusResource.read(map);
                flatten("", resource.config(), flat);
                report(file, resource, flat.size());
            } else if (root instanceof Map<?, ?> map) {
                flatten("", map, flat);
            } else if (root != null) {
                throw new ConfigException(file.toString(), "the top level must be a mapping of keys");
            }
            return flat;
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read the file (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            if (e instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException(file.toString(), "not valid YAML (" + e.getMessage() + ")");
        }
    }

    /**
     * The one line that says what of the resource applies: spec.config's keys do; the other spec sections describe
     * what the operator deploys (pods, etcd, object storage, the message queue) and are named, never dropped silently.
     * Names only: no value of the resource is logged, since spec.config may hold secrets.
     */
    private static void report(Path file, MilvusResource resource, int keys) {
        if (resource.unappliedSections().isEmpty()) {
            LOG.info("event=operator_resource file={} name={} applied=spec.config keys={}", file, resource.name(),
                    keys);
            return;
        }
        LOG.warn("event=operator_resource file={} name={} applied=spec.config keys={} notApplied=spec.{}: these"
                        + " sections describe what the Milvus Operator deploys and are not acted on by this server;"
                        + " set the matching milvus.yaml keys under spec.config instead (etcd.endpoints, minio.*,"
                        + " mq.type, kafka.*)", file, resource.name(), keys,
                String.join(",spec.", resource.unappliedSections()));
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (value instanceof List<?> list) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else if (value != null) {
                out.put(key, String.valueOf(value));
            }
        }
    }
}
