package dev.vectorvault.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a milvus.yaml-style file into flat dotted keys ({@code common.security.authorizationEnabled}) and applies
 * {@code key=value} overrides on top. Keys this server does not know are ignored, so a real milvus.yaml works.
 */
public final class ConfigLoader {
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
            if (root instanceof Map<?, ?> map) {
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
