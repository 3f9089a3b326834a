package dev.vectorvault.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Collects every log event of WARN or above from both logging systems the server runs on: logback (our code, Netty)
 * and java.util.logging (grpc-java's own messages), so a test can assert that nothing alarming was logged.
 */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> logback = new ListAppender<>();
    private final java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    private final List<LogRecord> jul = new ArrayList<>();
    private final Handler julHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (jul) {
                jul.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    LogCapture() {
        logback.start();
        root.addAppender(logback);
        julRoot.addHandler(julHandler);
    }

    /** One line per WARN/ERROR event: level, logger, message, and the class of any attached throwable. */
    List<String> warnings() {
        List<String> out = new ArrayList<>();
        synchronized (logback.list) {
            for (ILoggingEvent e : logback.list) {
                if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                    out.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? "" : " throwable=" + e.getThrowableProxy().getClassName()));
                }
            }
        }
        synchronized (jul) {
            for (LogRecord r : jul) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    out.add(r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage()
                            + (r.getThrown() == null ? "" : " throwable=" + r.getThrown().getClass().getName()));
                }
            }
        }
        return out;
    }

    /** Every event at any level, for tests that count lines. */
    List<ILoggingEvent> events() {
        synchronized (logback.list) {
            return new ArrayList<>(logback.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(logback);
        julRoot.removeHandler(julHandler);
    }
}
