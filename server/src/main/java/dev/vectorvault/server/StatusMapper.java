package dev.vectorvault.server;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.Status;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The only place that builds wire {@link Status} values. */
final class StatusMapper {
    private static final Logger LOG = LoggerFactory.getLogger(StatusMapper.class);
    private static final Status SUCCESS = Status.newBuilder().setCode(0).build();

    private StatusMapper() {}

    static Status success() {
        return SUCCESS;
    }

    static Status of(MilvusException e) {
        return of(e.errorCode(), e.getMessage());
    }

    static Status of(ErrorCode code, String reason) {
        return Status.newBuilder()
                .setCode(code.code())
                .setErrorCodeValue(code.legacyCode())
                .setReason(reason)
                .build();
    }

    /**
     * A failure we did not anticipate. It still goes back in the Status (an escaped exception would be gRPC UNKNOWN,
     * which the SDKs retry for minutes); the details stay in the server log under an incident id.
     */
    static Status unexpected(String method, Throwable error) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("event=internal_error method={} incident={}", method, incident, error);
        return of(ErrorCode.UNEXPECTED, "internal error in " + method + " (incident " + incident + ")");
    }
}
