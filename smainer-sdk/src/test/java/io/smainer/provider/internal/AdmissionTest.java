package io.smainer.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider's refusal ladder and escrow checks, as plain decisions. */
class AdmissionTest {
    private static final long NOW = 1_800_000_000_000L;
    private final JavaJobRunner runner = JavaJobRunner.create();
    private final Admission admission = new Admission(List.of(runner), 2, Clock.fixed(Instant.ofEpochMilli(NOW),
            ZoneOffset.UTC), TokenAmount.parseStrk("0.05"), "tier");

    @AfterEach
    void close() {
        runner.close();
    }

    private static Messages.TaskAssigned task(String kind, long deadline) {
        return new Messages.TaskAssigned(Messages.newId(), "t", U256.of(9), JobSpec.of(kind, Map.of(), new byte[0]),
                SettlementMode.FLAT, TokenAmount.ONE_STRK, deadline);
    }

    private static Messages.TaskAssigned effort(TokenAmount base, BasisPoints multiplier) {
        return new Messages.TaskAssigned(Messages.newId(), "t", U256.of(9), JobSpec.of(Jobs.SHA256_BATCH, Map.of(),
                new byte[0]), SettlementMode.EFFORT, TokenAmount.ONE_STRK, NOW + 1000, Optional.of(base),
                Optional.of(multiplier));
    }

    private static EscrowTask escrow(EscrowStatus status, BasisPoints multiplier) {
        ContractAddress a = ContractAddress.parse("0xa");
        return new EscrowTask(U256.of(9), a, a, TokenAmount.ONE_STRK, TokenAmount.ONE_STRK, multiplier,
                TokenAmount.ONE_STRK, Tier.BASIC, Felt.of(1), status);
    }

    @Test
    void takesAKindItRunsOnTheRunnerThatRunsIt() {
        Admission.Decision d = admission.decide(task(Jobs.SHA256_BATCH, NOW + 1000), false, 1);

        assertThat(d.refusal()).isEmpty();
        assertThat(d.runner()).contains(runner);
    }

    @Test
    void refusesInTheLaddersOrder() {
        assertThat(admission.decide(task("nope", NOW - 1), true, 5).refusal()).contains("node is shutting down");
        assertThat(admission.decide(task("nope", NOW - 1), false, 5).refusal().orElseThrow())
                .startsWith("this node does not run job kind 'nope'");
        assertThat(admission.decide(task(Jobs.SHA256_BATCH, NOW - 1), false, 2).refusal())
                .contains("at capacity (2 of 2 tasks running)");
        assertThat(admission.decide(task(Jobs.SHA256_BATCH, NOW), false, 1).refusal())
                .contains("the task's deadline had passed when it arrived");
        assertThat(admission.decide(effort(TokenAmount.parseStrk("0.04"), Tier.PRO.defaultMultiplier()), false, 0)
                .refusal().orElseThrow()).contains("below this node's minimum");
        assertThat(admission.decide(effort(TokenAmount.parseStrk("0.05"), Tier.PRO.defaultMultiplier()), false, 0)
                .refusal()).isEmpty();
    }

    @Test
    void worksOnlyForAnOpenEscrowAtItsOnChainMultiplier() {
        Messages.TaskAssigned pro = effort(TokenAmount.parseStrk("0.1"), Tier.PRO.defaultMultiplier());

        assertThat(admission.escrowProblem(pro, Optional.of(escrow(EscrowStatus.CREATED, Tier.PRO.defaultMultiplier())),
                null)).isEmpty();
        assertThat(admission.escrowProblem(pro, Optional.empty(), null))
                .contains(new Admission.Problem("escrow 9 does not exist on-chain", false));
        assertThat(admission.escrowProblem(pro, Optional.of(escrow(EscrowStatus.SETTLED, Tier.PRO.defaultMultiplier())),
                null)).contains(new Admission.Problem("escrow 9 is settled, not open for work", false));
        assertThat(admission.escrowProblem(pro, Optional.of(escrow(EscrowStatus.CREATED,
                Tier.BASIC.defaultMultiplier())), null).orElseThrow().reason()).contains("does not match escrow 9");
        Admission.Problem unreadable = admission.escrowProblem(pro, Optional.empty(),
                new CompletionException(new IllegalStateException("node down"))).orElseThrow();
        assertThat(unreadable).isEqualTo(new Admission.Problem("could not read escrow 9: node down", true));
    }

    @Test
    void withoutAnEscrowItTrustsTheAssignmentsMultiplierElseTheJobsTier() {
        assertThat(admission.trustedMultiplier(effort(TokenAmount.ONE_STRK, Tier.PREMIUM.defaultMultiplier())))
                .isEqualTo(Tier.PREMIUM.defaultMultiplier());
        Messages.TaskAssigned byParam = new Messages.TaskAssigned(Messages.newId(), "t", U256.of(9),
                JobSpec.of(Jobs.SHA256_BATCH, Map.of("tier", "pro"), new byte[0]), SettlementMode.EFFORT,
                TokenAmount.ONE_STRK, NOW + 1000);
        assertThat(admission.trustedMultiplier(byParam)).isEqualTo(Tier.PRO.defaultMultiplier());
        Messages.TaskAssigned junk = new Messages.TaskAssigned(Messages.newId(), "t", U256.of(9),
                JobSpec.of(Jobs.SHA256_BATCH, Map.of("tier", "gold"), new byte[0]), SettlementMode.EFFORT,
                TokenAmount.ONE_STRK, NOW + 1000);
        assertThat(admission.trustedMultiplier(junk)).isEqualTo(Tier.BASIC.defaultMultiplier());
    }
}
