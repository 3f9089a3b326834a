package dev.vectorvault.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.vectorvault.auth.AuditSink;
import dev.vectorvault.config.ServerConfig.AuditLogSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's own file ({@code proxy.auditLog.*}), written by Logback's rolling appender: a new file each day
 * and whenever the current one reaches {@code maxSize}, old files compressed, and those past {@code maxDays} or beyond
 * {@code maxTotalSize} together deleted, so a flood of events cannot fill the disk. The appender belongs to this
 * sink alone (not to the shared {@code audit} logger), so two servers in one process keep separate files. The folder
 * is created owner-only: the audit names users and client addresses.
 */
public final class RollingAuditFile implements AuditSink {
    private static final String FQCN = RollingAuditFile.class.getName();

    private final RollingFileAppender<ILoggingEvent> appender;
    private final Logger eventLogger;

    private RollingAuditFile(RollingFileAppender<ILoggingEvent> appender, Logger eventLogger) {
        this.appender = appender;
        this.eventLogger = eventLogger;
    }

    /** Opens the file the settings name; {@link AuditSink#NONE} when the audit file is off. */
    public static AuditSink open(AuditLogSettings settings) {
        if (!settings.enabled()) {
            return AuditSink.NONE;
        }
        Path directory = settings.directory();
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                try {
                    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows and other non-POSIX file systems: left to the folder's inherited permissions.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit folder " + directory, e);
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        String base = stripExtension(settings.fileName());
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("audit-file-" + directory);
        appender.setFile(directory.resolve(settings.fileName()).toString());

        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(directory.resolve(base + "-%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(new FileSize(settings.maxSizeMB() * FileSize.MB_COEFFICIENT));
        policy.setMaxHistory(settings.maxDays());
        policy.setTotalSizeCap(new FileSize(settings.maxTotalSizeMB() * FileSize.MB_COEFFICIENT));
        policy.start();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        // A JSON line carries its own time and level; a text line gets them in front, as on standard output.
        encoder.setPattern(settings.json() ? "%msg%n" : "%d{ISO8601} %-5level %msg%n");
        encoder.start();

        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException("the audit file " + directory.resolve(settings.fileName())
                    + " could not be opened (see the log above)");
        }
        return new RollingAuditFile(appender, context.getLogger("audit.file"));
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    @Override
    public void write(boolean warn, String line) {
        LoggingEvent event = new LoggingEvent(FQCN, eventLogger, warn ? Level.WARN : Level.INFO, line, null, null);
        appender.doAppend(event);
    }

    @Override
    public void close() {
        appender.stop();
    }
}
