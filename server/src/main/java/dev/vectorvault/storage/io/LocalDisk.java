package dev.vectorvault.storage.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link FileStore} on a local folder. Names map to paths under the root; folders are created on demand.
 *
 * <ul>
 * <li>{@link #write} is the one atomic-replace sequence of the engine: write {@code <name>.tmp}, force it, rename it
 * over the name, force the folder (without the last step the rename may not survive power loss, etcd #6368).</li>
 * <li>{@link #delete} forces the folder too. A folder created here is forced into its parent.</li>
 * <li>Folders are created {@code 0700} and files {@code 0600} (owner only) where the file system has POSIX
 * permissions: the data holds password hashes and every vector.</li>
 * </ul>
 */
public final class LocalDisk implements FileStore {
    /** Suffix of a write in progress; a crash may leave one behind, {@link #deleteTemporaryFiles} removes them. */
    public static final String TEMP_SUFFIX = ".tmp";
    static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path root;
    private final boolean posix;

    private LocalDisk(Path root, boolean posix) {
        this.root = root;
        this.posix = posix;
    }

    /** Opens {@code root}, creating it (and missing parents) owner-only. */
    public static LocalDisk open(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
        LocalDisk disk = new LocalDisk(absolute, posix);
        disk.createFolder(absolute);
        return disk;
    }

    public Path root() {
        return root;
    }

    /** The path of a name. */
    public Path path(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.equals("..")
                || name.startsWith("../") || name.contains("/../") || name.endsWith("/..")) {
            throw new IllegalArgumentException("not a relative object name: '" + name + "'");
        }
        return root.resolve(name);
    }

    @Override
    public String describe(String name) {
        return path(name).toString();
    }

    @Override
    public void write(String name, Contents contents) throws IOException {
        Path target = path(name);
        createFolder(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        // A FileChannel closes itself when its thread is interrupted; an unrelated interrupt (a log appender's, an
        // executor shutting down) must not fail a durable write. Hidden for the write, restored after.
        boolean interrupted = Thread.interrupted();
        try {
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), fileAttributes())) {
                // Not closed through the stream: the channel must be forced before it is closed.
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                contents.writeTo(new NonClosingOutputStream(out));
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        forceFolder(target.getParent());
    }

    @Override
    public long size(String name) throws IOException {
        return Files.size(path(name));
    }

    @Override
    public int read(String name, long position, ByteBuffer into) throws IOException {
        try (FileChannel channel = FileChannel.open(path(name), StandardOpenOption.READ)) {
            return channel.read(into, position);
        }
    }

    @Override
    public ReadHandle openReader(String name) throws IOException {
        return new LocalReadHandle(path(name));
    }

    @Override
    public byte[] readAll(String name) throws IOException {
        Path file = path(name);
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException(file + " of " + size + " bytes is too large to read at once");
        }
        return Files.readAllBytes(file);
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(path(name));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : path(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        Files.walkFileTree(start, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file,
                                                           java.nio.file.attribute.BasicFileAttributes attributes) {
                String name = root.relativize(file).toString().replace('\\', '/');
                if (attributes.isRegularFile() && name.startsWith(prefix)) {
                    names.add(name);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            /**
             * A file renamed or deleted between reading its folder and looking at it (an index build's temporary file
             * becoming the index file while a cleanup lists) is simply not listed: it is not there any more.
             */
            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name) throws IOException {
        Path file = path(name);
        if (Files.deleteIfExists(file)) {
            forceFolder(file.getParent());
        }
    }

    @Override
    public AppendableFile openAppendable(String name) throws IOException {
        Path file = path(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return new LocalAppendableFile(new RandomAccessFile(file.toFile(), "rw"));
    }

    @Override
    public void syncFolder(String prefix) throws IOException {
        Path folder = prefix.isEmpty() ? root : path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1)
                : prefix);
        if (Files.isDirectory(folder)) {
            forceFolder(folder);
        }
    }

    @Override
    public long usableSpace() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    /** Deletes the leftovers of writes that a crash interrupted, under {@code prefix}. Call before writing. */
    public static void deleteTemporaryFiles(ObjectStore store, String prefix) throws IOException {
        for (String name : store.list(prefix)) {
            if (name.endsWith(TEMP_SUFFIX)) {
                store.delete(name);
            }
        }
    }

    /**
     * Paths under {@code root} (and {@code root} itself) that group or others may read, write or enter, at most
     * {@code limit} of them; empty where the file system has no POSIX permissions or {@code root} does not exist.
     * The server warns about each at start-up: the data holds password hashes and every vector.
     */
    public static List<Path> loosePermissions(Path root, int limit) throws IOException {
        if (!Files.exists(root) || !root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return List.of();
        }
        List<Path> loose = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (loose.size() >= limit) {
                    break;
                }
                if (!Files.isSymbolicLink(path) && isLoose(Files.getPosixFilePermissions(path))) {
                    loose.add(path);
                }
            }
        }
        return loose;
    }

    private static boolean isLoose(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission permission : permissions) {
            switch (permission) {
                case OWNER_READ, OWNER_WRITE, OWNER_EXECUTE -> { }
                default -> {
                    return true;
                }
            }
        }
        return false;
    }

    /** Makes an existing file owner-only (for files created by libraries, such as H2's metadata file). */
    public static void restrictToOwner(Path file) throws IOException {
        if (Files.exists(file) && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, Files.isDirectory(file) ? FOLDER_PERMISSIONS : FILE_PERMISSIONS);
        }
    }

    private FileAttribute<?>[] fileAttributes() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)}
                : new FileAttribute<?>[0];
    }

    private void createFolder(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        createFolder(folder.getParent());
        try {
            if (posix) {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER_PERMISSIONS));
            } else {
                Files.createDirectory(folder);
            }
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(folder)) {
                return; // created meanwhile by another writer
            }
            throw e;
        }
        forceFolder(folder.getParent());
    }

    /** Forces a folder's entries (creations, renames, deletions) to disk. */
    static void forceFolder(Path folder) throws IOException {
        // A FileChannel closes itself when the thread is interrupted; hide a pending interrupt for this call so an
        // unrelated interrupt cannot turn into a failed (and therefore fatal) force.
        boolean interrupted = Thread.interrupted();
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One {@link FileChannel} shared by every reader: its positional reads are thread-safe and do not move a shared
     * position. A FileChannel closes itself when a thread blocked in it is interrupted (every other reader then fails
     * with {@link java.nio.channels.AsynchronousCloseException}); a pending interrupt is hidden for the read, and a
     * channel closed that way is opened again and the read retried, so one interrupted search cannot fail the
     * others. Opening again needs the name: a file deleted meanwhile then fails with {@link NoSuchFileException}.
     */
    private static final class LocalReadHandle implements ReadHandle {
        private final Path file;
        private volatile FileChannel channel;
        private volatile boolean closed;

        LocalReadHandle(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public int read(long position, ByteBuffer into) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                while (true) {
                    FileChannel current = channel;
                    try {
                        return current.read(into, position);
                    } catch (java.nio.channels.ClosedChannelException e) {
                        if (closed) {
                            throw e;
                        }
                        interrupted |= Thread.interrupted(); // else the retry closes the new channel at once
                        reopen(current);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private synchronized void reopen(FileChannel failed) throws IOException {
            if (channel == failed && !closed) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            channel.close();
        }
    }

    /**
     * On RandomAccessFile, not FileChannel: its writes and {@code FileDescriptor.sync} are not interruptible, so one
     * interrupted caller cannot close the log under every other appender. {@link #force} may run while another
     * thread appends (the log's group commit forces outside its lock); the other methods are serialised.
     */
    private static final class LocalAppendableFile implements AppendableFile {
        private final RandomAccessFile file;

        LocalAppendableFile(RandomAccessFile file) {
            this.file = file;
        }

        @Override
        public synchronized long size() throws IOException {
            return file.length();
        }

        @Override
        public synchronized void append(ByteBuffer bytes) throws IOException {
            file.seek(file.length());
            if (bytes.hasArray()) {
                file.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                file.write(copy);
            }
        }

        @Override
        public void force() throws IOException {
            file.getFD().sync();
        }

        @Override
        public synchronized void truncate(long size) throws IOException {
            file.setLength(size);
        }

        @Override
        public synchronized int read(long position, ByteBuffer into) throws IOException {
            if (position >= file.length()) {
                return -1;
            }
            file.seek(position);
            int n = file.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
            if (n > 0) {
                into.position(into.position() + n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Keeps a body writer from closing the channel before it is forced. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
