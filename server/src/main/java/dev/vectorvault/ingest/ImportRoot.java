package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The folder import files are read from: a file named in an import request is a key relative to it, as a Milvus
 * file is an object key in its bucket. This is a security boundary: a key that is absolute, climbs out with
 * {@code ..}, or reaches outside through a symbolic link is refused, so an import cannot read the server's own data
 * or any other file the process may open.
 */
public final class ImportRoot implements ImportFiles {
    private final Path root;

    public ImportRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path path() {
        return root;
    }

    /** The regular file a key names, checked to lie inside the root once every link is followed. */
    public Path resolve(String key) {
        ImportKeys.checkRelative(key);
        Path relative;
        try {
            relative = Path.of(key);
        } catch (RuntimeException e) {
            throw refused(key, "it is not a valid file name");
        }
        if (relative.isAbsolute()) {
            throw refused(key, "absolute paths are not allowed; name the file relative to the import root");
        }
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            throw refused(key, "it lies outside the import root");
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !Files.exists(candidate)) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file not found: " + key);
        }
        Path real;
        try {
            real = candidate.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw refused(key, "it resolves (through a link) outside the import root");
            }
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file not found: " + key);
        }
        if (!Files.isRegularFile(real)) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file is not a regular file: " + key);
        }
        return real;
    }

    @Override
    public long check(String key) {
        Path file = resolve(key);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "import file not found: " + key);
        }
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(resolve(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    private static MilvusException refused(String key, String why) {
        return ImportKeys.refused(key, why);
    }
}
