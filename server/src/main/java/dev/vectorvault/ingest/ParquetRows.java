package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetMetricsCallback;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * One Parquet file read row by row, one row group in memory at a time, each column's values in the Arrow type Milvus's
 * Parquet reader sees ({@link Kind}): integers as {@link Long}, {@code float} as {@link Float}, {@code double} as
 * {@link Double}, strings (UTF-8 checked) as {@link String}, plain binary as {@code byte[]}, lists as {@link List}
 * (also a bare repeated field, and both the three-level and the legacy two-level list layouts), structs as a
 * {@link Map} of member name to value; a missing value is {@code null}. Types an import cannot mean (decimals,
 * timestamps, maps, ...) and codecs other than those of {@link ParquetCodecs} are refused when the file is opened;
 * anything the file's bytes do not decode to fails with {@link ErrorCode#IMPORT_FAILED}, never half read.
 */
public final class ParquetRows implements AutoCloseable {
    /** The Arrow types a column may read as. */
    public enum Kind { BOOL, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, FLOAT, DOUBLE, STRING, BINARY,
        NULL, LIST, STRUCT }

    /** A column, a list's element (its only child) or a struct's member (its children), and its type. */
    public record Column(String name, Kind kind, List<Column> children) {
        public Column element() {
            return children.get(0);
        }

