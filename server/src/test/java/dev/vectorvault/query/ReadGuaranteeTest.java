package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import org.junit.jupiter.api.Test;

/**
 * Milvus's consistency levels on a follower replica: Strong and Bounded ignore guarantee_timestamp as Milvus does,
 * Eventually never waits, Session (and Customized) wait for the client's last write unless it made none, and a
 * guarantee timestamp too far ahead is refused rather than ignored.
 */
class ReadGuaranteeTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long GRACEFUL = 5_000;
    private static final long WAIT = 10_000;

    private static long ts(long millis) {
        return millis << 18;
    }

    private static ReadGuarantee of(ConsistencyLevel level, long guaranteeTs) {
        return ReadGuarantee.of(level, false, guaranteeTs, NOW, GRACEFUL, WAIT);
    }

    @Test
    void strongWaitsForTheLogEndWhateverTheTimestamp() {
        assertThat(of(ConsistencyLevel.STRONG, 0)).isEqualTo(ReadGuarantee.LOG_END);
        assertThat(of(ConsistencyLevel.STRONG, 1)).isEqualTo(ReadGuarantee.LOG_END);
        assertThat(of(ConsistencyLevel.STRONG, ts(NOW + 3_600_000))).isEqualTo(ReadGuarantee.LOG_END);
    }

    @Test
    void boundedAllowsTheGracefulTimeAndIgnoresTheTimestamp() {
        assertThat(of(ConsistencyLevel.BOUNDED, 2)).isEqualTo(new ReadGuarantee(true, GRACEFUL, 0));
        assertThat(of(ConsistencyLevel.BOUNDED, ts(NOW + 3_600_000))).isEqualTo(new ReadGuarantee(true, GRACEFUL, 0));
        assertThat(ReadGuarantee.of(ConsistencyLevel.BOUNDED, false, 2, NOW, 0, WAIT).maxLagMillis())
                .as("a graceful time of 0 still lets a copy at the end answer").isEqualTo(1);
    }

    @Test
    void eventuallyNeverWaits() {
        assertThat(of(ConsistencyLevel.EVENTUALLY, ts(NOW))).isEqualTo(ReadGuarantee.NONE);
    }

    @Test
    void sessionWithoutAnEarlierWriteDoesNotWait() {
        assertThat(of(ConsistencyLevel.SESSION, 0)).isEqualTo(ReadGuarantee.NONE);
        assertThat(of(ConsistencyLevel.SESSION, 1)).isEqualTo(ReadGuarantee.NONE);
    }

    @Test
    void sessionWaitsForTheClientsLastWrite() {
        assertThat(of(ConsistencyLevel.SESSION, ts(NOW - 50) + 7)).isEqualTo(ReadGuarantee.LOG_END);
        assertThat(of(ConsistencyLevel.SESSION, ts(NOW))).isEqualTo(ReadGuarantee.LOG_END);
    }

    @Test
    void sessionTimestampSlightlyAheadWaitsForThatClockTimeFirst() {
        assertThat(of(ConsistencyLevel.SESSION, ts(NOW + 1_000))).isEqualTo(new ReadGuarantee(true, 0, NOW + 1_000));
        assertThat(of(ConsistencyLevel.SESSION, ts(NOW + WAIT))).isEqualTo(new ReadGuarantee(true, 0, NOW + WAIT));
    }

    @Test
    void customizedIsServedAsSessionWithItsTimestamp() {
        assertThat(ReadGuarantee.of(ConsistencyLevel.BOUNDED, true, 1, NOW, GRACEFUL, WAIT))
                .isEqualTo(ReadGuarantee.NONE);
        assertThat(ReadGuarantee.of(ConsistencyLevel.BOUNDED, true, ts(NOW - 10), NOW, GRACEFUL, WAIT))
                .isEqualTo(ReadGuarantee.LOG_END);
    }

    @Test
    void aTimestampTooFarAheadIsRefusedNotIgnored() {
        assertThatThrownBy(() -> of(ConsistencyLevel.SESSION, ts(NOW + WAIT + 1)))
                .isInstanceOf(MilvusException.class)
                .satisfies(e -> assertThat(((MilvusException) e).errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessageContaining("guarantee_timestamp").hasMessageContaining("cluster.consistencyWaitMs");
        assertThatThrownBy(() -> of(ConsistencyLevel.SESSION, -1L)).as("an unsigned timestamp past 2^63")
                .isInstanceOf(MilvusException.class);
    }
}
