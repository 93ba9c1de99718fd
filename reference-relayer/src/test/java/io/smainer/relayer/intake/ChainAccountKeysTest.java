package io.smainer.relayer.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainException;
import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainAccountKeysTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
    private final Map<ContractAddress, Felt> onChain = new HashMap<>();
    private final List<ContractAddress> reads = new ArrayList<>();
    private boolean chainDown;

    private Optional<Felt> read(ContractAddress account) {
        reads.add(account);
        if (chainDown) {
            throw new ChainException(0, "node unreachable", null);
        }
        return Optional.ofNullable(onChain.get(account));
    }

    @Test
    void readsAKeyOnceAndAgainOnlyAfterItsTimeSoARotationIsSeen() {
        ContractAddress a = ContractAddress.of(0xa);
        onChain.put(a, Felt.of(111));
        ChainAccountKeys keys = ChainAccountKeys.of(this::read, clock);
        assertThat(keys.publicKey(a)).contains(Felt.of(111));
        assertThat(keys.publicKey(a)).contains(Felt.of(111));
        assertThat(reads).hasSize(1);
        onChain.put(a, Felt.of(222)); // rotated on chain
        clock.advance(ChainAccountKeys.DEFAULT_FOUND_TTL.minusSeconds(1));
        assertThat(keys.publicKey(a)).contains(Felt.of(111));
        clock.advance(Duration.ofSeconds(1));
        assertThat(keys.publicKey(a)).contains(Felt.of(222));
        assertThat(reads).hasSize(2);
    }

    @Test
    void remembersThatAnAccountHasNoKeyForAShorterTime() {
        ContractAddress b = ContractAddress.of(0xb);
        ChainAccountKeys keys = ChainAccountKeys.of(this::read, clock);
        assertThat(keys.publicKey(b)).isEmpty();
        assertThat(keys.publicKey(b)).isEmpty();
        assertThat(reads).hasSize(1);
        onChain.put(b, Felt.of(333)); // deployed meanwhile
        clock.advance(ChainAccountKeys.DEFAULT_MISSING_TTL);
        assertThat(keys.publicKey(b)).contains(Felt.of(333));
        assertThat(reads).hasSize(2);
    }

    @Test
    void aChainThatCannotBeReadIsNotRememberedAndReachesTheCaller() {
        ContractAddress c = ContractAddress.of(0xc);
        onChain.put(c, Felt.of(444));
        ChainAccountKeys keys = ChainAccountKeys.of(this::read, clock);
        chainDown = true;
        assertThatThrownBy(() -> keys.publicKey(c)).isInstanceOf(ChainException.class);
        chainDown = false;
        assertThat(keys.publicKey(c)).contains(Felt.of(444));
        assertThat(reads).hasSize(2);
    }

    @Test
    void configuredKeysComeFirst() {
        ContractAddress d = ContractAddress.of(0xd);
        onChain.put(d, Felt.of(555));
        AccountKeys keys = AccountKeys.of(Map.of(d, Felt.of(666))).or(ChainAccountKeys.of(this::read, clock));
        assertThat(keys.publicKey(d)).contains(Felt.of(666));
        assertThat(reads).isEmpty();
    }
}
