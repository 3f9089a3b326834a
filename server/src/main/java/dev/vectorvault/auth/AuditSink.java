package dev.vectorvault.auth;

/**
 * Where audit lines go besides the {@code audit} logger: the seam for the rolling audit file
 * ({@code proxy.auditLog.*}), so the authentication code knows nothing of the logging library that writes it.
 */
public interface AuditSink extends AutoCloseable {
    /** No file: events go to the {@code audit} logger only. */
    AuditSink NONE = (warn, line) -> { };

    /** One finished line (text or JSON), without a line break; must not throw. */
    void write(boolean warn, String line);

    @Override
    default void close() {}
}
