package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The transaction in progress, shared by every contract of a {@link LedgerMachine}: an undo log of each
 * state change and the events emitted so far, in emission order across contracts. A revert rolls back
 * every contract's changes and drops the events, as Starknet does. Not thread-safe. Not API.
 */
public final class Journal {
    /** An event emitted in the transaction in progress. */
    record Emitted(ContractAddress from, List<Felt> keys, List<Felt> data) {
    }

    private Deque<Runnable> undo;
    private List<Emitted> events;

    Journal() {
    }

    void begin() {
        undo = new ArrayDeque<>();
        events = new ArrayList<>();
    }

    /** Undoes every change since {@link #begin()}, newest first, and drops the events. */
    void rollback() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
        events.clear();
    }

    /** @return the events emitted since {@link #begin()}; the journal is closed */
    List<Emitted> end() {
        List<Emitted> out = events;
        undo = null;
        events = null;
        return out;
    }

    /**
     * Writes a map entry, remembering how to undo it.
     *
     * @param map the state
     * @param key the key
     * @param value the new value
     * @param <K> key type
     * @param <V> value type
     */
    public <K, V> void put(Map<K, V> map, K key, V value) {
        boolean had = map.containsKey(key);
        V old = map.get(key);
        undo.push(() -> {
            if (had) {
                map.put(key, old);
            } else {
                map.remove(key);
            }
        });
        map.put(key, value);
    }

    /**
     * Records how to undo a change made to a field.
     *
     * @param restore puts the old value back
     */
    public void onUndo(Runnable restore) {
        undo.push(restore);
    }

    /**
     * Emits an event whose {@code keys[0]} is {@code sn_keccak(name)}: a plain variant of a contract's
     * {@code Event} enum, or the inner variant of a {@code #[flat]} component event.
     *
     * @param from the emitting contract
     * @param name the event (variant) name
     * @param keys the {@code #[key]} fields, serialized
     * @param data the other fields, serialized
     */
    public void emit(ContractAddress from, String name, List<Felt> keys, List<Felt> data) {
        List<Felt> k = new ArrayList<>(keys.size() + 1);
        k.add(Abi.selector(name));
        k.addAll(keys);
        events.add(new Emitted(from, List.copyOf(k), List.copyOf(data)));
    }
}
