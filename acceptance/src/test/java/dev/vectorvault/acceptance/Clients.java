package dev.vectorvault.acceptance;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.util.function.UnaryOperator;

/** Official Java SDK v2 clients for a {@link ServerProcess}, with deadlines so a broken server fails a test fast. */
final class Clients {
    private Clients() {}

    static MilvusClientV2 withToken(ServerProcess server, String token) {
        return connect(server, b -> b.token(token));
    }

    static MilvusClientV2 as(ServerProcess server, String user, String password) {
        return connect(server, b -> b.username(user).password(password));
    }

    static MilvusClientV2 root(ServerProcess server) {
        return withToken(server, "root:Milvus");
    }

    static MilvusClientV2 connect(ServerProcess server, UnaryOperator<ConnectConfig.ConnectConfigBuilder> options) {
        ConnectConfig.ConnectConfigBuilder builder = ConnectConfig.builder()
                .uri(server.uri())
                .connectTimeoutMs(15_000)
                .rpcDeadlineMs(15_000);
        MilvusClientV2 client = new MilvusClientV2(options.apply(builder).build());
        // Our server never answers with a retryable failure for these flows; one try keeps failing tests quick.
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        return client;
    }
}
