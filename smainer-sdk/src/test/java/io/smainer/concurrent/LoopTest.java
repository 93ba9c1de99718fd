package io.smainer.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serial loop: order, a failing step, timers, and a closed loop. */
class LoopTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final Loop loop = Loop.named("loop-test");

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void runsStepsInOrderOnItsOwnDaemonThreadAndSurvivesAFailingStep() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Boolean> inLoop = new CopyOnWriteArrayList<>();
        loop.post(() -> seen.add(1));
        loop.post(() -> {
            throw new IllegalStateException("a bad step");
        });
        loop.post(() -> {
            seen.add(2);
            inLoop.add(loop.inLoop() && Thread.currentThread().isDaemon()
                    && Thread.currentThread().getName().equals("loop-test"));
        });

        Await.until(WAIT, () -> seen.size() == 2, () -> "both steps ran");
        assertThat(seen).containsExactly(1, 2);
        assertThat(inLoop).containsExactly(true);
        assertThat(loop.inLoop()).isFalse();
    }

    @Test
    void aRepeatingStepKeepsRunningAfterItThrowsAndACancelledTimerNeverRuns() {
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        ScheduledFuture<?> never = loop.schedule(cancelled::incrementAndGet, Duration.ofMillis(300));
        Loop.cancel(never);
        loop.every(() -> {
            ticks.incrementAndGet();
            throw new IllegalStateException("every tick fails");
        }, Duration.ofMillis(10));

        Await.until(WAIT, () -> ticks.get() >= 3, () -> "three ticks");
        AtomicInteger after = new AtomicInteger();
        loop.schedule(after::incrementAndGet, Duration.ofMillis(400)); // due after the cancelled one
        Await.until(WAIT, () -> after.get() == 1, () -> "a later timer ran");
        assertThat(cancelled).hasValue(0);
        assertThat(never.isCancelled()).isTrue();
    }

    @Test
    void aClosedLoopRefusesStepsQuietly() {
        AtomicInteger ran = new AtomicInteger();
        loop.post(ran::incrementAndGet);
        loop.close();
        loop.close();

        assertThat(ran).hasValue(1);
        assertThat(loop.post(ran::incrementAndGet)).isFalse();
        assertThat((Object) loop.schedule(ran::incrementAndGet, Duration.ZERO)).isNull();
        assertThat((Object) loop.every(ran::incrementAndGet, Duration.ofMillis(1))).isNull();
    }
}
