package io.smainer.relayer.store;

/** The store contract, on the in-memory store. */
class MemoryStoreTest extends RelayerStoreContract {
    @Override
    protected RelayerStore newStore() {
        return MemoryStore.create(clock);
    }
}
