package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import io.smainer.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference provider daemon ({@code provider run}) on pro and premium effort tasks from a real relayer whose
 * {@code price.effort_base} is not the deployed one: the daemon reads escrows through Starknet JSON-RPC (a
 * {@link TestRpcNode} in front of the relayer's ledger) and prices receipts as the assignment says, so every
 * task settles at the relayer's cost to the base unit.
 */
class ProviderDaemonEffortIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TokenAmount EFFORT_BASE = TokenAmount.ofBaseUnits(87_654_321_987_654_321L);

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();
    private final AtomicReference<Runnable> sigterm = new AtomicReference<>();

    private static void await(String what, BooleanSupplier condition) {
        Await.until(WAIT, condition, () -> what);
    }

    private ProviderCli cli(ByteArrayOutputStream out) {
        JobRunners.Factory metered = (config, hardware) -> new JobRunners.Chosen(List.of(JavaJobRunner.builder()
                .standardKinds(false).handler(new ProviderNodeRelayerIT.MeteredJob()).build()), "java", false);
        return new ProviderCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), env, home, ProviderCli.Prompt.NONE, Main.gpuDiscovery(),
                metered, Escrows::open, sigterm::set, CRYPTO, Clock.systemUTC());
    }

    @Test
    void theDaemonChecksEscrowsOnChainAndItsProAndPremiumEffortReceiptsSettleAtTheRelayersPrice() throws Exception {
        ContractAddress relayerAccount = ContractAddress.of(0x1002);
        ContractAddress treasury = ContractAddress.of(0x1003);
        ContractAddress demander = ContractAddress.of(0x2001);
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x1001)).relayer(relayerAccount).treasury(treasury).build();
        ledger.mint(demander, TokenAmount.parseStrk("100"));
        KeyPair demanderKey = KeyPair.generate(new SecureRandom(), CRYPTO);
        Relayer relayer = Relayer.builder().config(RelayerConfig.load(Map.of("host", "127.0.0.1", "port", "0",
                "demander_keys", demander.hex() + ":" + demanderKey.publicKey().hex(), "settlement.max_delay_millis", "20",
                "price.effort_base", EFFORT_BASE.toString())))
                .escrow(ledger.client(relayerAccount)).crypto(CRYPTO).build().start();
        try (relayer; TestRpcNode rpc = TestRpcNode.builder().ledger(ledger).start();
                SmainerClient client = SmainerClient.builder().relayer(relayer.uri()).escrow(ledger.client(demander))
                        .keyPair(demanderKey).chainId(ChainId.LOCAL).build()) {
            env.put(ProviderConfig.PASSPHRASE_ENV, "a long enough passphrase");
            assertThat(cli(new ByteArrayOutputStream()).run("init")).isZero();
            Keystore.PublicPart me = Keystore.peek(home.resolve(".smainer/provider.keystore"));
            try (Escrow own = ledger.client(me.address())) {
                own.registerNode();
                own.setProviderPublicKey(me.publicKey());
            }
            rpc.addAccount(me.address(), me.publicKey());
            env.put("SMAINER_RELAYER_URL", relayer.uri().toString());
            env.put("SMAINER_RPC_URL", rpc.url().toString());
            env.put("SMAINER_CHAIN_ID", ledger.chainId().name());
            env.put("SMAINER_STATUS_PORT", "0");
            env.put("SMAINER_CLOSE_GRACE_SECONDS", "2");
            env.put("SMAINER_TIER", "premium");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            ProviderCli running = cli(log);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> running.run("run", "--name", "effort-it"));
            await("provider ready", () -> running.daemon().map(d -> d.status().state() == ProviderNode.State.READY)
                    .orElse(false));
            ProviderDaemon daemon = running.daemon().orElseThrow();
            int readsBefore = rpc.callCount("starknet_call");

            // score 30*800 + floor(625*300/32) + 9000/5 + 6000 (a 30B model) = 24000 + 5859 + 1800 + 6000 = 37659
            Map<String, String> metrics = Map.of("in", "800", "out", "300", "gpu_ms", "9000", "params_b", "30");
            assertThat(EffortPricing.effortScore(800, 300, 9000, 30)).isEqualTo(37_659);
            JobSpec proJob = JobSpec.of(ProviderNodeRelayerIT.MeteredJob.KIND, metrics, "pro".getBytes(StandardCharsets.UTF_8));
            JobSpec premiumJob = JobSpec.of(ProviderNodeRelayerIT.MeteredJob.KIND, metrics,
                    "premium".getBytes(StandardCharsets.UTF_8));
            CreatedTask pro = client.createEscrow(TokenAmount.parseStrk("1"), Tier.PRO, proJob);
            CreatedTask premium = client.createEscrow(TokenAmount.parseStrk("1"), Tier.PREMIUM, premiumJob);
            TokenAmount demanderBefore = ledger.balanceOf(demander);
            client.awaitResult(client.submit(pro.escrowId(), proJob, SettlementMode.EFFORT, Optional.empty()).taskId(), WAIT);
            client.awaitResult(client.submit(premium.escrowId(), premiumJob, SettlementMode.EFFORT, Optional.empty()).taskId(),
                    WAIT);

            // floor(87654321987654321 * m * 37659 / 10^8) for m = 22000 and 35000, in exact integer arithmetic
            TokenAmount proCost = EffortPricing.actualCost(EFFORT_BASE, Tier.PRO.defaultMultiplier(), 37_659, pro.escrowed());
            TokenAmount premiumCost = EffortPricing.actualCost(EFFORT_BASE, Tier.PREMIUM.defaultMultiplier(), 37_659,
                    premium.escrowed());
            assertThat(proCost).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("726214304581276296")));
            assertThat(premiumCost).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("1155340939106575926")));
            EffortSplit proSplit = FeeMath.effortSplit(pro.escrowed(), proCost);
            EffortSplit premiumSplit = FeeMath.effortSplit(premium.escrowed(), premiumCost);
            assertThat(ledger.balanceOf(me.address())).isEqualTo(proSplit.provider().plus(premiumSplit.provider()));
            assertThat(ledger.balanceOf(treasury)).isEqualTo(proSplit.treasury().plus(premiumSplit.treasury()));
            assertThat(ledger.balanceOf(demander)).isEqualTo(demanderBefore.plus(proSplit.refund()).plus(premiumSplit.refund()));
            for (CreatedTask t : List.of(pro, premium)) {
                assertThat(ledger.client(demander).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.SETTLED);
            }
            // the daemon read both escrows over JSON-RPC before running them
            assertThat(rpc.callCount("starknet_call") - readsBefore).isGreaterThanOrEqualTo(2);
            assertThat(daemon.status().completed()).isEqualTo(2);

            sigterm.get().run();
            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        }
    }
}
