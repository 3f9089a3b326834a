package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.cluster.CollectionPlacement;
import dev.vectorvault.cluster.CollectionPlacement.Placement;
import dev.vectorvault.cluster.ForwardingKey;
import dev.vectorvault.cluster.NodeForwarding;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With authentication off a forwarded call carries no user, yet the internal port still takes only signed calls. */
@Timeout(60)
class ForwardingWithoutAuthenticationTest {
    private static final ForwardingKey KEY = () -> ForwardingEndpointTest.filled((byte) 5);

    @TempDir
    Path dir;

    private MilvusServer node(MvMetaStore store, String name, long id, CollectionPlacement placement)
            throws Exception {
        return MilvusServer.start(ServerConfig.fromFlatKeys(Map.of("proxy.port", "0", "proxy.internalPort", "0",
                "localStorage.path", dir.resolve(name).toString())), ForwardingEndpointTest.unclosable(store),
                new NodeForwarding(id, placement, KEY));
    }

    private static MilvusServiceBlockingStub stub(ManagedChannel channel) {
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void anInsertThroughTheOtherNodeLandsOnTheOwnerAndUnsignedInternalCallsAreRefused() throws Exception {
        MvMetaStore store = MvMetaStore.inMemory();
        try (MilvusServer a = node(store, "a", 1, CollectionPlacement.LOCAL)) {
            ManagedChannel toA = NettyChannelBuilder.forAddress("127.0.0.1", a.port()).usePlaintext().build();
            ManagedChannel toInternalA = NettyChannelBuilder.forAddress("127.0.0.1", a.internalPort()).usePlaintext()
                    .build();
            try {
                SmallCollection.create(stub(toA), 10);
                Placement owner = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + a.internalPort());
                try (MilvusServer b = node(store, "b", 2, collectionId -> owner)) {
                    ManagedChannel toB = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
                    try {
                        MutationResult result = stub(toB).insert(ForwardingEndpointTest.rows(100, 4));
                        assertThat(result.getStatus().getCode()).as(result.getStatus().getReason()).isZero();
                        assertThat(ForwardingEndpointTest.rowCount(stub(toA))).isEqualTo(14);
                    } finally {
                        toB.shutdownNow();
                    }
                }
                assertThatThrownBy(() -> stub(toInternalA).insert(ForwardingEndpointTest.rows(200, 1)))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED));
                assertThat(ForwardingEndpointTest.rowCount(stub(toA))).isEqualTo(14);
            } finally {
                toA.shutdownNow();
                toInternalA.shutdownNow();
            }
        } finally {
            store.close();
        }
    }
}
