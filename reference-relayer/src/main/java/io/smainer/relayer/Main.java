package io.smainer.relayer;

import io.smainer.chain.ContractAddress;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.relayer.intake.AccountKeys;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.RedisStore;
import io.smainer.relayer.store.RelayerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reference relayer: configuration from defaults, then the properties file named by the first
 * argument or {@code SMAINER_CONFIG}, then {@code SMAINER_*} variables; the store is Redis when
 * {@code redis.uri} is set, else memory. The escrow is the local network's in-process ledger (the
 * relayer account {@link #LOCAL_RELAYER}), for demonstrations and the dashboard, served to other processes
 * as a local Starknet JSON-RPC node with development accounts unless {@code local_chain.port} is -1; a
 * deployment on
 * Starknet embeds {@link Relayer} with the SDK's Starknet escrow client instead. Stops cleanly on
 * SIGTERM or Ctrl-C.
 */
public final class Main {
    /** The relayer account of the local network. */
    public static final ContractAddress LOCAL_RELAYER = ContractAddress.of(0x5e1a7e5);
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * @param args an optional properties file
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0]))
                : Optional.ofNullable(System.getenv("SMAINER_CONFIG")).map(Path::of);
        RelayerConfig config;
        try {
            config = RelayerConfig.load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Clock clock = Clock.systemUTC();
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x0a11)).relayer(LOCAL_RELAYER)
                .treasury(ContractAddress.of(0x7ea5)).clock(clock).build();
        RelayerStore store = config.redisUri().isPresent()
                ? RedisStore.builder().uri(config.redisUri().get()).prefix(config.redisPrefix()).clock(clock).build()
                : MemoryStore.create(clock);
        Optional<LocalChain> chain = Optional.empty();
        AccountKeys keys = AccountKeys.of(config.demanderKeys());
        if (config.localChainPort() >= 0) {
            try {
                chain = Optional.of(LocalChain.start(ledger, config.localChainPort(), StarkCrypto.defaultCrypto()));
            } catch (RuntimeException e) {
                LOG.error("could not serve the local chain on 127.0.0.1:{} ({}); set local_chain.port to another port, "
                        + "or -1 for none", config.localChainPort(), e.getMessage());
                System.exit(1);
                return;
            }
            keys = keys.or(AccountKeys.of(chain.get().demanderKeys()));
        }
        Relayer relayer = Relayer.builder().config(config).escrow(ledger.client(LOCAL_RELAYER)).store(store).clock(clock)
                .accountKeys(keys).build();
        Optional<LocalChain> localChain = chain;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            relayer.close();
            localChain.ifPresent(LocalChain::close);
            store.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            relayer.start();
        } catch (RuntimeException e) {
            LOG.error("could not start: {}", e.getMessage());
            System.exit(1);
        }
        if (localChain.isPresent()) {
            localChain.get().writeAccounts(config.localAccountsFile(), LOCAL_RELAYER, relayer.uri());
            LOG.info("local chain (a Starknet JSON-RPC test double over the in-process ledger) at {}; development "
                    + "accounts (1 demander, {} providers) written to {} (owner-only)", localChain.get().rpcUrl(),
                    LocalChain.PROVIDER_ACCOUNTS, config.localAccountsFile().toAbsolutePath());
        }
        stopped.await();
    }
}
