package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportRootTest {
    @TempDir
    Path base;

    @Test
    void keysInsideTheRootResolveToTheirFiles() throws Exception {
        Path root = Files.createDirectories(base.resolve("root/sub"));
        Files.writeString(root.resolve("a.json"), "[]");
        Files.createSymbolicLink(base.resolve("root/alias.json"), root.resolve("a.json"));
        ImportRoot imports = new ImportRoot(base.resolve("root"));
        assertThat(imports.resolve("sub/a.json")).isEqualTo(root.resolve("a.json").toRealPath());
        assertThat(imports.resolve("./sub/./a.json")).isEqualTo(root.resolve("a.json").toRealPath());
        assertThat(imports.resolve("alias.json")).isEqualTo(root.resolve("a.json").toRealPath());
    }

    @Test
    void keysThatLeaveTheRootAreRefusedWhetherOrNotTheTargetExists() throws Exception {
        Files.createDirectories(base.resolve("root/sub"));
        Files.writeString(base.resolve("outside.json"), "[]");
        Files.createSymbolicLink(base.resolve("root/out.json"), base.resolve("outside.json"));
        Files.createSymbolicLink(base.resolve("root/up"), base);
        ImportRoot imports = new ImportRoot(base.resolve("root"));
        for (String key : new String[] {"../outside.json", "sub/../../outside.json", "../nothing.json",
                base.resolve("outside.json").toString(), "out.json", "up/outside.json", "", "sub"}) {
            assertThatThrownBy(() -> imports.resolve(key)).as(key).isInstanceOf(MilvusException.class);
        }
        assertThatThrownBy(() -> imports.resolve("up/outside.json")).hasMessageContaining("outside the import root");
    }
}
