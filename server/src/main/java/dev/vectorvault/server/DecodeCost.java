package dev.vectorvault.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * An upper estimate of the heap a serialized request takes once parsed, read from its bytes without building
 * anything. Wire size alone says little: a string of one character is 3 bytes on the wire and about 50 bytes on the
 * heap (String, its array, a list slot), so 64 MiB of one-character {@code output_fields} parse into more than 1 GiB.
 * The walk follows the message's descriptor and charges each value what protobuf-java allocates for it.
 */
final class DecodeCost {
    /** A parsed message object with its fields, memoized sizes and unknown-field set. */
    static final long MESSAGE = 64;
    /** A String: the object, its backing array's header, a list slot; characters may take two bytes each. */
    static final long STRING = 56;
    /** A ByteString copy: object, array header, list slot. */
    static final long BYTES = 48;
    /** A repeated scalar element not packed: a slot in a primitive list, rounded up. */
    static final long SCALAR = 8;
    /** protobuf-java's own nesting limit; deeper messages fail to parse anyway. */
    private static final int MAX_DEPTH = 100;

    private DecodeCost() {}

    /** Estimated heap bytes for {@code bytes} parsed as {@code type}, the input array itself not included. */
    static long of(Descriptor type, byte[] bytes) throws InvalidProtocolBufferException {
        try {
            return message(type, CodedInputStream.newInstance(bytes), 0);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    /** The same for a stream positioned at the message; reads it to the end. */
    static long of(Descriptor type, java.io.InputStream stream) throws InvalidProtocolBufferException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(stream);
            in.setSizeLimit(Integer.MAX_VALUE);
            return message(type, in, 0);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    private static long message(Descriptor type, CodedInputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new InvalidProtocolBufferException("message nested deeper than " + MAX_DEPTH + " levels");
        }
        long cost = MESSAGE;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return cost;
            }
            FieldDescriptor field = type == null ? null : type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            switch (WireFormat.getTagWireType(tag)) {
                case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    int length = in.readRawVarint32();
                    if (length < 0) {
                        throw new InvalidProtocolBufferException("negative length");
                    }
                    cost += lengthDelimited(field, in, length, depth);
                }
                case WireFormat.WIRETYPE_START_GROUP -> {
                    in.skipField(tag);
                    cost += MESSAGE;
                }
                default -> {
                    in.skipField(tag);
                    cost += field != null && !field.isRepeated() ? 0 : SCALAR;
                }
            }
        }
    }

    private static long lengthDelimited(FieldDescriptor field, CodedInputStream in, int length, int depth)
            throws IOException {
        if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            int limit = in.pushLimit(length);
            long cost = SCALAR + message(field.getMessageType(), in, depth + 1);
            in.popLimit(limit);
            return cost;
        }
        in.skipRawBytes(length);
        if (field == null) {
            return BYTES + length; // kept as an unknown field
        }
        return switch (field.getJavaType()) {
            case STRING -> STRING + 2L * length;
            case BYTE_STRING -> BYTES + length;
            // A packed run of numbers: a varint may be one byte on the wire and eight in the list.
            case INT, LONG, BOOLEAN, ENUM -> SCALAR * (long) length;
            default -> 2L * length;
        };
    }
}
