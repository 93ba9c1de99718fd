package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.OpenedResult;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ActiveSlash;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StakingCalls;
import io.smainer.escrow.StakingEvent;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.Jobs;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.staking.StakingPolicy;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealedJob;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The staking policy end to end on a local network (the in-process ledger with {@code SmainerStakingContract}
 * deployed beside the escrow, a relayer on port 0, real WebSocket providers and real signatures): a provider
 * stakes and is paid for a task; it then signs a wrong {@code sha256-batch} result, the spot check recomputes it,
 * the evidence is kept and served and its hash becomes the slash's reason; the slash executes once the appeal
 * window has passed on the chain's clock (moved by hand) with the exact 80/20 shares; a second wrong result is
 * slashed, appealed, the owner rejects the appeal and the 50% slash executes after the fresh window; a provider
 * below {@code staking.min_stake} is refused at login with the reason; the active-task counts end at zero; every
 * balance reconciles to the base unit.
 */
class StakingIT {
    private static final ContractAddress OWNER = ContractAddress.of(0x1001);
    private static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    private static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x2001);
    private static final ContractAddress STAKED = ContractAddress.of(0x3001);
    private static final ContractAddress UNDERSTAKED = ContractAddress.of(0x3002);
    private static final ContractAddress STAKING = ContractAddress.of(0x5a4e);
    private static final TokenAmount DEMANDER_FUNDS = TokenAmount.parseStrk("1000");
    private static final TokenAmount PROVIDER_FUNDS = TokenAmount.parseStrk("200");
    private static final TokenAmount STAKE = TokenAmount.parseStrk("100");
    private static final Duration WINDOW = Duration.ofDays(7);

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final SecureRandom random = new SecureRandom();
    private final MutableClock chainClock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private static JobSpec hashes(String text) {
        return Jobs.sha256Batch(List.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static NodeCapabilities caps() {
        return new NodeCapabilities("staked-node", List.of(Jobs.SHA256_BATCH), List.of(), Tier.PREMIUM, 1);
    }

    @Test
    void aSignedWrongResultIsCaughtKeptServedAndSlashedAndAnUnderstakedProviderGetsNoTask() throws Exception {
        Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).clock(chainClock).crypto(crypto)
                .staking(STAKING, RELAYER, TokenAmount.parseStrk("10")).build();
        ledger.mint(DEMANDER, DEMANDER_FUNDS);
        ledger.mint(STAKED, PROVIDER_FUNDS);
        ledger.mint(UNDERSTAKED, PROVIDER_FUNDS);
        TokenAmount supply = ledger.totalSupply();
        KeyPair demanderKey = KeyPair.generate(random, crypto);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("host", "127.0.0.1");
        s.put("port", "0");
        s.put("demander_keys", DEMANDER.hex() + ":" + demanderKey.publicKey().hex());
        s.put("settlement.max_delay_millis", "20");
        s.put("max_attempts", "1");
        s.put("staking.enabled", "true");
        s.put("staking.contract", STAKING.hex());
        s.put("staking.min_stake", TokenAmount.parseStrk("20").baseUnits().toString());
        s.put("staking.spot_check_bps", "10000");
        s.put("staking.slash_check_seconds", "3600"); // the test runs the checks itself (checkNow)
        Relayer relayer = Relayer.builder().config(RelayerConfig.load(s)).escrow(ledger.client(RELAYER))
                .staking(ledger.staking(RELAYER)).chainClock(chainClock).crypto(crypto).build().start();
        closing.add(relayer);
        StakingPolicy policy = relayer.staking().orElseThrow();
        org.eclipse.jetty.client.HttpClient jetty = new org.eclipse.jetty.client.HttpClient();
        jetty.start();
        closing.add(jetty::stop);
        WebSocketClient ws = new WebSocketClient(jetty);
        ws.start();
        closing.add(ws::stop);
        URI wsUri = URI.create("ws://127.0.0.1:" + relayer.port() + "/api/v1/ws");
        Escrow demander = ledger.client(DEMANDER);
        SmainerClient client = SmainerClient.builder().relayer(relayer.uri()).escrow(demander).keyPair(demanderKey)
                .chainId(ChainId.LOCAL).build();
        closing.add(client);
        Staking anyone = ledger.staking(DEMANDER);

        // both providers register; one stakes 100 STRK, the other 10 STRK, below the relayer's 20
        TestProvider staked = provider(ledger, STAKED, TestProvider.Behaviour.RUN);
        TestProvider understaked = provider(ledger, UNDERSTAKED, TestProvider.Behaviour.RUN);
        ledger.staking(STAKED).depositStake(STAKE);
        ledger.staking(UNDERSTAKED).depositStake(TokenAmount.parseStrk("10"));

        // the under-staked provider is refused at login, and told why
        understaked.connect(ws, wsUri);
        assertThatThrownBy(understaked::awaitLogin).hasMessageContaining("stake_below_minimum")
                .hasMessageContaining("expected at least 20 STRK").hasMessageContaining("got 10 STRK");
        Await.until(Duration.ofSeconds(10), () -> !understaked.isOpen());
        staked.connect(ws, wsUri);
        staked.awaitLogin();

        // an honest task: paid, and its active-task count rides the settlement batch
        JobSpec honest = hashes("an honest task");
        CreatedTask a = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, honest);
        Api.TaskCreated ta = client.submit(a.escrowId(), honest);
        client.awaitResult(ta.taskId(), Duration.ofSeconds(20));
        assertThat(staked.assigned).hasSize(1);
        assertThat(understaked.assigned).isEmpty();
        Await.until(Duration.ofSeconds(10), () -> policy.countCallsInSettlements() >= 1);

        // a sealed task of the same exact kind: the relayer cannot read its result, so it never spot-checks it (a
        // recomputation on the ciphertext would refuse an honest result and keep the ciphertext as evidence)
        staked.behaviour = t -> TestProvider.Behaviour.RUN_SEALED;
        SealedJob sealed = client.seal(hashes("a sealed task"), List.of(new Envelope.Recipient(STAKED,
                staked.sealKeys.publicKey())));
        CreatedTask sa = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealed.sealed());
        Api.TaskCreated st = client.submit(sa.escrowId(), sealed.sealed());
        OpenedResult opened = client.awaitSealedResult(st.taskId(), sealed, Duration.ofSeconds(20));
        assertThat(ResultChecks.recompute().check(sealed.plain(), opened.result()).passed()).isTrue();
        assertThat(anyone.activeSlash(STAKED)).isEmpty();
        assertThat(client.task(st.taskId()).resultCheck()).contains(Api.TaskView.CHECKED_BY_DEMANDER);

        // a wrong result, signed: the spot check recomputes it, the completion is refused, evidence kept
        staked.behaviour = t -> TestProvider.Behaviour.HONEST; // echoes the payload back: not its SHA-256
        JobSpec cheated = hashes("a task answered wrongly");
        CreatedTask b = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, cheated);
        Api.TaskCreated tb = client.submit(b.escrowId(), cheated);
        Await.until(Duration.ofSeconds(20), () -> client.task(tb.taskId()).status() == TaskStatus.FAILED);
        Await.until(Duration.ofSeconds(20), () -> anyone.activeSlash(STAKED).isPresent());
        ActiveSlash first = anyone.activeSlash(STAKED).orElseThrow();
        assertThat(first.percent()).isEqualTo(20);
        byte[] evidence = served(relayer, first.reasonHash());
        assertThat(Receipts.resultHash(evidence)).isEqualTo(first.reasonHash());
        String json = new String(evidence, StandardCharsets.UTF_8);
        assertThat(json).contains(tb.taskId()).contains(STAKED.hex()).contains("recompute");
        assertThat(notServed(relayer, "0x1234")).isEqualTo(404);

        // not before the appeal window
        policy.checkNow();
        assertThat(anyone.stake(STAKED)).isEqualTo(STAKE);
        chainClock.advance(WINDOW);
        policy.checkNow();
        TokenAmount slash1 = TokenAmount.parseStrk("20");
        assertThat(anyone.stake(STAKED)).isEqualTo(STAKE.minus(slash1));
        assertThat(ledger.balanceOf(RELAYER)).isEqualTo(TokenAmount.parseStrk("4"));
        assertThat(anyone.activeSlash(STAKED)).isEmpty();
        assertThat(policy.slashesExecuted()).isEqualTo(1);

        // a second wrong result a day later: slashed, appealed, the owner rejects the appeal, 50% after a fresh window
        chainClock.advance(Duration.ofDays(1));
        JobSpec cheatedAgain = hashes("another task answered wrongly");
        CreatedTask c = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, cheatedAgain);
        Api.TaskCreated tc = client.submit(c.escrowId(), cheatedAgain);
        Await.until(Duration.ofSeconds(20), () -> client.task(tc.taskId()).status() == TaskStatus.FAILED);
        Await.until(Duration.ofSeconds(20), () -> anyone.activeSlash(STAKED).isPresent());
        ActiveSlash second = anyone.activeSlash(STAKED).orElseThrow();
        assertThat(second.percent()).isEqualTo(50);
        assertThat(second.reasonHash()).isNotEqualTo(first.reasonHash());
        assertThat(Receipts.resultHash(served(relayer, second.reasonHash()))).isEqualTo(second.reasonHash());
        ledger.staking(STAKED).appealSlash();
        chainClock.advance(WINDOW.plusDays(3));
        policy.checkNow();
        assertThat(anyone.stake(STAKED)).isEqualTo(STAKE.minus(slash1)); // paused by the appeal
        ledger.staking(OWNER).resolveAppeal(STAKED, true); // the appeal is rejected: the slash stands
        chainClock.advance(WINDOW.minusSeconds(1));
        policy.checkNow();
        assertThat(anyone.stake(STAKED)).isEqualTo(STAKE.minus(slash1));
        chainClock.advance(Duration.ofSeconds(1));
        policy.checkNow();
        TokenAmount slash2 = TokenAmount.parseStrk("40");
        TokenAmount left = STAKE.minus(slash1).minus(slash2);
        assertThat(anyone.stake(STAKED)).isEqualTo(left);
        assertThat(anyone.slashCount(STAKED)).isEqualTo(2);
        List<StakingEvent.SlashExecuted> executed = anyone.eventsAfter(EventCursor.START).stream()
                .filter(StakingEvent.SlashExecuted.class::isInstance).map(StakingEvent.SlashExecuted.class::cast).toList();
        assertThat(executed).extracting(StakingEvent.SlashExecuted::treasuryShare)
                .containsExactly(TokenAmount.parseStrk("16"), TokenAmount.parseStrk("32"));
        assertThat(executed).extracting(StakingEvent.SlashExecuted::verifierShare)
                .containsExactly(TokenAmount.parseStrk("4"), TokenAmount.parseStrk("8"));

        // the relayer kept the active-task counts honest: every lost or settled task is off the count
        policy.checkNow(); // flushes the counts owed for the two refused tasks (no settlement carried them)
        assertThat(ledger.dryRun(STAKED, List.of(StakingCalls.requestUnstake(STAKING)))).isEmpty();
        assertThat(anyone.eventsAfter(EventCursor.START)).filteredOn(StakingEvent.TaskAbandoned.class::isInstance)
                .hasSize(2);

        // balances reconcile to the base unit
        FlatSplit paid = FeeMath.flatSplit(a.escrowed());
        FlatSplit paidSealed = FeeMath.flatSplit(sa.escrowed());
        assertThat(ledger.balanceOf(STAKED)).isEqualTo(PROVIDER_FUNDS.minus(STAKE).plus(paid.providerTotal())
                .plus(paidSealed.providerTotal()));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(paid.treasury().plus(paidSealed.treasury())
                .plus(TokenAmount.parseStrk("48")));
        assertThat(ledger.balanceOf(RELAYER)).isEqualTo(TokenAmount.parseStrk("12"));
        assertThat(ledger.balanceOf(STAKING)).isEqualTo(left.plus(TokenAmount.parseStrk("10")));
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(DEMANDER_FUNDS.minus(a.escrowed()).minus(b.escrowed())
                .minus(c.escrowed()).minus(sa.escrowed()));
        assertThat(ledger.balanceOf(ledger.contract())).isEqualTo(b.escrowed().plus(c.escrowed()));
        TokenAmount sum = TokenAmount.ZERO;
        for (ContractAddress who : List.of(DEMANDER, STAKED, UNDERSTAKED, TREASURY, RELAYER, STAKING, ledger.contract())) {
            sum = sum.plus(ledger.balanceOf(who));
        }
        assertThat(sum).isEqualTo(supply);
        assertThat(policy.evidenceKept()).isEqualTo(2);
        assertThat(policy.spotChecks()).isEqualTo(3);
    }

    private TestProvider provider(Ledger ledger, ContractAddress address, TestProvider.Behaviour behaviour) {
        KeyPair key = KeyPair.generate(random, crypto);
        Escrow own = ledger.client(address);
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        TestProvider p = new TestProvider(address, key, ChainId.LOCAL, caps(), own, crypto, behaviour);
        closing.add(p);
        return p;
    }

    private static byte[] served(Relayer relayer, Felt reasonHash) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(relayer.uri()
                .resolve("/api/v1/evidence/" + reasonHash.hex())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).isEqualTo(Optional.of("application/json"));
        return r.body();
    }

    private static int notServed(Relayer relayer, String hash) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(relayer.uri().resolve("/api/v1/evidence/" + hash))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
