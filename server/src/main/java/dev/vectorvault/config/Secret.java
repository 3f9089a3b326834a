package dev.vectorvault.config;

import java.nio.charset.StandardCharsets;

/** A configured secret (such as the first root password). Its {@code toString} never shows the value. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public String reveal() {
        return value;
    }

    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
