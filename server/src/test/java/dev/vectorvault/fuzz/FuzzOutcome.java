package dev.vectorvault.fuzz;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The contract every fuzz target checks: an input ends in a result or in the one exception type its code path
 * declares for bad input, with a message a client could be shown. Anything else (another exception type, an
 * {@link Error} such as StackOverflowError or OutOfMemoryError) propagates, and Jazzer records the input as a
 * finding. Hangs are caught by libFuzzer's per-input timeout ({@code bin/fuzz} sets 10 s). Fuzz test classes carry
 * no JUnit {@code @Timeout}: in fuzzing mode JUnit would apply it to the whole fuzzing run.
 *
 * <p>How to add a target: one class per code path under test, named {@code <Thing>FuzzTest}, in the package of the
 * code it drives (so package-private entry points stay package-private), with one or more
 * {@code @FuzzTest(maxDuration = ...)} methods taking a {@code FuzzedDataProvider}; seed inputs go in
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/} and run as regression tests in every build.
 * {@code bin/fuzz} finds the new target by its annotation.
 */
public final class FuzzOutcome {
    private FuzzOutcome() {
    }

    /**
     * Runs {@code call}; its result, or empty when it threw {@code expected} (whose message must say something).
     * Any other throwable propagates unchanged.
     */
    public static <T> Optional<T> resultOr(Class<? extends RuntimeException> expected, Callable<T> call)
            throws Exception {
        try {
            return Optional.ofNullable(call.call());
        } catch (RuntimeException e) {
            if (!expected.isInstance(e)) {
                throw e;
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal must explain itself", e);
            }
            return Optional.empty();
        }
    }

    /**
     * The contract of every reader of stored data: its result, or empty when it refused the input as corrupt, that
     * is with a {@link StorageException} of code {@link ErrorCode#STORAGE_CORRUPT} naming the file. Any other
     * throwable (another exception type or code, an {@link Error}) propagates or fails.
     */
    public static <T> Optional<T> resultOrCorrupt(Callable<T> call) throws Exception {
        try {
            return Optional.ofNullable(call.call());
        } catch (StorageException e) {
            if (e.errorCode() != ErrorCode.STORAGE_CORRUPT || e.file().isEmpty() || e.getMessage() == null
                    || !e.getMessage().contains(e.file())) {
                throw new AssertionError("corrupt data must be refused as STORAGE_CORRUPT naming the file", e);
            }
            return Optional.empty();
        }
    }
}
