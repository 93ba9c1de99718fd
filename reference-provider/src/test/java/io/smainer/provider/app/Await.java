package io.smainer.provider.app;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (tests never sleep a fixed time to wait for something). */
final class Await {
    private Await() {
    }

    /**
     * @param what what is awaited, for the failure message
     * @param wait the most to wait
     * @param condition polled every 20 ms
     * @throws AssertionError when it does not hold in time
     */
    static void until(String what, Duration wait, BooleanSupplier condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + wait + ": " + what);
            }
            try {
                Thread.sleep(20); // polling interval of the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
