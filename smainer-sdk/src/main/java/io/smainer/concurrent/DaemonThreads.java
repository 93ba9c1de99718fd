package io.smainer.concurrent;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread factory of every thread the SDK and the reference apps start: daemon threads (they never keep
 * a JVM alive), named so that a thread dump says whose they are.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param name every thread's name
     * @return a factory of daemon threads all called {@code name}
     */
    public static ThreadFactory named(String name) {
        Objects.requireNonNull(name, "name");
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * @param prefix the names' prefix
     * @return a factory of daemon threads called {@code prefix-1}, {@code prefix-2}, ...
     */
    public static ThreadFactory numbered(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
