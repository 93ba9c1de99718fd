package io.smainer.relayer.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainException;
import io.smainer.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AccountCheckGateTest {
    private static final ContractAddress ACCOUNT = ContractAddress.of(0x2001);

    @Test
    void refusesAtOnceWhileTheBoundIsWaitingOnTheChainAndLetsChecksThroughAgainAfter() throws Exception {
        AccountCheckGate gate = AccountCheckGate.of(2);
        CountDownLatch chainAnswers = new CountDownLatch(1);
        Function<ContractAddress, Optional<Felt>> hangingLookup = gate.keys(a -> {
            try {
                chainAnswers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(Felt.of(7));
        });
        List<Thread> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> hangingLookup.apply(ACCOUNT));
            t.start();
            waiting.add(t);
        }
        Await.until(Duration.ofSeconds(10), () -> gate.inFlight() == 2, () -> "two checks in flight");

        AccountSignatureCheck snip6 = gate.signatures((account, hash, signature) -> Optional.empty());
        assertThatThrownBy(() -> snip6.check(ACCOUNT, Felt.of(1), null)).isInstanceOf(ChainException.class)
                .hasMessageContaining("already waiting on the chain for 2 account checks")
                .hasMessageContaining("starknet.account_checks_in_flight");

        chainAnswers.countDown();
        for (Thread t : waiting) {
            t.join(10_000);
        }
        assertThat(gate.inFlight()).isZero();
        assertThat(hangingLookup.apply(ACCOUNT)).contains(Felt.of(7));
    }

    @Test
    void givesItsPermitBackWhenTheCheckFails() {
        AccountCheckGate gate = AccountCheckGate.of(1);
        Function<ContractAddress, Optional<Felt>> down = gate.keys(a -> {
            throw new ChainException(0, "node down", null);
        });

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> down.apply(ACCOUNT)).hasMessage("node down");
        }
        assertThat(gate.inFlight()).isZero();
    }
}
