package dev.vectorvault.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ValueCodecTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    /** Where the bytes under test "come from": a value that does not decode is corruption of that file. */
    private static final String FILE = "segments/7/3.seg";

    private static void namesTheFile(StorageException e) {
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_CORRUPT);
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.getMessage()).contains(FILE).contains("at offset");
    }

    @BeforeAll
    static void printSeed() {
        System.out.println("ValueCodecTest seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
    }

    @Test
    void everyValueTypeRoundTrips() {
        List<Object> values = Arrays.asList(null, true, false, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L,
                -64L, Long.MIN_VALUE, Long.MAX_VALUE, 1.5f, -0.0f, Float.NaN, Float.intBitsToFloat(0x7fc00001),
                Float.NEGATIVE_INFINITY, 2.25d, -0.0d, Double.NaN, Double.MAX_VALUE, "", "plain",
                "h\u00e9llo \u4e16\u754c \ud83d\ude00", new byte[0], new byte[] {0, -1, 127, -128}, new float[0],
                new float[] {1f, -2.5f, Float.MIN_VALUE, Float.NaN});
        for (Object value : values) {
            assertThat(canonical(ValueCodec.decode(FILE, ValueCodec.encode(value)))).as("round trip of %s", value)
                    .isEqualTo(canonical(value));
        }
    }

    @Test
    void nestedListsRoundTripWithTheirElementTypes() {
        List<Object> nested = Arrays.asList(1, 1L, "one", null, List.of(), List.of(List.of(List.of(2.0f))),
                Arrays.asList(new float[] {3f}, new byte[] {4}, null, true));
        Object decoded = ValueCodec.decode(FILE, ValueCodec.encode(nested));
        assertThat(canonical(decoded)).isEqualTo(canonical(nested));
        assertThat(((List<?>) decoded).get(0)).isInstanceOf(Integer.class);
        assertThat(((List<?>) decoded).get(1)).isInstanceOf(Long.class);
    }

    @Test
    void emptyAndHugeStringsRoundTrip() {
        StringBuilder huge = new StringBuilder();
        Random random = new Random(SEED);
        while (huge.length() < 1 << 20) {
            int codePoint = random.nextBoolean() ? 'a' + random.nextInt(26) : 0x80 + random.nextInt(0x10FF00);
            if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
                huge.appendCodePoint(codePoint);
            }
        }
        for (String value : List.of("", huge.toString())) {
            assertThat(ValueCodec.decode(FILE, ValueCodec.encode(value))).isEqualTo(value);
        }
    }

    @Test
    void vectorsAreWrittenAsOneLittleEndianBlock() {
        assertThat(ValueCodec.encode(new float[] {1.0f, -2.0f}))
                .containsExactly(ValueCodec.FLOAT_VECTOR, 2, 0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0);
    }

    @Test
    void smallNumbersTakeOneByteOfBody() {
        assertThat(ValueCodec.encode(-1)).hasSize(2);
        assertThat(ValueCodec.encode(63L)).hasSize(2);
        assertThat(ValueCodec.encode(Long.MIN_VALUE)).hasSize(11);
    }

    @Test
    void rawFramingReadsBackInWriteOrder() {
        byte[] bytes = new ValueWriter(0).writeInt(-7).writeLong(Long.MIN_VALUE).writeString("field \u00e9")
                .writeValue(List.of(1, "x")).writeInt(Integer.MAX_VALUE).toByteArray();
        ValueReader reader = new ValueReader(FILE, "test values", bytes);
        assertThat(reader.readInt()).isEqualTo(-7);
        assertThat(reader.readLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(reader.readString()).isEqualTo("field \u00e9");
        assertThat(reader.readValue()).isEqualTo(List.of(1, "x"));
        assertThat(reader.readInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(reader.hasRemaining()).isFalse();
    }

    @Test
    void readerHonoursItsWindowOfTheArray() {
        byte[] value = ValueCodec.encode("inside");
        byte[] padded = new byte[value.length + 6];
        System.arraycopy(value, 0, padded, 3, value.length);
        ValueReader reader = new ValueReader(FILE, "test values", padded, 3, value.length);
        assertThat(reader.readValue()).isEqualTo("inside");
        assertThat(reader.remaining()).isZero();
    }

    @Test
    void everyTruncationFailsCleanly() {
        byte[] full = ValueCodec.encode(Arrays.asList(1, -300L, 2.5f, 7.0d, "text", new byte[] {1, 2},
                new float[] {1, 2, 3}, List.of(List.of("deep")), null, true));
        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> ValueCodec.decode(FILE, prefix)).as("prefix of %d bytes", length)
                    .isInstanceOfSatisfying(StorageException.class, ValueCodecTest::namesTheFile);
        }
    }

    @Test
    void bogusLengthsFailBeforeAllocating() {
        byte[] maxVarint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        for (byte tag : new byte[] {ValueCodec.STRING, ValueCodec.BYTES, ValueCodec.FLOAT_VECTOR, ValueCodec.LIST}) {
            byte[] input = new byte[1 + maxVarint.length];
            input[0] = tag;
            System.arraycopy(maxVarint, 0, input, 1, maxVarint.length);
            assertThatThrownBy(() -> ValueCodec.decode(FILE, input)).as("tag %d", tag)
                    .isInstanceOfSatisfying(StorageException.class, ValueCodecTest::namesTheFile)
                .hasMessageContaining("only 0 remain");
        }
        byte[] overlongVarint = new byte[12];
        Arrays.fill(overlongVarint, (byte) 0xff);
        overlongVarint[0] = ValueCodec.LONG;
        assertThatThrownBy(() -> ValueCodec.decode(FILE, overlongVarint)).isInstanceOfSatisfying(StorageException.class,
                ValueCodecTest::namesTheFile)
                .hasMessageContaining("varint");
        byte[] intOutOfRange = new ValueWriter().writeValue(1L << 40).toByteArray();
        intOutOfRange[0] = ValueCodec.INT;
        assertThatThrownBy(() -> ValueCodec.decode(FILE, intOutOfRange)).isInstanceOfSatisfying(StorageException.class,
                ValueCodecTest::namesTheFile)
                .hasMessageContaining("out of int range");
    }

    @Test
    void deeplyNestedGarbageFailsWithoutOverflowingTheStack() {
        byte[] input = new byte[200_000];
        for (int i = 0; i < input.length; i += 2) {
            input[i] = ValueCodec.LIST;
            input[i + 1] = 1;
        }
        assertThatThrownBy(() -> ValueCodec.decode(FILE, input)).isInstanceOfSatisfying(StorageException.class,
                ValueCodecTest::namesTheFile)
                .hasMessageContaining("nested deeper than " + ValueCodec.MAX_DEPTH);
    }

    @Test
    void unknownTagsInvalidUtf8AndTrailingBytesAreRejected() {
        byte[] listWithUnknownTag = {ValueCodec.LIST, 2, ValueCodec.NULL, 42};
        assertThatThrownBy(() -> ValueCodec.decode(FILE, listWithUnknownTag))
                .isInstanceOfSatisfying(StorageException.class, ValueCodecTest::namesTheFile)
                .hasMessageContaining("at offset 3").hasMessageContaining("unknown value tag 42");
        assertThatThrownBy(() -> ValueCodec.decode(FILE, new byte[] {ValueCodec.STRING, 2, (byte) 0xc3, 0x28}))
                .isInstanceOfSatisfying(StorageException.class, ValueCodecTest::namesTheFile)
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> ValueCodec.decode(FILE, new byte[] {ValueCodec.NULL, 0}))
                .isInstanceOfSatisfying(StorageException.class, ValueCodecTest::namesTheFile)
                .hasMessageContaining("trailing");
    }

    @Test
    void writerRejectsWhatItCannotRoundTrip() {
        ValueWriter writer = new ValueWriter();
        assertThatThrownBy(() -> writer.writeValue(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> writer.writeValue((short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.writeValue("broken \ud800 surrogate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> writer.writeValue(cycle)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper");
    }

    /**
     * Strings are written as the JDK's checking UTF-8 encoder writes them (ASCII through the fast path, the rest
     * char by char: two-, three- and four-byte characters), and one with an unpaired surrogate is refused as that
     * encoder refuses it, wherever the surrogate is and whatever else is around it (a '?' of the text included).
     */
    @Test
    void stringsAreTheirUtf8AndUnpairedSurrogatesAreRefused() throws Exception {
        Random random = new Random(SEED);
        String[] pieces = {"a", "?", "~", "\u007f", "\u0080", "é", "\u07ff", "\u0800", "北", "\uffff", "😀",
                "\ud800", "\udfff"};
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            String main = pieces[random.nextInt(pieces.length)];
            for (int n = random.nextInt(40); n > 0; n--) {
                text.append(random.nextInt(8) == 0 ? pieces[random.nextInt(pieces.length)] : main);
            }
            String value = text.toString();
            byte[] expected;
            try {
                java.nio.ByteBuffer encoded = java.nio.charset.StandardCharsets.UTF_8.newEncoder()
                        .encode(java.nio.CharBuffer.wrap(value));
                expected = Arrays.copyOf(encoded.array(), encoded.limit());
            } catch (java.nio.charset.CharacterCodingException e) {
                assertThatThrownBy(() -> new ValueWriter().writeString(value)).as("seed %d: %s", SEED, value)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
                continue;
            }
            ByteArrayOutputStream lengthThenBytes = new ByteArrayOutputStream();
            for (long rest = expected.length; ; rest >>>= 7) { // the varint byte count
                if (rest < 0x80) {
                    lengthThenBytes.write((int) rest);
                    break;
                }
                lengthThenBytes.write((int) (rest & 0x7F) | 0x80);
            }
            lengthThenBytes.write(expected);
            assertThat(new ValueWriter().writeString(value).toByteArray()).as("seed %d: %s", SEED, value)
                    .isEqualTo(lengthThenBytes.toByteArray());
            assertThat(ValueCodec.decode(FILE, new ValueWriter().writeValue(value).toByteArray()))
                    .as("seed %d: %s", SEED, value).isEqualTo(value);
        }
    }

    @Test
    void randomValuesRoundTrip() {
        Random random = new Random(SEED);
        ValueWriter writer = new ValueWriter();
        List<Object> written = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Object value = randomValue(random, 0);
            written.add(value);
            writer.writeValue(value);
        }
        ValueReader reader = new ValueReader(FILE, "test values", writer.toByteArray());
        for (Object value : written) {
            assertThat(canonical(reader.readValue())).as("seed %d", SEED).isEqualTo(canonical(value));
        }
        assertThat(reader.hasRemaining()).isFalse();
    }

    @Test
    void randomGarbageOnlyEverFailsAsMalformed() {
        Random random = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(48)];
            random.nextBytes(garbage);
            if (garbage.length > 0) {
                garbage[0] = (byte) random.nextInt(12); // mostly valid tags, so decoding gets past the first byte
            }
            try {
                ValueCodec.decode(FILE, garbage);
            } catch (StorageException expected) {
                namesTheFile(expected); // the only acceptable failure
            }
        }
    }

    private static Object randomValue(Random random, int depth) {
        switch (random.nextInt(depth < 4 ? 11 : 10)) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return random.nextInt() >> random.nextInt(32);
            case 3:
                return random.nextLong() >> random.nextInt(64);
            case 4:
                return Float.intBitsToFloat(random.nextInt());
            case 5:
                return Double.longBitsToDouble(random.nextLong());
            case 6:
                return randomString(random);
            case 7:
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                return bytes;
            case 8:
                float[] vector = new float[random.nextInt(130)];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) random.nextGaussian();
                }
                return vector;
            case 9:
                return Collections.emptyList();
            default:
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
        }
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
            int codePoint = random.nextInt(4) == 0 ? 0x10000 + random.nextInt(0x100000) : random.nextInt(0xD800);
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    /** Comparable form: arrays become lists, floating-point values their raw bits, so NaN payloads count. */
    private static Object canonical(Object value) {
        if (value instanceof Float number) {
            return "float:" + Float.floatToRawIntBits(number);
        }
        if (value instanceof Double number) {
            return "double:" + Double.doubleToRawLongBits(number);
        }
        if (value instanceof byte[] bytes) {
            return "bytes:" + Arrays.toString(bytes);
        }
        if (value instanceof float[] vector) {
            int[] bits = new int[vector.length];
            for (int i = 0; i < vector.length; i++) {
                bits[i] = Float.floatToRawIntBits(vector[i]);
            }
            return "vector:" + Arrays.toString(bits);
        }
        if (value instanceof List<?> list) {
            List<Object> elements = new ArrayList<>();
            list.forEach(element -> elements.add(canonical(element)));
            return elements;
        }
        return value;
    }
}
