package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.protocol.JobSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class TestJobContextTest {
    /** Upper-cases its payload, in chunks through parallelFor, checking its context between chunks. */
    static class Upper implements JobHandler {
        @Override
        public String kind() {
            return "upper";
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            byte[] in = spec.payload();
            byte[] out = new byte[in.length];
            context.parallelFor(in.length, i -> out[i] = (byte) Character.toUpperCase(in[i]));
            return JobOutput.of(out);
        }
    }

    static JobSpec upper(String text) {
        return JobSpec.of("upper", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void runsAHandlerWithItsMemoryCheckFirst() {
        JobOutput out = TestJobContext.create().run(new Upper(), upper("abc"));
        assertThat(new String(out.output(), StandardCharsets.UTF_8)).isEqualTo("ABC");

        JobHandler negative = new Upper() {
            @Override
            public long requiredMemoryBytes(JobSpec spec) {
                return -1;
            }
        };
        assertThatThrownBy(() -> TestJobContext.create().run(negative, upper("abc")))
                .hasMessageContaining("requiredMemoryBytes gave -1");
    }

    @Test
    void parallelForVisitsEveryIndexOnceOnSeveralThreads() {
        TestJobContext ctx = TestJobContext.builder().parallelism(4).build();
        AtomicIntegerArray seen = new AtomicIntegerArray(10_000);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        ctx.parallelFor(seen.length(), i -> {
            seen.incrementAndGet(i);
            threads.add(Thread.currentThread());
        });
        for (int i = 0; i < seen.length(); i++) {
            assertThat(seen.get(i)).as("index %d", i).isEqualTo(1);
        }
        assertThat(ctx.parallelism()).isEqualTo(4);
        assertThat(threads).isNotEmpty().doesNotContain(Thread.currentThread());
    }

    @Test
    void aFailingBodyFailsTheLoop() {
        TestJobContext ctx = TestJobContext.builder().parallelism(3).build();
        assertThatThrownBy(() -> ctx.parallelFor(100, i -> {
            if (i == 57) {
                throw new IllegalArgumentException("index 57 is bad");
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("index 57 is bad");
    }

    @Test
    void aCancelledOrLateRunStops() {
        TestJobContext ctx = TestJobContext.builder().kind("upper").build();
        assertThat(ctx.isStopped()).isFalse();
        ctx.checkActive();
        ctx.cancel();
        assertThat(ctx.isStopped()).isTrue();
        assertThatThrownBy(() -> ctx.run(new Upper(), upper("abc"))).isInstanceOfSatisfying(JobException.class,
                e -> assertThat(e.reason()).isEqualTo(JobException.Reason.CANCELLED));

        Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        TestJobContext late = TestJobContext.builder().clock(fixed).timeout(Duration.ofSeconds(-1)).build();
        assertThat(late.remaining()).isEqualTo(Duration.ZERO);
        assertThat(late.deadline()).isEqualTo(Instant.parse("2025-12-31T23:59:59Z"));
        assertThatThrownBy(late::checkActive).isInstanceOfSatisfying(JobException.class,
                e -> assertThat(e.reason()).isEqualTo(JobException.Reason.TIMED_OUT));

        TestJobContext onTime = TestJobContext.builder().clock(fixed).timeout(Duration.ofSeconds(5)).build();
        assertThat(onTime.remaining()).isEqualTo(Duration.ofSeconds(5));
    }
}
