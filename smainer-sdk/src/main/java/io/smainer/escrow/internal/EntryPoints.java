package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.EscrowRevertedException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A contract's external functions, by selector: what a class's entry-point table is on Starknet. A
 * {@link LedgerContract} builds one in its constructor; a call to a selector it lacks reverts
 * {@code ENTRYPOINT_NOT_FOUND}. Not API.
 */
public final class EntryPoints {
    /** An external function: reads its own arguments (ending with {@link Args#end()}) and runs. */
    @FunctionalInterface
    public interface Function {
        /**
         * @param caller the calling account or contract
         * @param args the calldata
         * @return the serialized return values
         */
        List<Felt> call(ContractAddress caller, Args args);
    }

    /** Whether a function may write state (Cairo's {@code ref self}) or only reads it. */
    public enum Mutability {
        /** {@code ref self}: may write state and emit events. */
        EXTERNAL,
        /** {@code @self}: reads only. */
        VIEW
    }

    private record Entry(String name, Mutability mutability, Function function) {
    }

    private final Map<Felt, Entry> bySelector;

    private EntryPoints(Map<Felt, Entry> bySelector) {
        this.bySelector = Collections.unmodifiableMap(bySelector);
    }

    /** @return a builder for a contract's table */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EntryPoints} table. */
    public static final class Builder {
        private final Map<Felt, Entry> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param name the function's name (its selector is {@code sn_keccak(name)})
         * @param function the function
         * @return this
         */
        public Builder external(String name, Function function) {
            return add(name, Mutability.EXTERNAL, function);
        }

        /**
         * @param name the view's name
         * @param function the view
         * @return this
         */
        public Builder view(String name, Function function) {
            return add(name, Mutability.VIEW, function);
        }

        private Builder add(String name, Mutability mutability, Function function) {
            if (entries.putIfAbsent(Abi.selector(name), new Entry(name, mutability, function)) != null) {
                throw new IllegalArgumentException("entry point " + name + " listed twice");
            }
            return this;
        }

        /** @return the table */
        public EntryPoints build() {
            return new EntryPoints(new LinkedHashMap<>(entries));
        }
    }

    /**
     * @param caller the caller
     * @param selector the entry point's selector
     * @param calldata its calldata
     * @return its return values
     * @throws Revert {@code ENTRYPOINT_NOT_FOUND} for a selector the table lacks, or the function's revert
     */
    public List<Felt> call(ContractAddress caller, Felt selector, List<Felt> calldata) {
        Entry e = bySelector.get(selector);
        if (e == null) {
            throw new Revert(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);
        }
        return e.function().call(caller, new Args(calldata));
    }

    /**
     * @param names functions to leave out, as a class deployed without them would
     * @return this table without them
     * @throws IllegalArgumentException for a name the table does not list
     */
    public EntryPoints without(Collection<String> names) {
        Map<Felt, Entry> left = new LinkedHashMap<>(bySelector);
        for (String name : names) {
            if (left.remove(Abi.selector(name)) == null) {
                throw new IllegalArgumentException("no entry point " + name + " to leave out");
            }
        }
        return new EntryPoints(left);
    }

    /**
     * @param selector an entry point's selector
     * @return whether the table has it
     */
    public boolean has(Felt selector) {
        return bySelector.containsKey(selector);
    }

    /** @return every function's name and mutability, in the order listed */
    public Map<String, Mutability> functions() {
        Map<String, Mutability> out = new LinkedHashMap<>();
        bySelector.values().forEach(e -> out.put(e.name(), e.mutability()));
        return Collections.unmodifiableMap(out);
    }
}
