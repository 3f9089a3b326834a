package dev.vectorvault.config;

/** A configuration value that cannot be used; the message always names the offending key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super("invalid configuration " + key + ": " + problem);
    }
}
