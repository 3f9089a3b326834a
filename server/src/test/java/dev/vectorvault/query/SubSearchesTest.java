package dev.vectorvault.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sub-requests run in groups at once answer in request order, and the failure thrown is the one a run one after the
 * other meets first (every sub-request started, then query by query in request order), whatever the grouping.
 */
class SubSearchesTest {
    private static final int SUBS = 4;
    private static final int NQ = 3;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void answersComeBackInRequestOrder(int chunks) {
        List<List<String>> answers = SubSearches.run(SUBS, NQ, chunks, i -> q -> i + ":" + q);
        assertThat(answers).containsExactly(List.of("0:0", "0:1", "0:2"), List.of("1:0", "1:1", "1:2"),
                List.of("2:0", "2:1", "2:2"), List.of("3:0", "3:1", "3:2"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void theFailureThrownIsTheFirstInRequestOrder(int chunks) {
        // A later sub-request failing at an earlier query comes first.
        assertThrows(chunks, Map.of("0@2", fail(ErrorCode.PARAMETER_INVALID, "a"),
                "1@1", fail(ErrorCode.COLLECTION_NOT_LOADED, "b")), ErrorCode.COLLECTION_NOT_LOADED, "b");
        // Every sub-request starts before any query runs.
        assertThrows(chunks, Map.of("0@0", fail(ErrorCode.PARAMETER_INVALID, "a"),
                "3@start", fail(ErrorCode.COLLECTION_NOT_LOADED, "b")), ErrorCode.COLLECTION_NOT_LOADED, "b");
        // On the same query, the earlier sub-request.
        assertThrows(chunks, Map.of("2@1", fail(ErrorCode.PARAMETER_INVALID, "a"),
                "3@1", fail(ErrorCode.COLLECTION_NOT_LOADED, "b")), ErrorCode.PARAMETER_INVALID, "a");
        assertThrows(chunks, Map.of("1@start", fail(ErrorCode.PARAMETER_INVALID, "a"),
                "2@start", fail(ErrorCode.COLLECTION_NOT_LOADED, "b")), ErrorCode.PARAMETER_INVALID, "a");
    }

    @Test
    void afterAFailureTheOtherSubRequestsStopAfterThatQuery() {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> SubSearches.run(SUBS, NQ, 1, i -> q -> {
            ran.add(i + ":" + q);
            if (i == 1 && q == 0) {
                throw new MilvusException(ErrorCode.PARAMETER_INVALID, "stop");
            }
            return q;
        })).hasMessageContaining("stop");
        // One after the other: sub-request 0 has answered all its queries before 1 fails; 2 and 3 stop after query 0.
        assertThat(ran).containsExactly("0:0", "0:1", "0:2", "1:0", "2:0", "3:0");
    }

    private static MilvusException fail(ErrorCode code, String reason) {
        return new MilvusException(code, reason);
    }

    /** Runs with {@code failures} ("sub@query" or "sub@start") thrown where they are named. */
    private static void assertThrows(int chunks, Map<String, MilvusException> failures, ErrorCode code,
                                     String reason) {
        IntFunction<IntFunction<Integer>> start = i -> {
            MilvusException starting = failures.get(i + "@start");
            if (starting != null) {
                throw starting;
            }
            return q -> {
                MilvusException failure = failures.get(i + "@" + q);
                if (failure != null) {
                    throw failure;
                }
                return q;
            };
        };
        assertThatThrownBy(() -> SubSearches.run(SUBS, NQ, chunks, start))
                .isInstanceOfSatisfying(MilvusException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(reason);
                });
    }
}
