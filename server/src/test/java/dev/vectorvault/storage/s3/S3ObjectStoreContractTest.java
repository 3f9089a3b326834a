package dev.vectorvault.storage.s3;

import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ObjectStoreContract;
import dev.vectorvault.testkit.S3Server;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The ObjectStore contract on S3: the AWS SDK client against a real s3proxy process. */
@Timeout(120)
class S3ObjectStoreContractTest extends ObjectStoreContract {
    private static S3Server s3;
    private final List<S3ObjectStore> opened = new ArrayList<>();

    @BeforeAll
    static void startS3() {
        s3 = S3Server.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ObjectStore store() throws IOException {
        S3ObjectStore store = S3TestStores.open(s3.port(), S3TestStores.freshRoot(), 10_000);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3ObjectStore::close);
    }
}
