package io.smainer.relayer.it;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Staking;
import io.smainer.fee.Tier;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole local network in one JVM for ITs: the in-process ledger, a relayer on port 0, a demander with
 * a funded account and registered key, and providers registered on-chain with their keys.
 */
final class LocalNetwork implements AutoCloseable {
    static final ContractAddress OWNER = ContractAddress.of(0x1001);
    static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    static final ContractAddress DEMANDER = ContractAddress.of(0x2001);
    static final TokenAmount MINTED = TokenAmount.parseStrk("1000000");
    /** The staking contract, when the network has one. */
    static final ContractAddress STAKING = ContractAddress.of(0x5a4e);

    final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    final SecureRandom random = new SecureRandom();
    final Ledger ledger;
    final KeyPair demanderKey = KeyPair.generate(random, crypto);
    final Escrow demander;
    /** The relayer; {@link #restartRelayer()} replaces it. */
    Relayer relayer;
    final HttpClient http = new HttpClient();
    final WebSocketClient ws;
    final List<TestProvider> providers = new ArrayList<>();
    private final RelayerConfig config;
    private final boolean staking;
    private final Optional<Clock> chainClock;

    LocalNetwork(Map<String, String> settings) throws Exception {
        this(settings, false);
    }

    /**
     * @param settings the relayer's settings over the defaults here ({@code demander_keys} adds demanders to this
     *     network's own)
     * @param staking deploy SmainerStakingContract (minimum 5 STRK, the relayer its relayer and verifier) and turn
     *     the relayer's staking policy on
     */
    LocalNetwork(Map<String, String> settings, boolean staking) throws Exception {
        this(settings, staking, Optional.empty());
    }

    /**
     * @param settings the relayer's settings over the defaults here
     * @param staking deploy the staking contract and turn the relayer's staking policy on
     * @param chainClock the chain's clock, which the ledger and the staking policy's slash windows run on (the test
     *     moves it), or the system clock
     */
    LocalNetwork(Map<String, String> settings, boolean staking, Optional<Clock> chainClock) throws Exception {
        Ledger.Builder chain = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY);
        chainClock.ifPresent(chain::clock);
        ledger = (staking ? chain.staking(STAKING, RELAYER, Staking.ABSOLUTE_MIN_STAKE) : chain).build();
        demander = ledger.client(DEMANDER);
        ledger.mint(DEMANDER, MINTED);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("host", "127.0.0.1");
        s.put("port", "0");
        s.put("demander_keys", DEMANDER.hex() + ":" + demanderKey.publicKey().hex());
        s.put("settlement.max_delay_millis", "20");
        s.put("limits.rate_per_second", "100000");
        s.put("limits.rate_burst", "100000");
        s.put("limits.ip_rate_per_second", "0");
        s.put("webhook.allow_private_addresses", "true"); // every receiver in these tests is on loopback
        if (staking) {
            s.put("staking.enabled", "true");
            s.put("staking.contract", STAKING.hex());
        }
        s.putAll(settings);
        if (settings.containsKey("demander_keys")) { // more demanders, beside this network's own
            s.put("demander_keys", DEMANDER.hex() + ":" + demanderKey.publicKey().hex() + "," + settings.get("demander_keys"));
        }
        this.config = RelayerConfig.load(s);
        this.staking = staking;
        this.chainClock = chainClock;
        relayer = newRelayer();
        http.start();
        ws = new WebSocketClient(http);
        ws.setMaxTextMessageSize(16 << 20); // task_assigned frames carry payloads up to limits.max_body_bytes
        ws.start();
    }

    private Relayer newRelayer() throws Exception {
        return Relayer.builder().config(config).escrow(ledger.client(RELAYER))
                .staking(staking ? ledger.staking(RELAYER) : null).chainClock(chainClock.orElse(null)).crypto(crypto)
                .build().start();
    }

    /**
     * Stops the relayer and starts a new one on the same settings, store and chain (on a fresh port), as an operator's
     * restart or a failover to another relayer on the same Redis does.
     */
    void restartRelayer() throws Exception {
        relayer.close();
        relayer = newRelayer();
    }

    URI wsUri() {
        return URI.create("ws://127.0.0.1:" + relayer.port() + "/api/v1/ws");
    }

    /** Registers a provider on-chain with a fresh key, without connecting it. */
    TestProvider provider(int n, NodeCapabilities caps, TestProvider.Behaviour behaviour) {
        ContractAddress address = ContractAddress.of(0x3000 + n);
        KeyPair key = KeyPair.generate(random, crypto);
        Escrow own = ledger.client(address);
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        TestProvider p = new TestProvider(address, key, ChainId.LOCAL, caps, own, crypto, behaviour);
        providers.add(p);
        return p;
    }

    TestProvider online(int n, NodeCapabilities caps, TestProvider.Behaviour behaviour) throws Exception {
        TestProvider p = provider(n, caps, behaviour).connect(ws, wsUri());
        p.awaitLogin();
        return p;
    }

    static NodeCapabilities caps(int concurrency) {
        return new NodeCapabilities("test-node", List.of("echo"), List.of(), Tier.PREMIUM, concurrency);
    }

    /**
     * The networks (and anything else) a test starts, closed after it, newest first:
     * {@code @RegisterExtension final LocalNetwork.Scope networks = new LocalNetwork.Scope();} then
     * {@code net = networks.start(settings)}.
     */
    static final class Scope implements AfterEachCallback {
        private final Deque<AutoCloseable> open = new ArrayDeque<>();

        /** @return a network on these settings, closed after the test */
        LocalNetwork start(Map<String, String> settings) throws Exception {
            return closeAfter(new LocalNetwork(settings));
        }

        /** @return a network on these settings, with staking or not, closed after the test */
        LocalNetwork start(Map<String, String> settings, boolean staking) throws Exception {
            return closeAfter(new LocalNetwork(settings, staking));
        }

        /** @return {@code resource}, closed after the test (before what was registered earlier) */
        <T extends AutoCloseable> T closeAfter(T resource) {
            open.push(resource);
            return resource;
        }

        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            Exception first = null;
            while (!open.isEmpty()) {
                try {
                    open.pop().close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (TestProvider p : providers) {
            p.close();
        }
        relayer.close();
        ws.stop();
        http.stop();
    }
}
