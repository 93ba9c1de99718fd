package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staking conformance suite against the in-process ledger's model of the contract. */
class LedgerStakingConformanceTest extends StakingConformance {
    @TempDir
    Path dir;

    @Override
    protected Network open(Ledger ledger) {
        return new Network() {
            @Override
            public Staking connect(ContractAddress account, Felt accountKey) {
                return ledger.staking(account);
            }

            @Override
            public void close() {
                // nothing to release: the ledger lives in this JVM
            }
        };
    }

    @Test
    void aSavedLedgerKeepsTheStakingContractsWholeState() {
        as(PROVIDER).depositStake(STAKE);
        as(RELAYER).incrementActiveTasks(PROVIDER);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        as(PROVIDER).appealSlash();
        as(OWNER).setMinStake(TokenAmount.parseStrk("6"));
        Path file = dir.resolve("ledger.json");
        ledger.save(file);
        Ledger loaded = Ledger.load(file, clock, CRYPTO);
        assertThat(loaded.stateJson()).isEqualTo(ledger.stateJson()).contains("\"staking\"");
        Staking again = loaded.staking(PROVIDER);
        assertThat(again.stake(PROVIDER)).isEqualTo(STAKE);
        assertThat(again.minStake()).isEqualTo(TokenAmount.parseStrk("6"));
        assertThat(again.activeSlash(PROVIDER)).get().extracting(ActiveSlash::appealPending).isEqualTo(true);
        reverts(again::requestUnstake, StakingReverts.ACTIVE_TASKS_PENDING);
        loaded.staking(OWNER).resolveAppeal(PROVIDER, false);
        assertThat(again.activeSlash(PROVIDER)).isEmpty();
    }
}
