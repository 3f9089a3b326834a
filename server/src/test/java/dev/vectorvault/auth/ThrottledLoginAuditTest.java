package dev.vectorvault.auth;

import static dev.vectorvault.auth.Authenticator.Outcome.THROTTLED;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Issue 10, finding 6: a flood of throttled logins writes a bounded number of audit lines, and no secret. */
@Timeout(60)
class ThrottledLoginAuditTest {
    private static final String SECRET_GUESS = "hunter2-Sekrit-guess";
    private static final Pattern REPEATED = Pattern.compile("reason=throttled repeated=(\\d+)");

    private final TestCredentials t = new TestCredentials();
    private final Logger audit = (Logger) LoggerFactory.getLogger("audit");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        audit.addAppender(lines);
    }

    @AfterEach
    void release() {
        audit.detachAppender(lines);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Throttled refusals the log accounts for: one per immediate line plus every summary's repeat count. */
    private long throttledAccountedFor() {
        long total = 0;
        for (String line : messages()) {
            Matcher repeated = REPEATED.matcher(line);
            if (repeated.find()) {
                total += Long.parseLong(repeated.group(1));
            } else if (line.contains("reason=throttled")) {
                total++;
            }
        }
        return total;
    }

    @Test
    void tenThousandThrottledAttemptsOnOneAccountWriteAHandfulOfLinesThatAccountForEveryOne() {
        for (int i = 0; i < 6; i++) {
            t.authenticator.authenticate("root", Password.of("guess-" + i), "10.6.6.6");
        }
        int throttled = 0;
        for (int i = 0; i < 10_000; i++) {
            if (t.authenticator.authenticate("root", Password.of(SECRET_GUESS), "10.6.6.6") == THROTTLED) {
                throttled++;
            }
        }
        t.clock.addAndGet(60_000);
        t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1");

        assertThat(throttled).isEqualTo(10_000);
        assertThat(messages()).hasSizeLessThanOrEqualTo(6 + 2);
        assertThat(throttledAccountedFor()).isEqualTo(throttled);
        assertThat(messages()).noneMatch(line -> line.contains(SECRET_GUESS) || line.contains("Milvus"));
    }

    @Test
    void aFloodOfMadeUpUserNamesFromABlockedAddressIsCappedPerWindow() {
        for (int i = 0; i < 21; i++) {
            t.authenticator.authenticate("ghost" + i, Password.of("guess-" + i), "10.6.6.6");
        }
        lines.list.clear();
        for (int i = 0; i < 10_000; i++) {
            assertThat(t.authenticator.authenticate("made_up_" + i, Password.of(SECRET_GUESS), "10.6.6.6"))
                    .isEqualTo(THROTTLED);
        }
        t.clock.addAndGet(60_000);
        t.authenticator.authenticate("root", Password.of("Milvus"), "10.0.0.1");

        // 100 pairs logged at once, then one overflow line for the other 9,900 (default auditMaxPairs = 100).
        assertThat(messages()).hasSizeLessThanOrEqualTo(2 * 100 + 1);
        assertThat(throttledAccountedFor()).isEqualTo(10_000);
        assertThat(messages()).noneMatch(line -> line.contains(SECRET_GUESS));
    }

    @Test
    void eachNewWindowLogsItsFirstRefusalAtOnce() {
        AuditLog log = new AuditLog(1_000, 10, t.clock::get);
        log.loginThrottled("root", "10.6.6.6");
        log.loginThrottled("root", "10.6.6.6");
        assertThat(messages()).hasSize(1);
        t.clock.addAndGet(1_000);
        log.loginThrottled("root", "10.6.6.6");
        assertThat(messages()).hasSize(3);
        assertThat(messages().get(1)).contains("user=\"root\"", "client=\"10.6.6.6\"", "repeated=1");
        assertThat(messages().get(2)).contains("reason=throttled").doesNotContain("repeated");
    }
}
