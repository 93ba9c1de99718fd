package io.smainer.relayer.http;

import io.smainer.relayer.store.Signal;
import io.smainer.relayer.store.SignalBus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Long-poll support: requests waiting for a task to reach a final status are woken by the store's
 * signals (from this relayer or any other sharing the store).
 */
final class TaskWaiters implements AutoCloseable {
    private final Map<String, List<Runnable>> waiting = new ConcurrentHashMap<>();
    private final AutoCloseable subscription;

    TaskWaiters(SignalBus signals) {
        this.subscription = signals.subscribe(this::signal);
    }

    private void signal(Signal s) {
        if (s.status().isTerminal()) {
            List<Runnable> ws = waiting.remove(s.taskId());
            if (ws != null) {
                ws.forEach(Runnable::run);
            }
        }
    }

    void add(String taskId, Runnable wake) {
        waiting.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(wake);
    }

    void remove(String taskId, Runnable wake) {
        waiting.computeIfPresent(taskId, (k, ws) -> {
            ws.remove(wake);
            return ws.isEmpty() ? null : ws;
        });
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // nothing to do
        }
        waiting.values().forEach(ws -> ws.forEach(Runnable::run));
        waiting.clear();
    }
}
