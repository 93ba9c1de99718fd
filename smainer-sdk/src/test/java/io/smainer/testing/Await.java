package io.smainer.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline (tests never sleep for a fixed time to wait for something). In the
 * SDK's test-jar, so every module's tests share it.
 */
public final class Await {
    private Await() {
    }

    /**
     * @param timeout the most to wait
     * @param condition what must become true
     */
    public static void until(Duration timeout, BooleanSupplier condition) {
        until(timeout, condition, () -> "condition");
    }

    /**
     * @param timeout the most to wait
     * @param condition what must become true
     * @param what described in the failure
     */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ": " + what.get());
            }
            LockSupport.parkNanos(pause * 1_000_000);
            pause = Math.min(pause * 2, 50);
        }
    }
}