        /** The type as Arrow prints it ({@code list<float>}), for messages. */
        public String typeName() {
            return switch (kind) {
                case LIST -> "list<" + element().typeName() + ">";
                case STRUCT -> children.stream().map(c -> c.name() + ": " + c.typeName())
                        .collect(Collectors.joining(", ", "struct<", ">"));
                default -> kind.name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    /** Reads one value of a field of a record (null when the record has none). */
    private interface Decoder {
        Object read(Group parent, int field);
    }

    private final String file;
    private final ParquetFileReader reader;
    private final MessageType schema;
    private final MessageColumnIO columnIO;
    private final List<Column> columns = new ArrayList<>();
    private final List<Decoder> decoders = new ArrayList<>();
    private RecordReader<Group> records;
    private long leftInGroup;
    private long rowsRead;

    /**
     * Opens {@code path} (named {@code file} in messages) and reads its footer and schema. A row group is read into
     * memory whole (its compressed pages), so one larger than {@code maxRowGroupBytes} is refused before any is read.
     */
    public ParquetRows(Path path, String file, long maxRowGroupBytes) {
        this.file = file;
        ParquetFileReader opened = null;
        try {
            ParquetCodecs codecs = new ParquetCodecs();
            opened = ParquetFileReader.open(new LocalInputFile(path), readOptions(codecs));
            this.reader = opened;
            this.schema = opened.getFooter().getFileMetaData().getSchema();
            long largestChunk = 0;
            for (BlockMetaData group : opened.getRowGroups()) {
                long groupBytes = 0;
                for (ColumnChunkMetaData chunk : group.getColumns()) {
                    groupBytes += chunk.getTotalSize();
                }
                if (groupBytes > maxRowGroupBytes) {
                    throw failed("row group " + group.getOrdinal() + " takes " + groupBytes + " bytes, above the "
                            + maxRowGroupBytes + " a row group may take (dataNode.import.maxParquetRowGroupSizeInMB):"
                            + " a whole row group is read into memory, so write the file with smaller row groups");
                }
                for (ColumnChunkMetaData chunk : group.getColumns()) {
                    largestChunk = Math.max(largestChunk, chunk.getTotalUncompressedSize());
                    if (!ParquetCodecs.SUPPORTED.contains(chunk.getCodec())) {
                        throw failed("column " + chunk.getPath() + " is compressed with " + chunk.getCodec()
                                + ", which this server cannot read (supported: " + ParquetCodecs.SUPPORTED + ")");
                    }
                }
            }
            codecs.limitPagesTo(largestChunk);
            for (Type field : schema.getFields()) {
                columns.add(column(field, field.getName()));
                decoders.add(decoder(field));
            }
            this.columnIO = new ColumnIOFactory().getColumnIO(schema);
        } catch (MilvusException e) {
            closeQuietly(opened);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened);
            throw unreadable(e);
        }
    }

    /**
     * ParquetReadOptions's constructor, package-private: its builder asks Hadoop for a default codec factory and a
     * record filter even when both are given, which would need hadoop-common and hadoop-mapreduce at run time for
     * nothing. The parameter order is parquet-java 1.17's (checked by every Parquet test).
     */
    private static final Constructor<ParquetReadOptions> READ_OPTIONS;

    static {
        try {
            READ_OPTIONS = ParquetReadOptions.class.getDeclaredConstructor(boolean.class, boolean.class,
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, FilterCompat.Filter.class, ParquetMetadataConverter.MetadataFilter.class,
                    CompressionCodecFactory.class, ByteBufferAllocator.class, int.class, Map.class,
                    FileDecryptionProperties.class, ParquetMetricsCallback.class, ParquetConfiguration.class);
            READ_OPTIONS.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError("parquet-java's ParquetReadOptions changed: " + e);
        }
    }

    /** No filters, pages' CRCs checked where the writer wrote them, {@code codecs} for every page. */
    private static ParquetReadOptions readOptions(ParquetCodecs codecs) {
        try {
            return READ_OPTIONS.newInstance(false, false, false, false, false, true, false, false, false,
                    FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, codecs, new HeapByteBufferAllocator(),
                    8 << 20, new HashMap<String, String>(), null, null, new PlainParquetConfiguration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make parquet-java's read options", e);
        }
    }

    /** The file's top-level columns, in file order. */
    public List<Column> columns() {
        return columns;
    }

    public long rowsRead() {
        return rowsRead;
    }

    /** The next rows, one value per column each, about {@code batchBytes} of values; empty once all are read. */
    public List<Object[]> next(long batchBytes) {
        List<Object[]> rows = new ArrayList<>();
        long bytes = 0;
        try {
            while (bytes < batchBytes) {
                if (leftInGroup == 0 && !nextRowGroup()) {
                    break;
                }
                Group record = records.read();
                leftInGroup--;
                Object[] row = new Object[decoders.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = decoders.get(i).read(record, i);
                    bytes += size(row[i]);
                }
                rows.add(row);
                rowsRead++;
            }
        } catch (MilvusException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
        return rows;
    }

    private boolean nextRowGroup() throws IOException {
        while (true) {
            PageReadStore pages = reader.readNextRowGroup();
            if (pages == null) {
                return false;
            }
            if (pages.getRowCount() > 0) {
                records = columnIO.getRecordReader(pages, new GroupRecordConverter(schema));
                leftInGroup = pages.getRowCount();
                return true;
            }
        }
    }

    private static long size(Object value) {
        if (value instanceof String s) {
            return 16 + s.length();
        } else if (value instanceof byte[] b) {
            return 16 + b.length;
        } else if (value instanceof List<?> list) {
            long sum = 16;
            for (Object element : list) {
                sum += size(element);
            }
            return sum;
        } else if (value instanceof Map<?, ?> map) {
            long sum = 16;
            for (Object member : map.values()) {
                sum += size(member);
            }
            return sum;
        }
        return 8;
    }

    // ------------------------------------------------------------------ types

    private Column column(Type type, String path) {
        if (type.isPrimitive()) {
            Column value = new Column(type.getName(), primitiveKind(type.asPrimitiveType(), path), List.of());
            return type.isRepetition(Type.Repetition.REPEATED) ? list(type.getName(), value) : value;
        }
        GroupType group = type.asGroupType();
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && group.getFieldCount() == 1
                && group.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            Type element = listElement(group);
            Column value;
            if (element.isPrimitive()) {
                value = new Column(element.getName(), primitiveKind(element.asPrimitiveType(), path), List.of());
            } else if (element.isRepetition(Type.Repetition.REPEATED)) {
                value = struct(element.asGroupType(), path); // two levels: the repeated group is the element
            } else {
                value = column(element, path);
            }
            return list(type.getName(), value);
        }
        if (logical != null || group.isRepetition(Type.Repetition.REPEATED)) {
            throw failed("column " + path + " is a " + (logical != null ? logical + " group" : "repeated group")
                    + ", which Milvus import does not read");
        }
        return struct(group, path);
    }

    private Column struct(GroupType group, String path) {
        List<Column> members = new ArrayList<>();
        for (Type member : group.getFields()) {
            if (!member.isPrimitive() && member.isRepetition(Type.Repetition.REPEATED)) {
                throw failed("column " + path + "." + member.getName() + " is a repeated group, which Milvus import"
                        + " does not read");
            }
            members.add(column(member, path + "." + member.getName()));
        }
        return new Column(group.getName(), Kind.STRUCT, members);
    }

    private static Column list(String name, Column element) {
        return new Column(name, Kind.LIST, List.of(element));
    }

    /**
     * A LIST group's element: the repeated group's only field (three levels), or the repeated field itself (the
     * legacy two levels: a repeated primitive, or a repeated group of several fields).
     */
    private static Type listElement(GroupType list) {
        Type repeated = list.getType(0);
        return repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1 ? repeated
                : repeated.asGroupType().getType(0);
    }

    private Kind primitiveKind(PrimitiveType type, String path) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        Kind kind = null;
        if (logical instanceof LogicalTypeAnnotation.UnknownLogicalTypeAnnotation) {
            kind = Kind.NULL; // pyarrow's null type: a column of nothing but nulls
        } else {
            switch (type.getPrimitiveTypeName()) {
                case BOOLEAN -> kind = logical == null ? Kind.BOOL : null;
                case INT32, INT64 -> kind = integerKind(type, logical);
                case FLOAT -> kind = logical == null ? Kind.FLOAT : null;
                case DOUBLE -> kind = logical == null ? Kind.DOUBLE : null;
                case BINARY -> {
                    if (logical == null) {
                        kind = Kind.BINARY;
                    } else if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
                        kind = Kind.STRING;
                    }
                }
                default -> { }
            }
        }
        if (kind == null) {
            throw failed("column " + path + " has Parquet type " + type.getPrimitiveTypeName()
                    + (logical != null ? " (" + logical + ")" : "") + ", which Milvus import does not read");
        }
        return kind;
    }

