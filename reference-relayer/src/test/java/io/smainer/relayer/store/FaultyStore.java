package io.smainer.relayer.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test instrument: a real {@link RelayerStore} that can be made unreachable. While {@link #down} every call that
 * waits for the store fails with {@link StoreUnavailableException}, as a {@link GuardedStore} over an unreachable
 * Redis answers; the fire-and-forget writes ({@code putNode}), {@code subscribe} and {@code close}
 * still reach the real store. While {@link #diskFull} every write the journal holds (tasks) fails as it does on a
 * full disk (an {@link UncheckedIOException}, {@code No space left on device}); reads and the writes it keeps in
 * memory only (nonces, leases, webhooks) go on. While {@link #signalsLost} the signals the store publishes never reach
 * the listeners subscribed through this instrument, as what Redis publishes while a subscriber's connection is down
 * (a restart, a network cut) is gone for that subscriber. Nothing of the store's behaviour is replaced.
 */
public final class FaultyStore implements InvocationHandler {
    private static final Set<String> UNGUARDED = Set.of("putNode", "subscribe", "close");
    /** What {@link JournaledStore} writes to its file; its nonces, leases and webhooks live in memory only. */
    private static final Set<String> JOURNALED = Set.of("create", "replace", "replaceEach");

    private final RelayerStore store;
    private volatile boolean down;
    private volatile boolean diskFull;
    private volatile boolean signalsLost;
    private final AtomicInteger refused = new AtomicInteger();

    private FaultyStore(RelayerStore store) {
        this.store = store;
    }

    /**
     * @param store the real store
     * @return the instrument; {@link #store()} is what to hand to the code under test
     */
    public static FaultyStore over(RelayerStore store) {
        return new FaultyStore(store);
    }

    /** @return the store that fails while {@link #down} */
    public RelayerStore store() {
        return (RelayerStore) Proxy.newProxyInstance(RelayerStore.class.getClassLoader(), new Class<?>[] {RelayerStore.class},
                this);
    }

    /** @param v true to make the store unreachable, false to bring it back */
    public void down(boolean v) {
        this.down = v;
    }

    /** @param v true to make every task write fail as on the journal's full disk, false to free the disk */
    public void diskFull(boolean v) {
        this.diskFull = v;
    }

    /** @param v true to lose every signal published from now on, false to deliver them again */
    public void signalsLost(boolean v) {
        this.signalsLost = v;
    }

    /** @return how many calls failed while down */
    public int refused() {
        return refused.get();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(this, args);
        }
        if (down && !UNGUARDED.contains(method.getName())) {
            refused.incrementAndGet();
            throw new StoreUnavailableException("the store is down (a test outage): " + method.getName() + " refused", null);
        }
        if (diskFull && JOURNALED.contains(method.getName())) {
            refused.incrementAndGet();
            throw new UncheckedIOException("store.journal (a test disk): a write failed (No space left on device)",
                    new IOException("No space left on device"));
        }
        if (method.getName().equals("subscribe")) {
            @SuppressWarnings("unchecked")
            Consumer<Signal> listener = (Consumer<Signal>) args[0];
            return store.subscribe(s -> {
                if (!signalsLost) {
                    listener.accept(s);
                }
            });
        }
        try {
            return method.invoke(store, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
