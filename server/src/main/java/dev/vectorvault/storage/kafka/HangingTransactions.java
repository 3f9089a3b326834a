package dev.vectorvault.storage.kafka;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts <em>hanging</em> transactions on a pchannel partition: a transaction the partition holds open while
 * its coordinator no longer tracks it, so no one will ever write its marker and every read_committed reader of the
 * partition (every shard it carries) waits before it forever. Kafka documents this failure and its remedy (KIP-664:
 * {@code kafka-transactions.sh find-hanging} and {@code abort}); this class applies the same rule through the same
 * Admin calls, so readers recover without an operator.
 *
 * <p>How it arises here: a broker killed mid-append can come back with the data partition holding the open append
 * while its coordinator's state lacks it (seen on single-broker test clusters, where nothing is replicated). A new
 * writer of the same transactional id then gets a fresh producer id, which settles nothing, and the coordinator's
 * own timeout never fires for a transaction it does not know.
 *
 * <p>The rule, checked in this order, each step able to clear the suspect:
 * <ol>
 * <li>the partition reports the producer's transaction open for longer than {@code olderThanMs}, which exceeds the
 *     writers' transaction timeout plus the coordinator's abort sweep: a transaction the coordinator tracks is
 *     aborted by it before then;</li>
 * <li>the coordinator lists no transaction of that producer id in a state it will still finish (ongoing, preparing)
 *     that includes this partition;</li>
 * <li>the partition still reports the same transaction open (same producer, same first offset) afterwards, so it was
 *     not completed between the two looks.</li>
 * </ol>
 * Only then is an abort marker written for it. Aborting drops that append's records, which were never acknowledged:
 * a writer acknowledges only once its commit markers are in the partitions ({@code KafkaShardWriter}).
 */
final class HangingTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    /** States whose transaction the coordinator will still complete by itself. */
    private static final Set<TransactionState> FINISHING = EnumSet.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private final Admin admin;
    private final long olderThanMs;
    private final long callTimeoutMs;
    private final LongSupplier clock;

    HangingTransactions(Admin admin, long olderThanMs, long callTimeoutMs, LongSupplier clock) {
        this.admin = admin;
        this.olderThanMs = olderThanMs;
        this.callTimeoutMs = callTimeoutMs;
        this.clock = clock;
    }

    /** Aborts the hanging transactions of {@code partition}; returns how many. Never throws for a broker failure. */
    int abortIn(TopicPartition partition) {
        try {
            List<ProducerState> suspects = openLongerThanAllowed(partition);
            if (suspects.isEmpty()) {
                return 0;
            }
            Set<Long> tracked = trackedByCoordinator(partition, suspects);
            Map<Long, ProducerState> now = new java.util.HashMap<>();
            for (ProducerState p : producers(partition)) {
                now.put(p.producerId(), p);
            }
            int aborted = 0;
            for (ProducerState suspect : suspects) {
                ProducerState again = now.get(suspect.producerId());
                if (tracked.contains(suspect.producerId()) || again == null
                        || !again.currentTransactionStartOffset().equals(suspect.currentTransactionStartOffset())) {
                    continue;
                }
                abort(partition, again);
                aborted++;
            }
            return aborted;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("event=hanging_transaction_check_failed topic={} reason={}", partition.topic(),
                    e instanceof ExecutionException && e.getCause() != null ? e.getCause().toString() : e.toString());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private List<ProducerState> openLongerThanAllowed(TopicPartition partition)
            throws ExecutionException, InterruptedException, TimeoutException {
        long now = clock.getAsLong();
        List<ProducerState> out = new ArrayList<>();
        for (ProducerState p : producers(partition)) {
            if (p.currentTransactionStartOffset().isPresent() && now - p.lastTimestamp() > olderThanMs) {
                out.add(p);
            }
        }
        return out;
    }

    private List<ProducerState> producers(TopicPartition partition)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeProducers(List.of(partition)).partitionResult(partition)
                .get(callTimeoutMs, TimeUnit.MILLISECONDS).activeProducers();
    }

    /** The suspects' producer ids whose transaction on {@code partition} the coordinator will still complete. */
    private Set<Long> trackedByCoordinator(TopicPartition partition, List<ProducerState> suspects)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<Long> ids = new HashSet<>();
        suspects.forEach(p -> ids.add(p.producerId()));
        Set<String> finishing = new HashSet<>();
        for (TransactionListing listing : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(ids))
                .all().get(callTimeoutMs, TimeUnit.MILLISECONDS)) {
            if (FINISHING.contains(listing.state())) {
                finishing.add(listing.transactionalId());
            }
        }
        Set<Long> tracked = new HashSet<>();
        if (finishing.isEmpty()) {
            return tracked;
        }
        for (TransactionDescription d : admin.describeTransactions(finishing).all()
                .get(callTimeoutMs, TimeUnit.MILLISECONDS).values()) {
            if (FINISHING.contains(d.state()) && d.topicPartitions().contains(partition)) {
                tracked.add(d.producerId());
            }
        }
        return tracked;
    }

    private void abort(TopicPartition partition, ProducerState p)
            throws ExecutionException, InterruptedException, TimeoutException {
        OptionalLong start = p.currentTransactionStartOffset();
        admin.abortTransaction(new AbortTransactionSpec(partition, p.producerId(), (short) p.producerEpoch(),
                p.coordinatorEpoch().orElse(0))).all().get(callTimeoutMs, TimeUnit.MILLISECONDS);
        LOG.warn("event=hanging_transaction_aborted topic={} partition={} producer_id={} producer_epoch={}"
                        + " first_offset={} open_ms={}: its coordinator no longer tracked it", partition.topic(),
                partition.partition(), p.producerId(), p.producerEpoch(), start.orElse(-1),
                clock.getAsLong() - p.lastTimestamp());
    }
}
