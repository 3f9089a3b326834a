package dev.vectorvault.fuzz;

import dev.vectorvault.storage.io.AppendableFile;
import dev.vectorvault.storage.io.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.TreeMap;

/**
 * The read side of a {@link FileStore} over a map of names to bytes, so that a fuzz target hands the real readers a
 * mutated file without a disk write (and its fsync) per input. Appendable files are not offered: readers never open
 * one.
 */
public final class FilesInMemory implements FileStore {
    private final TreeMap<String, byte[]> files = new TreeMap<>();

    /** A store holding just {@code name} with {@code bytes}. */
    public static FilesInMemory of(String name, byte[] bytes) {
        FilesInMemory store = new FilesInMemory();
        store.files.put(name, bytes);
        return store;
    }

    public FilesInMemory put(String name, byte[] bytes) {
        files.put(name, bytes);
        return this;
    }

    @Override
    public void write(String name, Contents contents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        contents.writeTo(out);
        files.put(name, out.toByteArray());
    }

    @Override
    public long size(String name) throws IOException {
        return file(name).length;
    }

    @Override
    public int read(String name, long position, ByteBuffer into) throws IOException {
        byte[] bytes = file(name);
        if (position >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(into.remaining(), bytes.length - position);
        into.put(bytes, (int) position, n);
        return n;
    }

    @Override
    public boolean exists(String name) {
        return files.containsKey(name);
    }

    @Override
    public List<String> list(String prefix) {
        return files.keySet().stream().filter(name -> name.startsWith(prefix)).toList();
    }

    @Override
    public void delete(String name) {
        files.remove(name);
    }

    @Override
    public String describe(String name) {
        return "memory:" + name;
    }

    @Override
    public AppendableFile openAppendable(String name) throws IOException {
        throw new IOException("appendable files are not offered by " + getClass().getSimpleName());
    }

    @Override
    public void syncFolder(String prefix) {
    }

    @Override
    public long usableSpace() {
        return Long.MAX_VALUE; // memory, not a disk
    }

    private byte[] file(String name) throws NoSuchFileException {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new NoSuchFileException(name);
        }
        return bytes;
    }
}