    private static Kind integerKind(PrimitiveType type, LogicalTypeAnnotation logical) {
        boolean int64 = type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64;
        if (logical == null) {
            return int64 ? Kind.INT64 : Kind.INT32;
        }
        if (!(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation ints)) {
            return null; // dates, times, decimals
        }
        return switch (ints.getBitWidth()) {
            case 8 -> ints.isSigned() ? Kind.INT8 : Kind.UINT8;
            case 16 -> ints.isSigned() ? Kind.INT16 : Kind.UINT16;
            case 32 -> ints.isSigned() ? Kind.INT32 : Kind.UINT32;
            default -> ints.isSigned() ? Kind.INT64 : Kind.UINT64;
        };
    }

    // ------------------------------------------------------------------ values

    private Decoder decoder(Type type) {
        if (type.isPrimitive()) {
            Kind kind = primitiveKind(type.asPrimitiveType(), type.getName());
            if (type.isRepetition(Type.Repetition.REPEATED)) {
                return (g, f) -> {
                    List<Object> values = new ArrayList<>();
                    for (int j = 0; j < g.getFieldRepetitionCount(f); j++) {
                        values.add(primitive(kind, g, f, j));
                    }
                    return values;
                };
            }
            return (g, f) -> g.getFieldRepetitionCount(f) == 0 ? null : primitive(kind, g, f, 0);
        }
        GroupType group = type.asGroupType();
        if (group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            Type repeated = group.getType(0);
            boolean threeLevels = listElement(group) != repeated;
            Decoder element = threeLevels ? decoder(listElement(group)) : null;
            StructDecoder twoLevels = repeated.isPrimitive() ? null : structDecoder(repeated.asGroupType());
            Kind primitive = repeated.isPrimitive() ? primitiveKind(repeated.asPrimitiveType(), type.getName()) : null;
            return (g, f) -> {
                if (g.getFieldRepetitionCount(f) == 0) {
                    return null;
                }
                Group list = g.getGroup(f, 0);
                List<Object> values = new ArrayList<>();
                for (int j = 0; j < list.getFieldRepetitionCount(0); j++) {
                    if (threeLevels) {
                        values.add(element.read(list.getGroup(0, j), 0));
                    } else if (primitive != null) {
                        values.add(primitive(primitive, list, 0, j));
                    } else {
                        values.add(twoLevels.read(list, 0, j));
                    }
                }
                return values;
            };
        }
        StructDecoder struct = structDecoder(group);
        return (g, f) -> g.getFieldRepetitionCount(f) == 0 ? null : struct.read(g, f, 0);
    }

    private interface StructDecoder {
        Map<String, Object> read(Group parent, int field, int index);
    }

    private StructDecoder structDecoder(GroupType group) {
        List<Decoder> members = new ArrayList<>();
        group.getFields().forEach(member -> members.add(decoder(member)));
        return (g, f, j) -> {
            Group value = g.getGroup(f, j);
            Map<String, Object> out = new LinkedHashMap<>();
            for (int m = 0; m < members.size(); m++) {
                out.put(group.getFieldName(m), members.get(m).read(value, m));
            }
            return out;
        };
    }

    private Object primitive(Kind kind, Group g, int f, int j) {
        return switch (kind) {
            case BOOL -> g.getBoolean(f, j);
            case INT8, INT16, INT32, UINT8, UINT16 -> (long) g.getInteger(f, j);
            case UINT32 -> Integer.toUnsignedLong(g.getInteger(f, j));
            case INT64, UINT64 -> g.getLong(f, j);
            case FLOAT -> g.getFloat(f, j);
            case DOUBLE -> g.getDouble(f, j);
            case STRING -> utf8(g.getBinary(f, j).toByteBuffer());
            case BINARY -> g.getBinary(f, j).getBytes();
            default -> null;
        };
    }

    /** Milvus refuses strings that are not valid UTF-8; decoding would silently replace the bad bytes. */
    private String utf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw failed("row " + (rowsRead + 1) + " holds a string that is not valid UTF-8");
        }
    }

    // ------------------------------------------------------------------ failures

    private MilvusException failed(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "file " + file + ": " + why);
    }

    private MilvusException unreadable(Exception e) {
        return failed("not a readable Parquet file (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage()) + ")");
    }

    private static void closeQuietly(ParquetFileReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(reader);
    }
}
