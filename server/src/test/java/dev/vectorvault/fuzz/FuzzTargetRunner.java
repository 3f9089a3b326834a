package dev.vectorvault.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one fuzz target ({@code fully.qualified.Class#method}) on the JUnit Platform in a plain JVM, the way surefire
 * would, for {@code bin/fuzz}: no Maven and surefire start per target, and no surefire temp folder that two targets
 * started at once could take from each other. Jazzer fuzzes when {@code JAZZER_FUZZ} is set; its libFuzzer arguments
 * come as {@code jazzer.internal.arg.*} system properties.
 * Exit status 0 only when the target ran and nothing failed (a finding fails the fuzzing invocation), 1 otherwise,
 * 2 for a bad argument.
 */
public final class FuzzTargetRunner {
    private FuzzTargetRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].contains("#")) {
            System.err.println("usage: FuzzTargetRunner fully.qualified.Class#method");
            System.exit(2);
        }
        String className = args[0].substring(0, args[0].indexOf('#'));
        String methodName = args[0].substring(args[0].indexOf('#') + 1);
        Class<?> testClass = Class.forName(className, false, FuzzTargetRunner.class.getClassLoader());
        List<Method> methods = Arrays.stream(testClass.getDeclaredMethods())
                .filter(m -> m.getName().equals(methodName))
                .toList();
        if (methods.size() != 1) {
            System.err.println("expected one method " + args[0] + ", found " + methods.size());
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(testClass, methods.get(0)))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 200);
        summary.printTo(out);
        boolean clean = summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0;
        // Exit explicitly: a target may leave non-daemon threads behind (MilvusServiceFuzzTest's server pools).
        System.exit(clean ? 0 : 1);
    }
}
