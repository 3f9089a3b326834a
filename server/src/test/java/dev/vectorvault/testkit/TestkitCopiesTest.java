package dev.vectorvault.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The acceptance module keeps verbatim copies of the etcd fixtures (it cannot see the server's tests). */
class TestkitCopiesTest {
    @Test
    void theAcceptanceCopiesOfTheEtcdFixturesMatchTheseOnes() throws Exception {
        Path server = Path.of("src/test/java/dev/vectorvault/testkit");
        Path acceptance = Path.of("../acceptance/src/test/java/dev/vectorvault/testkit");
        for (String name : List.of("EtcdCluster.java", "TcpRelay.java", "EtcdLink.java")) {
            List<String> copy = Files.readAllLines(acceptance.resolve(name));
            // The copy starts with two comment lines saying where it comes from.
            assertThat(copy.subList(2, copy.size())).as(name + " in acceptance")
                    .isEqualTo(Files.readAllLines(server.resolve(name)));
        }
    }
}
