package io.smainer.relayer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    @Test
    void aCancelledDeadlineLeavesTheTimerQueueAtOnce() {
        ScheduledThreadPoolExecutor timers = Deadlines.timerThread("test-timers");
        try {
            Clock clock = Clock.systemUTC();
            Deadlines deadlines = Deadlines.on(timers, clock);
            List<Deadlines.Handle> handles = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) { // task timeouts five minutes away, as the relayer arms them
                handles.add(deadlines.at(clock.instant().plus(Duration.ofMinutes(5)), () -> { }));
            }
            assertThat(timers.getQueue()).hasSize(1_000);

            handles.forEach(Deadlines.Handle::cancel);

            assertThat(timers.getQueue()).isEmpty();
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void aDeadlineRunsOnTheNamedDaemonThread() throws InterruptedException {
        ScheduledThreadPoolExecutor timers = Deadlines.timerThread("test-timers");
        try {
            CountDownLatch ran = new CountDownLatch(1);
            String[] where = new String[1];
            boolean[] daemon = new boolean[1];
            Deadlines.on(timers, Clock.systemUTC()).at(Clock.systemUTC().instant(), () -> {
                where[0] = Thread.currentThread().getName();
                daemon[0] = Thread.currentThread().isDaemon();
                ran.countDown();
            });

            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(where[0]).isEqualTo("test-timers");
            assertThat(daemon[0]).isTrue();
        } finally {
            timers.shutdownNow();
        }
    }
}
