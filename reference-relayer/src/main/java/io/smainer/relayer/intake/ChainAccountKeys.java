package io.smainer.relayer.intake;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Demander keys read from the accounts themselves ({@code get_public_key}, which OpenZeppelin's and
 * starknet-jvm's standard accounts expose), so that on Starknet any such account can submit without an
 * operator listing its key. An answer is remembered for {@link #DEFAULT_FOUND_TTL} (a key rotated on chain
 * is seen within that time; requests signed with the new key are refused until then) and the absence of
 * one for {@link #DEFAULT_MISSING_TTL} (such an account's requests are then checked by asking the account,
 * {@link AccountSignatureCheck}, each time). A chain that cannot be read is not remembered: the error
 * reaches the caller (the API answers 503, try again). Thread-safe.
 */
public final class ChainAccountKeys implements AccountKeys {
    /** How long a key read from an account is used before it is read again. */
    public static final Duration DEFAULT_FOUND_TTL = Duration.ofMinutes(10);
    /** How long "this account reports no key" is remembered. */
    public static final Duration DEFAULT_MISSING_TTL = Duration.ofMinutes(1);
    /** Accounts remembered at most; past it the expired ones go, then all. */
    static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<Felt> key, long untilMillis) {
    }

    private final Function<ContractAddress, Optional<Felt>> lookup;
    private final Clock clock;
    private final Duration foundTtl;
    private final Duration missingTtl;
    private final Map<ContractAddress, Entry> cache = new ConcurrentHashMap<>();

    private ChainAccountKeys(Function<ContractAddress, Optional<Felt>> lookup, Clock clock, Duration foundTtl,
            Duration missingTtl) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.foundTtl = Objects.requireNonNull(foundTtl, "foundTtl");
        this.missingTtl = Objects.requireNonNull(missingTtl, "missingTtl");
    }

    /**
     * @param lookup reads an account's key from the chain, e.g. {@code StarknetEscrow::accountPublicKey}
     * @param clock the time answers expire by
     * @return keys read through the lookup, remembered for the default times
     */
    public static ChainAccountKeys of(Function<ContractAddress, Optional<Felt>> lookup, Clock clock) {
        return new ChainAccountKeys(lookup, clock, DEFAULT_FOUND_TTL, DEFAULT_MISSING_TTL);
    }

    @Override
    public Optional<Felt> publicKey(ContractAddress account) {
        long now = clock.millis();
        Entry e = cache.get(account);
        if (e != null && now < e.untilMillis()) {
            return e.key();
        }
        Optional<Felt> key = lookup.apply(account);
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(x -> x.untilMillis() <= now);
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(account, new Entry(key, now + (key.isPresent() ? foundTtl : missingTtl).toMillis()));
        return key;
    }
}
