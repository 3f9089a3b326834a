package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Group commit without a log: who carries which writes, and what each write is told. */
@Timeout(60)
class GroupCommitTest {
    /** Records each group's writes; each write's result is its own number. */
    private final List<List<Integer>> groups = new CopyOnWriteArrayList<>();

    private void carryAll(List<GroupCommit.Pending<Integer>> group) {
        groups.add(group.stream().map(GroupCommit.Pending::write).toList());
        group.forEach(p -> p.succeeded(p.write()));
    }

    @Test
    void aLoneWriteIsCarriedAloneByItsOwnThread() {
        GroupCommit<Integer> commit = new GroupCommit<>(8);
        assertThat(commit.submit(1, this::carryAll)).isEqualTo(1);
        assertThat(commit.submit(2, this::carryAll)).isEqualTo(2);
        assertThat(groups).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void writesQueuedBehindAGroupShareTheNextGroupUpToTheLimit() throws Exception {
        GroupCommit<Integer> commit = new GroupCommit<>(3);
        CountDownLatch carrying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit.Carrier<Integer> held = group -> {
            if (group.get(0).write() == 0) {
                carrying.countDown();
                await(release);
            }
            carryAll(group);
        };
        List<Integer> results = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(start(() -> results.add(commit.submit(0, held))));
        carrying.await();
        for (int w = 1; w <= 3; w++) {
            int write = w;
            threads.add(start(() -> results.add(commit.submit(write, held))));
        }
        while (commit.waiting() < 3) {
            Thread.sleep(2);
        }
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(results).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly(0);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void aFailedGroupFailsEveryWriteInItAndTheNextGroupStillRuns() throws Exception {
        GroupCommit<Integer> commit = new GroupCommit<>(8);
        CountDownLatch carrying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger carried = new AtomicInteger();
        GroupCommit.Carrier<Integer> failingSecond = group -> {
            int n = carried.incrementAndGet();
            if (n == 1) {
                carrying.countDown();
                await(release);
            }
            if (n == 2) {
                throw new IllegalStateException("the log refused the group");
            }
            carryAll(group);
        };
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(start(() -> commit.submit(0, failingSecond)));
        carrying.await();
        for (int w = 1; w <= 3; w++) {
            int write = w;
            threads.add(start(() -> {
                try {
                    commit.submit(write, failingSecond);
                } catch (IllegalStateException e) {
                    failures.add(e);
                }
            }));
        }
        while (commit.waiting() < 3) {
            Thread.sleep(2);
        }
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).hasSize(3).allSatisfy(e -> assertThat(e).hasMessage("the log refused the group"));
        assertThat(commit.submit(4, failingSecond)).isEqualTo(4);
        assertThat(groups).containsExactly(List.of(0), List.of(4));
    }

    /** Many writers, a small limit: one group at a time, every write carried once, each writer's writes in order. */
    @Test
    void manyWritersNeverCarryTwoGroupsAtOnceAndKeepEachWritersOrder() throws Exception {
        GroupCommit<Integer> commit = new GroupCommit<>(2);
        AtomicInteger carrying = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        GroupCommit.Carrier<Integer> checked = group -> {
            if (carrying.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            assertThat(group).hasSizeBetween(1, 2);
            Thread.yield();
            carryAll(group);
            carrying.decrementAndGet();
        };
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int writer = t;
            threads.add(start(() -> {
                for (int i = 0; i < 300; i++) {
                    assertThat(commit.submit(writer * 1_000 + i, checked)).isEqualTo(writer * 1_000 + i);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(overlaps).hasValue(0);
        List<Integer> carried = groups.stream().flatMap(List::stream).toList();
        assertThat(carried).hasSize(8 * 300).doesNotHaveDuplicates();
        for (int t = 0; t < 8; t++) {
            int writer = t;
            assertThat(carried.stream().filter(w -> w / 1_000 == writer).toList()).isSorted();
        }
    }

    @Test
    void aWriteThatMemoryRefusesFailsAloneAndLaterWritesGoOn() {
        GroupCommit<Integer> commit = new GroupCommit<>(8);
        assertThatThrownBy(() -> commit.submit(7, group -> group.forEach(
                p -> p.failed(new IllegalArgumentException("memory refused " + p.write())))))
                .hasMessage("memory refused 7");
        assertThat(commit.submit(8, this::carryAll)).isEqualTo(8);
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
