package io.smainer.relayer;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.relayer.intake.AccountCheckGate;
import io.smainer.relayer.intake.AccountKeys;
import io.smainer.relayer.intake.AccountSignatureCheck;
import io.smainer.relayer.intake.ChainAccountKeys;
import io.smainer.relayer.store.RelayerStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference relayer as {@link Main} runs it, built from its settings: the store (Redis when
 * {@code redis.uri} is set, else memory) and the chain. With {@code chain=local}: the local network's
 * in-process ledger, served to other processes as a local Starknet JSON-RPC node with development
 * accounts written to an owner-only file, its state saved beside that file and loaded on the next start
 * (unless {@code local_chain.port} is -1: then the ledger lives in memory only). With
 * {@code chain=starknet}: the SDK's Starknet client as the settlement account from the keystore, after the
 * checks of {@link StarknetChain}; no local chain and no accounts file.
 */
public final class RelayerApp implements AutoCloseable {
    /** The relayer account of the local network. */
    public static final ContractAddress LOCAL_RELAYER = ContractAddress.of(0x5e1a7e5);
    /** The local network's contracts' owner. */
    public static final ContractAddress LOCAL_OWNER = ContractAddress.of(0x0a11);
    /** Where the local network deploys SmainerStakingContract unless {@code staking.contract} says otherwise. */
    public static final ContractAddress LOCAL_STAKING = ContractAddress.of(0x5a4e);
    private static final Logger LOG = LoggerFactory.getLogger(RelayerApp.class);

    private final Relayer relayer;
    private final RelayerStore store;
    private final Escrow escrow;
    private final Optional<LocalChain> localChain;
    private boolean closed;

    private RelayerApp(Relayer relayer, RelayerStore store, Escrow escrow, Optional<LocalChain> localChain) {
        this.relayer = relayer;
        this.store = store;
        this.escrow = escrow;
        this.localChain = localChain;
    }

    /**
     * Builds and starts everything.
     *
     * @param config the settings
     * @param env the environment (the keystore passphrase with {@code chain=starknet})
     * @param prompt asks for the keystore passphrase when the environment has none; empty when no one can be asked
     * @param clock time
     * @return the running relayer
     * @throws SmainerException naming the setting to fix when it cannot start
     */
    public static RelayerApp start(RelayerConfig config, Map<String, String> env, Function<String, Optional<char[]>> prompt,
            Clock clock) {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        Escrow escrow;
        Optional<LocalChain> chain = Optional.empty();
        AccountKeys keys = AccountKeys.of(config.access().demanderKeys());
        AccountSignatureCheck accountSignatures = AccountSignatureCheck.NONE;
        LOG.info("chain settings: {}", config.describeChain());
        Optional<Staking> staking = Optional.empty();
        if (config.chain().mode() == RelayerConfig.ChainMode.STARKNET) {
            if (config.local().port() != RelayerConfig.DEFAULT_LOCAL_CHAIN_PORT) {
                LOG.info("chain=starknet: local_chain.port is not used");
            }
            StarknetEscrow starknet = StarknetChain.connect(config, env, prompt, crypto);
            escrow = starknet;
            // at most this many HTTP threads wait on the chain for an account at once (each for at most
            // starknet.account_check_timeout_millis a request); past it: 503 at once
            AccountCheckGate gate = AccountCheckGate.of(config.chain().accountChecksInFlight());
            // demanders listed in demander_keys first, then any standard account's own get_public_key
            keys = keys.or(ChainAccountKeys.of(gate.keys(starknet::accountPublicKey), clock));
            // and an account that reports no key is asked about each request's signature (SNIP-6), never cached
            accountSignatures = gate.signatures(AccountSignatureCheck.snip6(starknet));
            if (config.staking().enabled()) {
                staking = Optional.of(starknet.staking(config.staking().contract().orElse(Staking.MAINNET_CONTRACT)));
            }
        } else {
            if (config.chain().rpcUrl().isPresent() || config.chain().keystore().isPresent()) {
                LOG.warn("chain=local: rpc_url and keystore are not used; set chain=starknet to settle on Starknet");
            }
            // with a served chain, its state lives beside the accounts file (.smainer-local/ledger.json by default)
            Optional<Path> state = config.local().port() >= 0
                    ? Optional.of(config.local().accountsFile().toAbsolutePath().resolveSibling(LocalChain.STATE_FILE))
                    : Optional.empty();
            Ledger ledger;
            if (state.isPresent() && Files.exists(state.get())) {
                ledger = Ledger.load(state.get(), clock, crypto);
                LOG.info("chain=local: the local ledger of the last run loaded from {} (block {}); delete it to start "
                        + "afresh", state.get(), ledger.blockNumber());
            } else {
                // the local network deploys SmainerStakingContract beside the escrow; the relayer is its relayer and
                // verifier
                ledger = Ledger.builder().owner(LOCAL_OWNER).relayer(LOCAL_RELAYER)
                        .treasury(ContractAddress.of(0x7ea5)).clock(clock).crypto(crypto)
                        .staking(config.staking().contract().orElse(LOCAL_STAKING), LOCAL_RELAYER,
                                config.staking().minStake())
                        .build();
            }
            escrow = ledger.client(LOCAL_RELAYER);
            Ledger local = ledger;
            staking = ledger.stakingContract().map(c -> local.staking(LOCAL_RELAYER)); // none in an older saved ledger
            if (config.local().port() >= 0) {
                try {
                    chain = Optional.of(LocalChain.start(ledger, config.local().port(), crypto, state));
                } catch (RuntimeException e) {
                    throw new SmainerException("local_chain.port: could not serve the local chain on 127.0.0.1:"
                            + config.local().port() + " (" + e.getMessage() + "); set local_chain.port to another port, "
                            + "or -1 for none");
                }
                keys = keys.or(AccountKeys.of(chain.get().demanderKeys()));
            }
        }
        RelayerStore store = null;
        Relayer relayer = null;
        try {
            store = Relayer.openStore(config, clock);
            relayer = Relayer.builder().config(config).escrow(escrow).store(store).clock(clock).crypto(crypto)
                    .accountKeys(keys).accountSignatures(accountSignatures).staking(staking.orElse(null)).build();
            relayer.start();
        } catch (RuntimeException e) {
            if (relayer != null) {
                relayer.close();
            }
            if (store != null) {
                store.close();
            }
            escrow.close();
            chain.ifPresent(LocalChain::close);
            throw e;
        }
        if (chain.isPresent()) {
            chain.get().writeAccounts(config.local().accountsFile(), LOCAL_RELAYER, relayer.uri());
            LOG.info("local chain (a Starknet JSON-RPC node over the in-process ledger, saved as it changes) at {}; "
                    + "development accounts (1 demander, {} providers; keys from a fixed seed) written to {} (owner-only)",
                    chain.get().rpcUrl(),
                    LocalChain.PROVIDER_ACCOUNTS, config.local().accountsFile().toAbsolutePath());
        }
        return new RelayerApp(relayer, store, escrow, chain);
    }

    /** @return the relayer */
    public Relayer relayer() {
        return relayer;
    }

    /** @return where it listens */
    public URI uri() {
        return relayer.uri();
    }

    /** @return the local chain, with {@code chain=local} and a {@code local_chain.port} other than -1 */
    public Optional<LocalChain> localChain() {
        return localChain;
    }

    /** Stops the relayer, then the chain client, the local chain and the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        relayer.close();
        escrow.close();
        localChain.ifPresent(LocalChain::close);
        store.close();
    }
}
