package io.smainer.relayer.store;

/**
 * The relayer's state, as five roles composed into one (the way Lettuce's {@code RedisCommands} extends its
 * string, hash and list commands): {@link TaskStore} (tasks, their webhooks, retention, byte budgets and
 * the nonces of the requests that created them), {@link NodeDirectory}, {@link Leases}, {@link SignalBus} and {@link SlashRecords} (the staking
 * policy's evidence and slashes). Each
 * component takes only the roles it uses (the scheduler tasks, nodes and signals; the intake tasks; the settler tasks,
 * leases and signals), so its constructor says what it touches. Two implementations: {@link MemoryStore} (one process) and
 * {@link RedisStore} (shared by relayers, survives restarts); {@link JournaledStore} and {@link GuardedStore} wrap
 * one.
 *
 * <p>Implementations are thread-safe; {@link #close()} is idempotent.
 */
public interface RelayerStore extends TaskStore, NodeDirectory, Leases, SignalBus, SlashRecords, AutoCloseable {
    @Override
    void close();
}
