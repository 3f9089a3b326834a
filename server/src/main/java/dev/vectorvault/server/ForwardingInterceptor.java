package dev.vectorvault.server;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.vectorvault.auth.Caller;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.cluster.CollectionPlacement;
import dev.vectorvault.cluster.CollectionReplicas;
import dev.vectorvault.cluster.CollectionPlacement.Placement;
import dev.vectorvault.cluster.ForwardedIdentity;
import dev.vectorvault.cluster.ForwardingKey;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.milvus.grpc.MilvusServiceGrpc;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode, public endpoint: a call that reads or writes a collection's data ({@link ForwardingRoutes}) runs where
 * that data lives. Installed innermost, after authentication and authorization, so the caller was already checked
 * here; the owner checks again with its own policy ({@link ForwardedIdentityInterceptor}).
 *
 * <p>The named collection (alias resolved, in the body's {@code db_name} else the caller's database) is looked up in
 * the local catalog and its {@link Placement} asked: LOCAL runs the handler as usual; REMOTE sends the same request
 * message over the owner's internal channel, signed ({@link ForwardedIdentity}), and relays the owner's response or
 * status unchanged; OWNER_NOT_LIVE answers at once with SERVICE_UNAVAILABLE naming the collection and its node. A name
 * the catalog does not know runs locally, so the handler reports it as usual. The client's deadline and cancellation
 * reach the owner (the outgoing call is made in the incoming call's context).
 */
final class ForwardingInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingInterceptor.class);
    private static final Map<String, MethodDescriptor<?, ?>> METHODS = new HashMap<>();

    static {
        MilvusServiceGrpc.getServiceDescriptor().getMethods()
                .forEach(m -> METHODS.put(m.getFullMethodName(), m));
    }

    private final Catalog catalog;
    private final CollectionPlacement placement;
    private final OwnerChannels channels;
    private final ForwardingKey key;
    private final long nodeId;
    private final LongSupplier clock;
    private final long forwardTimeoutMs;
    private volatile ReadReplicas readReplicas = collectionId -> List.of();

    /** The nodes that may answer a read of a collection, in the order to try them (empty: its owner, as before). */
    interface ReadReplicas {
        List<CollectionReplicas.Reader> readers(long collectionId);
    }

    /** Lets reads go to a collection's replicas (a cluster that places replicas). */
    void readReplicas(ReadReplicas replicas) {
        this.readReplicas = replicas;
    }

    /** @param forwardTimeoutMs the deadline of a forwarded call whose client set none ({@code cluster.forwardTimeoutMs}) */
    ForwardingInterceptor(Catalog catalog, CollectionPlacement placement, OwnerChannels channels, ForwardingKey key,
                          long nodeId, LongSupplier clock, long forwardTimeoutMs) {
        this.forwardTimeoutMs = forwardTimeoutMs;
        this.catalog = catalog;
        this.placement = placement;
        this.channels = channels;
        this.key = key;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ForwardingRoutes.Route route = ForwardingRoutes.of(call.getMethodDescriptor().getBareMethodName());
        if ((route != ForwardingRoutes.Route.OWNER && route != ForwardingRoutes.Route.OWNERS_OF_EACH
                && route != ForwardingRoutes.Route.REPLICA) || !METHODS.containsKey(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        // The handler is started only once the request shows where it runs; until then this asks for the message.
        call.request(1);
        return new Routing<>(call, headers, next, route);
    }

    /** Where a call's collections live: the local node, or one owner per remote address. */
    private record Destination(String collection, Placement placement) {}

    private final class Routing<Q, R> extends ServerCall.Listener<Q> {
        private final ServerCall<Q, R> call;
        private final Metadata headers;
        private final ServerCallHandler<Q, R> next;
        private final ForwardingRoutes.Route route;
        /** The incoming call's context: caller, deadline, cancellation. */
        private final Context context = Context.current();
        private ServerCall.Listener<Q> local;
        private Q request;
        private boolean finished;
        /** A read's next replica to try when the one asked cannot answer; null when there is none. */
        private Runnable fallback;

        Routing(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, ForwardingRoutes.Route route) {
            this.call = call;
            this.headers = headers;
            this.next = next;
            this.route = route;
        }

        @Override
        public synchronized void onMessage(Q message) {
            if (local != null) {
                local.onMessage(message);
            } else if (request == null && !finished) {
                request = message;
            }
        }

        @Override
        public synchronized void onHalfClose() {
            if (local != null) {
                local.onHalfClose();
                return;
            }
            if (finished) {
                return;
            }
            if (!(request instanceof Message message)) {
                runLocally();
                return;
            }
            if (route == ForwardingRoutes.Route.REPLICA && readFromReplicas(message)) {
                return;
            }
            List<Destination> destinations;
            try {
                destinations = destinations(message);
            } catch (MilvusException e) {
                // The placement could not be decided (the metadata store is unreachable): a clear status, no guess.
                answer(CallGuard.statusResponse(call.getMethodDescriptor(), e.errorCode(), e.getMessage()));
                return;
            }
            Optional<Destination> notLive = destinations.stream()
                    .filter(d -> d.placement().kind() == Placement.Kind.OWNER_NOT_LIVE).findFirst();
            if (notLive.isPresent()) {
                Placement p = notLive.get().placement();
                answer(unavailable("collection " + notLive.get().collection() + " is served by node "
                        + p.ownerNodeId() + ", which is not live; retry when it is back"));
                return;
            }
            Map<String, List<Destination>> remote = new LinkedHashMap<>();
            destinations.stream().filter(d -> d.placement().kind() == Placement.Kind.REMOTE)
                    .forEach(d -> remote.computeIfAbsent(d.placement().internalAddress(), a -> new ArrayList<>())
                            .add(d));
            if (remote.isEmpty()) {
                runLocally();
            } else if (route != ForwardingRoutes.Route.OWNERS_OF_EACH) {
                forward(message, remote.values().iterator().next().get(0), true, null);
            } else {
                flushOwners(message, remote);
            }
        }

        @Override
        public synchronized void onCancel() {
            finished = true;
            if (local != null) {
                local.onCancel();
            }
        }

        @Override
        public synchronized void onComplete() {
            if (local != null) {
                local.onComplete();
            }
        }

        @Override
        public synchronized void onReady() {
            if (local != null) {
                local.onReady();
            }
        }

        /** The collections the request names, each with its placement; unknown names are left to the handler. */
        private List<Destination> destinations(Message message) {
            Caller caller = CallContext.caller();
            String database = stringField(message, "db_name").filter(s -> !s.isEmpty())
                    .or(() -> stringField(message, "dbName").filter(s -> !s.isEmpty())).orElse(caller.database());
            List<String> names = route != ForwardingRoutes.Route.OWNERS_OF_EACH
                    ? ownerRouted(message, database).map(List::of).orElse(List.of())
                    : repeatedStrings(message, "collection_names");
            List<Destination> out = new ArrayList<>();
            for (String name : names) {
                Optional<Collection> collection;
                try {
                    collection = catalog.find(database, name);
                } catch (RuntimeException e) {
                    collection = Optional.empty();   // no such database: the handler says so
                }
                collection.ifPresent(c -> out.add(new Destination(c.name(), placement.placementOf(c.collectionId()))));
            }
            return out;
        }

        /**
         * The collection an OWNER-routed request names: {@code collection_name}; the segment views' camel-case
         * {@code collectionName}; or ManualCompaction's {@code collectionID}, in the request's database only.
         */
        private Optional<String> ownerRouted(Message message, String database) {
            Optional<String> name = stringField(message, "collection_name").filter(s -> !s.isEmpty())
                    .or(() -> stringField(message, "collectionName").filter(s -> !s.isEmpty()));
            if (name.isPresent()) {
                return name;
            }
            FieldDescriptor id = message.getDescriptorForType().findFieldByName("collectionID");
            if (id == null || !(message.getField(id) instanceof Long collectionId) || collectionId == 0) {
                return Optional.empty();
            }
            return catalog.byId(collectionId).filter(c -> c.database().equals(database)).map(Collection::name);
        }

        /**
         * A read of a collection with replicas: this node answers when it serves one, else the live replicas in turn;
         * a replica that cannot answer (down, unreachable, not serving the collection now) passes the read to the
         * next. One replica answers the whole request, so top-k, offset, group-by and iterators are as on the owner.
         * Returns false when the collection has no replica placement (the owner answers, as for other data calls).
         */
        private boolean readFromReplicas(Message message) {
            // The catalog only: asking the owner placement here could claim or take over the collection, which a
            // read served by a replica does not need (the next write takes a dead owner's collection over).
            Optional<String> name = stringField(message, "collection_name");
            if (name.isEmpty()) {
                return false;
            }
            Optional<Collection> collection;
            try {
                collection = catalog.find(stringField(message, "db_name").filter(s -> !s.isEmpty())
                        .orElse(CallContext.caller().database()), name.get());
            } catch (RuntimeException e) {
                return false; // no such database: the handler says so
            }
            if (collection.isEmpty()) {
                return false;
            }
            List<CollectionReplicas.Reader> readers = readReplicas.readers(collection.get().collectionId());
            if (readers.isEmpty()) {
                return false;
            }
            tryReader(message, collection.get().name(), readers, 0, "");
            return true;
        }

        private void tryReader(Message message, String name, List<CollectionReplicas.Reader> readers, int index,
                               String failures) {
            if (index >= readers.size()) {
                fallback = null;
                answer(unavailable("no replica of collection " + name + " can answer now (" + failures
                        + "); retry shortly"));
                return;
            }
            CollectionReplicas.Reader reader = readers.get(index);
            if (reader.local()) {
                fallback = null;
                runLocally();
                return;
            }
            Destination destination = new Destination(name,
                    new Placement(Placement.Kind.REMOTE, reader.nodeId(), reader.internalAddress()));
            fallback = () -> {
                LOG.info("event=replica_read_failover method={} collection={} node={}",
                        call.getMethodDescriptor().getBareMethodName(), name, reader.nodeId());
                tryReader(message, name, readers, index + 1,
                        (failures.isEmpty() ? "" : failures + "; ") + "node " + reader.nodeId() + " did not answer");
            };
            forward(message, destination, true, null);
        }

        /** Flush: each remote owner flushes its own collections first; when all succeeded, this node flushes. */
        private void flushOwners(Message message, Map<String, List<Destination>> remote) {
            FieldDescriptor names = message.getDescriptorForType().findFieldByName("collection_names");
            int[] pending = {remote.size()};
            for (List<Destination> owned : remote.values()) {
                Message.Builder subset = message.toBuilder().clearField(names);
                owned.forEach(d -> subset.addRepeatedField(names, d.collection()));
                forward(subset.build(), owned.get(0), false, () -> {
                    if (--pending[0] == 0) {
                        context.run(this::runLocally);
                    }
                });
            }
        }

        private void runLocally() {
            local = next.startCall(call, headers);
            if (request != null) {
                local.onMessage(request);
            }
            local.onHalfClose();
        }

        /**
         * Sends {@code message} to the owner of {@code destination}. The owner's answer goes to the client when
         * {@code relay} is set; otherwise a success runs {@code onSuccess} and a failure is relayed.
         */
        @SuppressWarnings("unchecked")
        private void forward(Message message, Destination destination, boolean relay, Runnable onSuccess) {
            MethodDescriptor<Message, Message> method =
                    (MethodDescriptor<Message, Message>) METHODS.get(call.getMethodDescriptor().getFullMethodName());
            Caller caller = CallContext.caller();
            ForwardedIdentity identity = new ForwardedIdentity(method.getFullMethodName(), caller.username(),
                    caller.database(), caller.clientAddress(), nodeId, clock.getAsLong(),
                    ForwardedIdentity.digestOf(message.toByteArray()));
            Placement owner = destination.placement();
            ClientCall<Message, Message> outgoing;
            // Made in the incoming call's context: its deadline applies and its cancellation cancels this call. With
            // no deadline from the client, a hung owner would hold the call forever: ours applies instead.
            boolean clientDeadline = context.getDeadline() != null;
            CallOptions options = clientDeadline ? CallOptions.DEFAULT
                    : CallOptions.DEFAULT.withDeadlineAfter(forwardTimeoutMs, TimeUnit.MILLISECONDS);
            try {
                outgoing = channels.to(owner.internalAddress()).newCall(method, options);
            } catch (RuntimeException e) {
                Runnable next = fallback;
                if (next != null) {
                    next.run();
                    return;
                }
                answer(unavailable("collection " + destination.collection() + " is served by node "
                        + owner.ownerNodeId() + ", which cannot be reached now; retry when it is back"));
                return;
            }
            outgoing.start(new ClientCall.Listener<>() {
                private Message response;

                @Override
                public void onMessage(Message message) {
                    response = message;
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    completed(destination, status, response, relay, onSuccess, clientDeadline);
                }
            }, ForwardedCallHeaders.of(identity, identity.signature(key)));
            outgoing.request(2);
            outgoing.sendMessage(message);
            outgoing.halfClose();
        }

        @SuppressWarnings("unchecked")
        private synchronized void completed(Destination destination, Status status, Message response, boolean relay,
                                            Runnable onSuccess, boolean clientDeadline) {
            if (finished) {
                return;
            }
            Placement owner = destination.placement();
            Runnable next = fallback;
            if (next != null && (transportFailure(status)
                    || (status.getCode() == Status.Code.DEADLINE_EXCEEDED && !clientDeadline)
                    || (status.isOk() && response != null && notServingThere(response)))) {
                next.run(); // a read: the next replica answers it
                return;
            }
            if (transportFailure(status)) {
                // The owner is down, unreachable, or refusing calls (lost lease): one clear answer, never a hang.
                LOG.info("event=forward_unavailable method={} collection={} owner={} status=\"{}\"",
                        call.getMethodDescriptor().getBareMethodName(), destination.collection(),
                        owner.ownerNodeId(), status.getDescription());
                answer(unavailable("collection " + destination.collection() + " is served by node "
                        + owner.ownerNodeId() + ", which cannot serve it now (" + status.getDescription()
                        + "); retry when it is back"));
                return;
            }
            if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && !clientDeadline) {
                answer(unavailable("collection " + destination.collection() + " is served by node "
                        + owner.ownerNodeId() + ", which did not answer within cluster.forwardTimeoutMs ("
                        + forwardTimeoutMs + " ms); the call may have been applied there; retry when it is back"));
                return;
            }
            if (!status.isOk() || response == null) {
                finished = true;
                call.close(status.isOk() ? Status.INTERNAL.withDescription("the owner node sent no response")
                        : Status.fromCode(status.getCode()).withDescription(status.getDescription()), new Metadata());
                return;
            }
            if (!relay && succeeded(response)) {
                onSuccess.run();
                return;
            }
            answer((R) response);
        }

        private void answer(R response) {
            if (finished) {
                return;
            }
            finished = true;
            if (response == null) {
                // Only MilvusService methods are routed, and each of their responses carries a status: unreachable.
                call.close(Status.UNAVAILABLE.withDescription("the collection's owner node cannot serve it now"),
                        new Metadata());
                return;
            }
            call.sendHeaders(new Metadata());
            call.sendMessage(response);
            call.close(Status.OK, new Metadata());
        }

        private R unavailable(String reason) {
            return CallGuard.statusResponse(call.getMethodDescriptor(), ErrorCode.SERVICE_UNAVAILABLE, reason);
        }
    }

    /**
     * Whether the forwarded call failed on the way rather than in the peer's handler: UNAVAILABLE, or UNKNOWN
     * "channel closed", which gRPC reports when the peer's connection drops mid-call (a kill -9 while it answers).
     * Either way the peer may be gone; a read goes to the next replica, a write answers that it may have been applied.
     */
    static boolean transportFailure(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE
                || (status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof ClosedChannelException)
                || (status.getCode() == Status.Code.UNKNOWN && "channel closed".equals(status.getDescription()));
    }

    /** A replica's answer that it cannot serve the read now (merr ServiceUnavailable, code 2): another may. */
    private static boolean notServingThere(Message response) {
        io.milvus.grpc.Status status = response instanceof io.milvus.grpc.Status s ? s : statusField(response);
        return status != null && status.getCode() == ErrorCode.SERVICE_UNAVAILABLE.code();
    }

    /** Whether a Milvus response reports success: its status (or itself, when it is a Status) has code 0. */
    private static boolean succeeded(Message response) {
        io.milvus.grpc.Status status = response instanceof io.milvus.grpc.Status s ? s : statusField(response);
        return status != null && status.getCode() == 0 && status.getErrorCodeValue() == 0;
    }

    private static io.milvus.grpc.Status statusField(Message response) {
        FieldDescriptor field = response.getDescriptorForType().findFieldByName("status");
        return field != null && response.getField(field) instanceof io.milvus.grpc.Status s ? s : null;
    }

    private static Optional<String> stringField(Message message, String name) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        if (field == null || field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.STRING) {
            return Optional.empty();
        }
        return Optional.of((String) message.getField(field));
    }

    private static List<String> repeatedStrings(Message message, String name) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        if (field == null || !field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.STRING) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object value : (List<?>) message.getField(field)) {
            out.add((String) value);
        }
        return out;
    }

    /** The generated descriptor of a MilvusService method (tests). */
    static Optional<MethodDescriptor<?, ?>> method(String fullMethodName) {
        return Optional.ofNullable(METHODS.get(fullMethodName));
    }
}
