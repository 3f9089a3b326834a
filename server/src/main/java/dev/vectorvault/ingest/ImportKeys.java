package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;

/** The checks every import key passes whatever stores the file: not empty, relative, no {@code ..} step. */
final class ImportKeys {
    private ImportKeys() {}

    static void checkRelative(String key) {
        if (key == null || key.isBlank()) {
            throw refused(key, "the file name is empty");
        }
        if (key.startsWith("/") || key.startsWith("\\")) {
            throw refused(key, "absolute paths are not allowed; name the file relative to the import root");
        }
        for (String part : key.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw refused(key, "'..' is not allowed in an import file name");
            }
        }
    }

    static MilvusException refused(String key, String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "import file '" + key + "' refused: " + why);
    }
}
