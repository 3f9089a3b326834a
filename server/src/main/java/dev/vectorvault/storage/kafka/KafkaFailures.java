package dev.vectorvault.storage.kafka;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.log.ShardLogException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;

/** Turns what the Kafka client threw into the shard log's codes, once, with a reason naming the shard. */
final class KafkaFailures {
    private KafkaFailures() {}

    /**
     * @param action what was being done, for example {@code "append to collection 7"}
     * @param failure what the client threw (a wrapped cause is looked through)
     */
    static ShardLogException classify(String action, Throwable failure) {
        if (failure instanceof ShardLogException known) {
            return known;
        }
        if (has(failure, ProducerFencedException.class) || has(failure, InvalidProducerEpochException.class)) {
            return new ShardLogException(ErrorCode.LOG_WRITER_FENCED, "cannot " + action + ": a newer writer opened"
                    + " this collection's log, so this writer is fenced; nothing of this append becomes visible", failure);
        }
        if (has(failure, TimeoutException.class)) {
            return new ShardLogException(ErrorCode.LOG_UNAVAILABLE, "cannot " + action + ": Kafka did not answer"
                    + " within kafka.readTimeout; nothing was acknowledged (" + describe(failure) + ")", failure);
        }
        if (has(failure, TransactionAbortedException.class)) {
            return new ShardLogException(ErrorCode.LOG_FAILED, "cannot " + action + ": the append was aborted",
                    failure);
        }
        return new ShardLogException(ErrorCode.LOG_FAILED, "cannot " + action + ": " + describe(failure), failure);
    }

    static boolean has(Throwable failure, Class<? extends Throwable> kind) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
