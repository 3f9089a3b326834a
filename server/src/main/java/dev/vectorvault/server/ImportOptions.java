package dev.vectorvault.server;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an import request may ask for beyond its files. Options that would change what is imported and are not
 * implemented here (a backup's binlogs, L0 deletes, time ranges) are refused by name rather than
 * ignored; so are file types this server cannot read.
 */
final class ImportOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private ImportOptions() {}

    /** CSV's options: the separator ({@code sep}, default {@code ,}) and the text of a null cell ({@code nullkey}). */
    record Csv(char separator, String nullKey) {
        static final Csv DEFAULT = new Csv(',', "");
    }

    /** What the options ask for: Milvus's {@code timeout} in ms (0 = none) and the CSV settings. */
    record Parsed(long timeoutMs, Csv csv) {}

    /**
     * Milvus's {@code timeout} ({@code 300s}, {@code 5m}, {@code 1h}, plain seconds), {@code sep} and
     * {@code nullkey}; {@code backup}/{@code l0_import} only when false; anything else is refused.
     */
    static Parsed parse(Map<String, String> options) {
        long timeout = 0;
        char separator = Csv.DEFAULT.separator();
        String nullKey = Csv.DEFAULT.nullKey();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String key = option.getKey().toLowerCase(Locale.ROOT);
            String value = option.getValue() == null ? "" : option.getValue().trim();
            switch (key) {
                case "timeout" -> timeout = duration(value);
                case "sep" -> separator = separator(option.getValue());
                case "nullkey" -> nullKey = option.getValue() == null ? "" : option.getValue();
                case "backup", "l0_import" -> {
                    if (value.equalsIgnoreCase("true")) {
                        throw refused("option " + option.getKey() + "=true (binlog import from a backup) is not"
                                + " supported; import JSON, NumPy, CSV or Parquet files");
                    }
                }
                default -> throw refused("import option '" + option.getKey() + "' is not supported here (supported:"
                        + " timeout, sep, nullkey)");
            }
        }
        return new Parsed(timeout, new Csv(separator, nullKey));
    }

    private static char separator(String value) {
        if (value == null || value.length() != 1 || "\"\r\n".indexOf(value.charAt(0)) >= 0) {
            throw refused("invalid import option sep='" + value + "': one character, not a quote or a line break");
        }
        return value.charAt(0);
    }

    private static long duration(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw refused("invalid import option timeout='" + value + "', expected e.g. 300s, 5m or 1h");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double scale = switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000;
        };
        return (long) Math.min(Long.MAX_VALUE / 2.0, amount * scale);
    }

    /**
     * One group's files must be of one type, as in Milvus: one {@code .json}, {@code .csv} or {@code .parquet} file,
     * or {@code .npy} files (one per field).
     */
    static void checkGroup(List<String> group) {
        String ext = extension(group.get(0));
        for (String file : group) {
            if (!extension(file).equals(ext)) {
                throw refused("inconsistency in file types, (" + group.get(0) + ") vs (" + file + ")");
            }
        }
        switch (ext) {
            case ".json" -> {
                if (group.size() != 1) {
                    throw refused("for JSON import, accepts only one file");
                }
            }
            case ".npy" -> { }
            case ".parquet" -> {
                if (group.size() != 1) {
                    throw refused("for Parquet import, accepts only one file");
                }
            }
            case ".csv" -> {
                if (group.size() != 1) {
                    throw refused("for CSV import, accepts only one file");
                }
            }
            default -> throw refused("unexpected file type, files=" + group + " (supported: .json, .npy, .csv,"
                    + " .parquet)");
        }
    }

    static String extension(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static MilvusException refused(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, why);
    }
}
