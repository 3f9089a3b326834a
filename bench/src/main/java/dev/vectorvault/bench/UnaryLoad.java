package dev.vectorvault.bench;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.GetVersionResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives {@code GetVersion}, the cheapest RPC the server has (no store access, a constant answer), for a fixed time.
 * Because the handler does almost nothing, whatever the authentication interceptor costs shows up undiluted: this is
 * the worst case for the on/off ratio, a real workload (search, insert) hides it far better.
 */
final class UnaryLoad {
    private static final GetVersionRequest REQUEST = GetVersionRequest.getDefaultInstance();
    /** A guard against a hung server, not a measurement: no healthy call comes anywhere near it. */
    private static final long STUCK_SECONDS = 60;

    private UnaryLoad() {}

    /**
     * One call at a time, alternating call by call between two servers ({@code first} then {@code second}, again and
     * again) for {@code 2 * sliceNanos}. Calls that follow each other within microseconds see the same state of the
     * machine, so drift (turbo, steal time, a GC) cancels out of the comparison far better than with windows taken
     * one after the other. Each side's window holds its own calls and the sum of their latencies, so its rate is
     * 1 / mean latency: what one caller waiting for each answer gets. Every latency also goes to the given samples,
     * when not null.
     */
    static Window[] alternating(MilvusServiceGrpc.MilvusServiceBlockingStub first,
                                MilvusServiceGrpc.MilvusServiceBlockingStub second, long sliceNanos,
                                LatencySamples firstLatencies, LatencySamples secondLatencies) {
        SideCount one = new SideCount();
        SideCount two = new SideCount();
        long end = System.nanoTime() + 2 * sliceNanos;
        while (System.nanoTime() < end) {
            timeOneCall(first, one, firstLatencies);
            timeOneCall(second, two, secondLatencies);
        }
        return new Window[] {one.window(), two.window()};
    }

    /** Calls, failures and summed latency of one side in an alternating slice. */
    private static final class SideCount {
        long calls;
        long errors;
        long nanos;

        Window window() {
            return new Window(calls, errors, nanos, -1);
        }
    }

    private static void timeOneCall(MilvusServiceGrpc.MilvusServiceBlockingStub stub, SideCount count,
                                    LatencySamples latencies) {
        long before = System.nanoTime();
        try {
            stub.getVersion(REQUEST);
        } catch (StatusRuntimeException e) {
            count.errors++;
        }
        long latency = System.nanoTime() - before;
        count.calls++;
        count.nanos += latency;
        if (latencies != null) {
            latencies.add(latency);
        }
    }

    /**
     * Keeps {@code inflight} calls outstanding on one server with the async stub: a semaphore holds one permit per
     * slot, a call takes one before it is sent and its completion gives it back. The window ends when time is up and
     * every outstanding call has come back, so all counted calls lie inside the measured time. (Alternating call by
     * call is no use here: with both servers busy at once they would share the CPU in no controlled way.)
     */
    static Window manyInFlight(MilvusServiceGrpc.MilvusServiceStub stub, int inflight, long windowNanos)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        // Stateless, so one observer serves every call; it runs on gRPC's callback thread.
        StreamObserver<GetVersionResponse> observer = new StreamObserver<>() {
            @Override
            public void onNext(GetVersionResponse response) {}

            @Override
            public void onError(Throwable t) {
                failed.incrementAndGet();
                completed.incrementAndGet();
                slots.release();
            }

            @Override
            public void onCompleted() {
                completed.incrementAndGet();
                slots.release();
            }
        };
        long cpuStart = ProcessCpu.nanos();
        long start = System.nanoTime();
        long end = start + windowNanos;
        while (System.nanoTime() < end) {
            acquire(slots, 1);
            stub.getVersion(REQUEST, observer);
        }
        acquire(slots, inflight);
        long elapsed = System.nanoTime() - start;
        long cpu = cpuStart < 0 ? -1 : ProcessCpu.nanos() - cpuStart;
        slots.release(inflight);
        return new Window(completed.get(), failed.get(), elapsed, cpu);
    }

    private static void acquire(Semaphore slots, int permits) throws InterruptedException {
        if (!slots.tryAcquire(permits, STUCK_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server has not answered for " + STUCK_SECONDS + " s");
        }
    }
}
