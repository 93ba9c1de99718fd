package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StakingCalls;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.Freivalds;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.staking.StakingPolicy;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.Await;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The headline: a relayer, three providers (the SDK's {@link ProviderNode} on the Java job
 * runner) and a demander in one JVM on the in-process ledger. 1,000 tasks of mixed kinds, tiers, odd
 * amounts and both settlement modes complete; every settlement on chain matches the fee math to the
 * base unit; the balances reconcile.
 */
class ThousandTasksIT {
    private static final int TASKS = 1000;

    @Test
    void aThousandTasksSettleExactlyAndTheBooksBalance() throws Exception {
        run(false);
    }

    /**
     * The same with the staking policy on (each provider staked 5 STRK, 10% of the exact kinds recomputed): the
     * active-task counts ride the settlement batches, the books balance the same way, and every count is back at
     * zero. Prints the figures: transactions per 1,000 tasks and what the spot check cost.
     */
    @Test
    void withTheStakingPolicyOnTheCountsRideTheSettlementsAndTheBooksStillBalance() throws Exception {
        run(true);
    }

    private void run(boolean staking) throws Exception {
        try (LocalNetwork net = new LocalNetwork(Map.of("settlement.max_delay_millis", "100"), staking)) {
            List<ProviderNode> nodes = new ArrayList<>();
            List<JavaJobRunner> runners = new ArrayList<>();
            List<ContractAddress> providers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ContractAddress address = ContractAddress.of(0x4000 + i);
                KeyPair key = KeyPair.generate(net.random, net.crypto);
                Escrow own = net.ledger.client(address);
                own.registerNode();
                own.setProviderPublicKey(key.publicKey());
                if (staking) { // all of its STRK: its balance is then its earnings alone, as without staking
                    net.ledger.mint(address, Staking.ABSOLUTE_MIN_STAKE);
                    net.ledger.staking(address).depositStake(Staking.ABSOLUTE_MIN_STAKE);
                }
                JavaJobRunner runner = JavaJobRunner.builder().computeThreads(1).workerThreads(2).build();
                runners.add(runner);
                providers.add(address);
                nodes.add(ProviderNode.builder().relayer(net.wsUri()).account(address, key).runner(runner).concurrency(8)
                        .tier(Tier.PREMIUM).crypto(net.crypto).build().start());
            }
            Await.until(Duration.ofSeconds(20), () -> net.relayer.store().nodes().stream().filter(n -> n.online()).count() == 3,
                    () -> "3 providers online, got " + net.relayer.store().nodes());

            SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                    .keyPair(net.demanderKey).chainId(ChainId.LOCAL).build();
            Random rnd = new Random(7);
            Tier[] tiers = Tier.values();
            List<Future<String>> submitted = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            long t0 = System.nanoTime();
            for (int i = 0; i < TASKS; i++) {
                Tier tier = tiers[i % 3];
                SettlementMode mode = i % 5 == 0 ? SettlementMode.EFFORT : SettlementMode.FLAT;
                // 0.1 STRK and up, with odd base units so that every rounding path is taken
                TokenAmount base = TokenAmount.ofBaseUnits(new BigInteger("100000000000000000")
                        .add(BigInteger.valueOf(rnd.nextInt(1_000_000_007))));
                JobSpec job = job(i, rnd, tier);
                submitted.add(pool.submit(() -> {
                    CreatedTask funded = client.createEscrow(base, tier, job);
                    return client.submit(funded.escrowId(), job, mode, Optional.empty()).taskId();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : submitted) {
                ids.add(f.get());
            }
            pool.shutdown();
            Await.until(Duration.ofSeconds(180), () -> net.relayer.store().countByStatus().get(TaskStatus.SETTLED) == TASKS,
                    () -> "all settled: " + net.relayer.store().countByStatus());
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ThousandTasksIT: %d tasks submitted and settled in %.1f s (%.0f tasks/s), %d settlement "
                    + "transactions%n", TASKS, seconds, TASKS / seconds, net.relayer.settler().orElseThrow().batchesSent());

            // every settlement on chain matches the fee math to the base unit
            Map<U256, EscrowEvent.TaskSettled> settledOnChain = new HashMap<>();
            Map<U256, EscrowEvent.TaskCreated> createdOnChain = new HashMap<>();
            for (EscrowEvent e : net.demander.eventsAfter(EventCursor.START)) {
                if (e instanceof EscrowEvent.TaskSettled s) {
                    assertThat(settledOnChain.put(s.taskId(), s)).as("settled once: %s", s.taskId()).isNull();
                } else if (e instanceof EscrowEvent.TaskCreated c) {
                    createdOnChain.put(c.taskId(), c);
                }
            }
            assertThat(settledOnChain).hasSize(TASKS);
            BigInteger providerTotal = BigInteger.ZERO;
            BigInteger treasuryTotal = BigInteger.ZERO;
            BigInteger escrowTotal = BigInteger.ZERO;
            BigInteger refundTotal = BigInteger.ZERO;
            Map<ContractAddress, BigInteger> perProvider = new LinkedHashMap<>();
            int effort = 0;
            for (String id : ids) {
                TaskRecord t = net.relayer.store().task(id).orElseThrow();
                assertThat(t.status()).isEqualTo(TaskStatus.SETTLED);
                Completion c = t.completion().orElseThrow();
                EscrowEvent.TaskSettled s = settledOnChain.get(t.escrowId());
                assertThat(s.provider()).isEqualTo(c.provider());
                assertThat(createdOnChain.get(t.escrowId()).amount()).isEqualTo(t.escrowAmount());
                TokenAmount provider;
                TokenAmount treasury;
                TokenAmount refund;
                if (t.settlement() == SettlementMode.FLAT) {
                    FlatSplit split = FeeMath.flatSplit(t.escrowAmount());
                    provider = split.providerTotal();
                    treasury = split.treasury();
                    refund = TokenAmount.ZERO;
                } else {
                    effort++;
                    EffortSplit split = FeeMath.effortSplit(t.escrowAmount(), c.actualCost().orElseThrow());
                    provider = split.provider();
                    treasury = split.treasury();
                    refund = split.refund();
                }
                assertThat(s.providerAmount()).as("provider amount of %s", id).isEqualTo(provider);
                assertThat(s.treasuryAmount()).as("treasury amount of %s", id).isEqualTo(treasury);
                assertThat(s.refund()).as("refund of %s", id).isEqualTo(refund);
                assertThat(s.affiliateAmount()).isEqualTo(TokenAmount.ZERO);
                providerTotal = providerTotal.add(provider.baseUnits());
                treasuryTotal = treasuryTotal.add(treasury.baseUnits());
                escrowTotal = escrowTotal.add(t.escrowAmount().baseUnits());
                refundTotal = refundTotal.add(refund.baseUnits());
                perProvider.merge(c.provider(), provider.baseUnits(), BigInteger::add);
            }
            assertThat(effort).isEqualTo(TASKS / 5);
            // the balances reconcile
            for (ContractAddress p : providers) {
                assertThat(net.ledger.balanceOf(p).baseUnits()).isEqualTo(perProvider.getOrDefault(p, BigInteger.ZERO));
            }
            assertThat(perProvider.keySet()).as("every provider worked").containsExactlyInAnyOrderElementsOf(providers);
            assertThat(net.ledger.balanceOf(LocalNetwork.TREASURY).baseUnits()).isEqualTo(treasuryTotal);
            assertThat(net.ledger.balanceOf(LocalNetwork.DEMANDER).baseUnits())
                    .isEqualTo(LocalNetwork.MINTED.baseUnits().subtract(escrowTotal).add(refundTotal));
            assertThat(net.ledger.balanceOf(net.ledger.contract())).isEqualTo(TokenAmount.ZERO);
            assertThat(providerTotal.add(treasuryTotal).add(refundTotal)).isEqualTo(escrowTotal);
            assertThat(net.relayer.settler().orElseThrow().batchesSent()).isLessThan(TASKS);
            if (staking) {
                stakingFigures(net, ids, providers);
            }

            for (ProviderNode n : nodes) {
                n.close(Duration.ofSeconds(2));
            }
            runners.forEach(JavaJobRunner::close);
        }
    }

    /** The counts end at zero, the staking contract holds the stakes; prints transactions and spot-check costs. */
    private static void stakingFigures(LocalNetwork net, List<String> ids, List<ContractAddress> providers) {
        StakingPolicy policy = net.relayer.staking().orElseThrow();
        long batches = net.relayer.settler().orElseThrow().batchesSent();
        long countCalls = policy.countCallsInSettlements();
        long countOnly = policy.countOnlyTransactions();
        policy.checkNow(); // the counts of the last batch's tasks: sent alone
        for (ContractAddress p : providers) {
            assertThat(net.ledger.dryRun(p, List.of(StakingCalls.requestUnstake(LocalNetwork.STAKING))))
                    .as("no active task counted for %s", p).isEmpty();
        }
        assertThat(net.ledger.balanceOf(LocalNetwork.STAKING).baseUnits())
                .isEqualTo(Staking.ABSOLUTE_MIN_STAKE.baseUnits().multiply(BigInteger.valueOf(providers.size())));
        long relayerTransactions = net.ledger.nonce(LocalNetwork.RELAYER).value().longValueExact();
        // what a spot check costs the relayer: a recomputation per chosen exact-kind result, Freivalds per matmul
        long recomputeNanos = 0;
        int recomputed = 0;
        long freivaldsNanos = 0;
        int matmuls = 0;
        for (String id : ids) {
            TaskRecord t = net.relayer.store().task(id).orElseThrow();
            byte[] result = t.completion().orElseThrow().result();
            long t0 = System.nanoTime();
            boolean passed;
            if (t.job().kind().equals(Jobs.MATMUL_F32)) {
                passed = Freivalds.create().check(t.job(), result).passed();
                freivaldsNanos += System.nanoTime() - t0;
                matmuls++;
            } else {
                passed = ResultChecks.recompute().check(t.job(), result).passed();
                recomputeNanos += System.nanoTime() - t0;
                recomputed++;
            }
            assertThat(passed).as("the honest result of %s checks out", id).isTrue();
        }
        System.out.printf("ThousandTasksIT with staking: %d tasks, %d relayer transactions (%d settlement batches carrying "
                + "%d active-task count calls, %d sent alone during the run, the rest in one closing flush): %.1f "
                + "transactions per 1,000 tasks; %d spot checks (staking.spot_check_bps=%d); a recomputation of saxpy-f32 "
                + "costs %.1f us on average (%d measured), Freivalds on matmul-f32 %.1f us (%d measured)%n", TASKS,
                relayerTransactions, batches, countCalls, countOnly, relayerTransactions * 1000.0 / TASKS,
                policy.spotChecks(), net.relayer.config().staking().spotCheckBasisPoints(),
                recomputeNanos / 1e3 / Math.max(1, recomputed), recomputed, freivaldsNanos / 1e3 / Math.max(1, matmuls),
                matmuls);
        assertThat(countCalls).as("counts rode the settlement batches").isPositive();
        assertThat(relayerTransactions).isLessThanOrEqualTo(batches + countOnly + 1);
        assertThat(policy.slashesInitiated()).isZero();
    }

    private static JobSpec job(int i, Random rnd, Tier tier) {
        JobSpec base;
        if (i % 2 == 0) {
            int n = 4 + rnd.nextInt(5);
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            for (int k = 0; k < a.length; k++) {
                a[k] = rnd.nextFloat();
                b[k] = rnd.nextFloat();
            }
            base = Jobs.matmul(n, a, b);
        } else {
            int n = 16 + rnd.nextInt(64);
            float[] x = new float[n];
            float[] y = new float[n];
            for (int k = 0; k < n; k++) {
                x[k] = rnd.nextFloat();
                y[k] = rnd.nextFloat();
            }
            base = Jobs.saxpy(rnd.nextFloat(), x, y);
        }
        Map<String, String> params = new LinkedHashMap<>(base.params());
        params.put(ProviderNode.TIER_PARAM, tier.wireName());
        return new JobSpec(base.kind(), params, base.payload(), base.timeoutMillis(), base.maxMemoryBytes());
    }
}
