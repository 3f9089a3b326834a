package dev.vectorvault.auth;

import dev.vectorvault.config.ServerConfig.HashSettings;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Slow salted password hashing with Argon2id (BouncyCastle). Hashes are stored in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>}, so every hash records its own parameters
 * and can be verified after the configured cost has been raised; {@link #needsRehash} tells when to upgrade one.
 * Thread-safe.
 */
public final class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final HashSettings settings;
    private final SecureRandom random = new SecureRandom();

    public PasswordHasher(HashSettings settings) {
        this.settings = settings;
    }

    public String hash(Password password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Phc phc = new Phc(settings.memoryKiB(), settings.iterations(), settings.parallelism(), salt, null);
        byte[] digest = derive(password, phc, HASH_BYTES);
        return "$argon2id$v=19$m=" + phc.memoryKiB + ",t=" + phc.iterations + ",p=" + phc.parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(digest);
    }

    /**
     * Constant-time check of {@code password} against a stored PHC string, or against a bcrypt string restored from a
     * Milvus RBAC backup (such a hash is replaced by Argon2id at the next login, see {@link #needsRehash}); false for
     * a malformed string.
     */
    public boolean verify(Password password, String encoded) {
        if (costOverLimit(encoded).isPresent()) {
            // A hash with absurd parameters (m = 4 GiB, say) would cost that much on every login: refuse to run it.
            return false;
        }
        if (isBcrypt(encoded)) {
            byte[] secret = password.utf8();
            try {
                return OpenBSDBCrypt.checkPassword(encoded, secret);
            } catch (IllegalArgumentException e) {
                return false;
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        }
        Optional<Phc> parsed = Phc.parse(encoded);
        if (parsed.isEmpty()) {
            return false;
        }
        Phc phc = parsed.get();
        byte[] actual = derive(password, phc, phc.hash.length);
        return MessageDigest.isEqual(actual, phc.hash);
    }

    /** Whether {@code encoded} is a hash this server can verify: our Argon2id PHC strings, or Milvus's bcrypt. */
    public static boolean isReadable(String encoded) {
        return isBcrypt(encoded) || Phc.parse(encoded).isPresent();
    }

    /**
     * Why verifying {@code encoded} would cost more than the configured limits allow, naming the parameter, its value
     * and the key that bounds it (never the hash); empty when it is within them or is not a hash we read.
     */
    public Optional<String> costOverLimit(String encoded) {
        if (isBcrypt(encoded)) {
            int cost = Integer.parseInt(encoded.substring(4, 6));
            return cost > settings.maxBcryptCost()
                    ? Optional.of(over("bcrypt cost", cost, "common.security.bcrypt.maxCost", settings.maxBcryptCost()))
                    : Optional.empty();
        }
        return Phc.parse(encoded).flatMap(p -> {
            if (p.memoryKiB > settings.maxMemoryKiB()) {
                return Optional.of(over("Argon2id memory (KiB)", p.memoryKiB, "common.security.argon2.maxMemoryKiB",
                        settings.maxMemoryKiB()));
            }
            if (p.iterations > settings.maxIterations()) {
                return Optional.of(over("Argon2id iterations", p.iterations, "common.security.argon2.maxIterations",
                        settings.maxIterations()));
            }
            if (p.parallelism > settings.maxParallelism()) {
                return Optional.of(over("Argon2id parallelism", p.parallelism,
                        "common.security.argon2.maxParallelism", settings.maxParallelism()));
            }
            return Optional.empty();
        });
    }

    private static String over(String what, long value, String key, long limit) {
        return what + " " + value + " exceeds " + key + " (" + limit + ")";
    }

    private static boolean isBcrypt(String encoded) {
        return encoded != null && encoded.length() == 60 && encoded.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    }

    /** True when the stored hash is cheaper than what is configured now, not Argon2id, or unreadable. */
    public boolean needsRehash(String encoded) {
        return Phc.parse(encoded)
                .map(p -> p.memoryKiB < settings.memoryKiB()
                        || p.iterations < settings.iterations()
                        || p.parallelism < settings.parallelism())
                .orElse(true);
    }

    private static byte[] derive(Password password, Phc phc, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(phc.memoryKiB)
                .withIterations(phc.iterations)
                .withParallelism(phc.parallelism)
                .withSalt(phc.salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        byte[] secret = password.utf8();
        try {
            generator.generateBytes(secret, out);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    /** The parsed parts of a PHC string. */
    private record Phc(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
        static Optional<Phc> parse(String encoded) {
            if (encoded == null) {
                return Optional.empty();
            }
            String[] parts = encoded.split("\\$");
            // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return Optional.empty();
            }
            try {
                int m = -1;
                int t = -1;
                int p = -1;
                for (String param : parts[3].split(",")) {
                    String[] kv = param.split("=", 2);
                    int value = Integer.parseInt(kv[1]);
                    switch (kv[0]) {
                        case "m" -> m = value;
                        case "t" -> t = value;
                        case "p" -> p = value;
                        default -> {
                            return Optional.empty();
                        }
                    }
                }
                byte[] salt = B64D.decode(parts[4]);
                byte[] hash = B64D.decode(parts[5]);
                if (m < 8 || t < 1 || p < 1 || salt.length < 8 || hash.length < 16) {
                    return Optional.empty();
                }
                return Optional.of(new Phc(m, t, p, salt, hash));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
