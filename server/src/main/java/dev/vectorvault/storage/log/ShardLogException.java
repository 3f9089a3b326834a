package dev.vectorvault.storage.log;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;

/**
 * A shard log operation failed. Carries {@link ErrorCode#LOG_WRITER_FENCED}, {@link ErrorCode#LOG_UNAVAILABLE} or
 * {@link ErrorCode#LOG_FAILED} (or {@link ErrorCode#STORAGE_CORRUPT} for a record this server cannot read) and a
 * reason naming the shard; never a credential. Whatever the code, the append it
 * interrupted was not acknowledged.
 */
public class ShardLogException extends MilvusException {
    public ShardLogException(ErrorCode code, String reason, Throwable cause) {
        super(code, reason, cause);
    }
}
