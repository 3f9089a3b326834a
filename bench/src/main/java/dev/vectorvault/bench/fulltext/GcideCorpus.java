package dev.vectorvault.bench.fulltext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The GNU Collaborative International Dictionary of English as Debian's {@code dict-gcide} package ships it for dictd:
 * {@code gcide.index} (headword, offset and length of the entry, both in dictd's base 64) and {@code gcide.dict.dz}
 * (dictzip, which reads as plain gzip). One document per distinct entry text; the database's own "00-database-*"
 * entries are left out, and so is any entry longer than a VarChar holds.
 */
record GcideCorpus(List<String> documents, int skippedTooLong) {
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final Pattern WORD = Pattern.compile("[A-Za-z]{3,}");

    static GcideCorpus read(Path dictdFolder, int maxBytes) throws IOException {
        byte[] dict;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dictdFolder.resolve("gcide.dict.dz")), 1 << 16)) {
            dict = in.readAllBytes();
        }
        TreeMap<Long, Integer> entries = new TreeMap<>(); // offset -> length, in file order, each text once
        for (String line : Files.readAllLines(dictdFolder.resolve("gcide.index"), StandardCharsets.UTF_8)) {
            String[] parts = line.split("\t");
            if (parts.length < 3 || parts[0].startsWith("00-database") || parts[0].startsWith("00database")) {
                continue;
            }
            entries.put(decode(parts[1]), (int) decode(parts[2]));
        }
        List<String> docs = new ArrayList<>(entries.size());
        int tooLong = 0;
        for (var e : entries.entrySet()) {
            int offset = (int) (long) e.getKey();
            int length = Math.min(e.getValue(), dict.length - offset);
            if (length > maxBytes) {
                tooLong++;
                continue;
            }
            docs.add(new String(dict, offset, length, StandardCharsets.UTF_8));
        }
        return new GcideCorpus(List.copyOf(docs), tooLong);
    }

    /** dictd's base-64 numbers: most significant digit first. */
    private static long decode(String digits) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = BASE64.indexOf(digits.charAt(i));
            if (d < 0) {
                throw new IllegalArgumentException("not a dictd base-64 number: " + digits);
            }
            value = value * 64 + d;
        }
        return value;
    }

    /** The first {@code limit} documents, or all of them when {@code limit} is 0 or covers them. */
    List<String> documents(int limit) {
        return limit > 0 && limit < documents.size() ? documents.subList(0, limit) : documents;
    }

    /**
     * {@code count} queries of 1 to 4 words (3 letters or more) drawn from random entries, so that every query has
     * matches and mixes common words with rare ones as a reader's lookups would. Deterministic for a seed.
     */
    List<String> queries(int count, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            Matcher m = WORD.matcher(documents.get(random.nextInt(documents.size())));
            List<String> words = new ArrayList<>();
            while (m.find()) {
                words.add(m.group());
            }
            if (words.isEmpty()) {
                continue;
            }
            int n = 1 + random.nextInt(4);
            StringBuilder q = new StringBuilder();
            for (int i = 0; i < n; i++) {
                q.append(i == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
            }
            out.add(q.toString());
        }
        return out;
    }
}
