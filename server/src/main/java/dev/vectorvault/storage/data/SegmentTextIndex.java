package dev.vectorvault.storage.data;

import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.index.FramedIndexFile;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.text.TextAnalyzer;
import dev.vectorvault.text.TextMatchIndex;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;

/**
 * The {@code text_match} / {@code phrase_match} term index of one sealed segment's text field (Milvus builds its
 * match index when a segment seals and loads it with the segment): built once from the rows, kept in
 * {@code <segment>.<field>.text_match-v1.idx}, loaded from there after a restart and rebuilt when that file is
 * missing, damaged or made with another analyzer. Until it is ready, filters analyse the segment's rows.
 *
 * <h2>File format, version {@value #FILE_VERSION}</h2>
 * The common {@link Frame} (format name {@value #FORMAT}, CRC32C of header and body) around the body
 * {@link TextMatchIndex#writeTo} writes (its version 1).
 */
final class SegmentTextIndex extends SegmentFieldIndex<List<Object>, TextMatchIndex> {
    static final int FILE_VERSION = 1;
    static final String FORMAT = "vectorvault-text-match-index";

    final TextMatchSpec spec;

    SegmentTextIndex(TextMatchSpec spec, long segmentId, int field, int rows) {
        super(segmentId, field, rows);
        this.spec = spec;
    }

    @Override
    TextMatchIndex build(List<Object> values) {
        return TextMatchIndex.build(TextAnalyzer.fromParams(spec.analyzerParams()), values.size(), values::get);
    }

    @Override
    void write(TextMatchIndex built, ObjectStore store, String file) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
            DataOutputStream out = new DataOutputStream(bytes);
            built.writeTo(out, spec.analyzerKey());
            out.flush();
            store.write(file, Frame.frame(FORMAT, FILE_VERSION, bytes.toByteArray()));
        } catch (IOException e) {
            throw StorageException.io("write text match index file", store.describe(file), e);
        }
    }

    @Override
    TextMatchIndex read(ObjectStore store, String file, List<Object> values) {
        return read(store, file, rows, spec);
    }

    /**
     * Reads a match index file written for a segment of {@code rows} rows with {@code spec}'s analyzer.
     *
     * @throws CorruptIndexException when damaged, truncated, of an unknown version, or built over other rows or with
     *                               another analyzer; rebuild then
     * @throws StorageException      when it cannot be read at all (STORAGE_NOT_FOUND when it does not exist)
     */
    static TextMatchIndex read(ObjectStore store, String file, int rows, TextMatchSpec spec) {
        String described = store.describe(file);
        Frame.Body body = FramedIndexFile.read(store, file, FORMAT, FILE_VERSION, "text match index file");
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.bytes()));
            TextMatchIndex index = TextMatchIndex.readFrom(in, described, rows, spec.analyzerKey());
            if (in.read() >= 0) {
                throw new CorruptIndexException(described, "body does not end where the footer starts");
            }
            return index;
        } catch (EOFException e) {
            throw new CorruptIndexException(described, "truncated: body runs past its end");
        } catch (IOException e) {
            throw StorageException.io("read text match index file", described, e);
        }
    }

    @Override
    String event() {
        return "text_match_index";
    }

    @Override
    String definition() {
        return spec.analyzerParams() == null ? "analyzer=standard" : "analyzer=custom";
    }

    @Override
    String describe(TextMatchIndex built) {
        return "terms=" + built.termCount();
    }

    @Override
    boolean heldBy(Segment segment) {
        return segment.textIndex(field) == this;
    }
}
