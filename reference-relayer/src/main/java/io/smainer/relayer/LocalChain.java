package io.smainer.relayer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.NodeStatus;
import io.smainer.escrow.local.LedgerRpcServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local network's chain, for other processes: the in-process ledger served as a Starknet JSON-RPC
 * node on loopback ({@link LedgerRpcServer}: a model of the contracts, not Starknet), with development
 * accounts as a devnet predeploys them. A demander account funded with {@link #DEMANDER_FUNDS}, and
 * {@link #PROVIDER_ACCOUNTS} provider accounts registered as ACTIVE nodes with their keys published and
 * {@link #PROVIDER_FUNDS} each to stake in the {@code SmainerStakingContract} deployed beside the escrow. Their
 * private keys are derived from {@link #DEFAULT_SEED} (as devnets derive theirs from a seed), so they are the
 * same on every start and a keystore imported once keeps working; they are written only to an owner-only
 * ({@code 0600}) JSON file, never to the log: {@code ./smainer submit} and {@code ./smainer provider init
 * --import} read them from there. With a state file the ledger (balances, tasks, nodes, history) is saved
 * there as it changes and loaded on the next start.
 */
public final class LocalChain implements AutoCloseable {
    /** STRK minted to the local demander account. */
    public static final TokenAmount DEMANDER_FUNDS = TokenAmount.parseStrk("1000");
    /** STRK minted to each local provider account: enough to stake ({@code provider stake}). */
    public static final TokenAmount PROVIDER_FUNDS = TokenAmount.parseStrk("100");
    /** Provider accounts created. */
    public static final int PROVIDER_ACCOUNTS = 3;
    /** The local demander's address. */
    public static final ContractAddress DEMANDER = ContractAddress.of(0xd0);

    /** The ledger's state file, beside the accounts file. */
    public static final String STATE_FILE = "ledger.json";
    /** The seed the development keys are derived from: the same keys on every start, on every machine. */
    public static final String DEFAULT_SEED = "smainer-local-0";
    private static final Logger LOG = LoggerFactory.getLogger(LocalChain.class);

    private final LedgerRpcServer node;
    private final Ledger ledger;
    private final KeyPair demanderKey;
    private final JsonArray accounts;
    private final Optional<Path> stateFile;
    private final ScheduledExecutorService saver;
    private long savedBlock = -1;

    private LocalChain(LedgerRpcServer node, Ledger ledger, KeyPair demanderKey, JsonArray accounts, Optional<Path> stateFile) {
        this.node = node;
        this.ledger = ledger;
        this.demanderKey = demanderKey;
        this.accounts = accounts;
        this.stateFile = stateFile;
        if (stateFile.isPresent()) {
            save();
            saver = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "local-chain-saver");
                t.setDaemon(true);
                return t;
            });
            saver.scheduleWithFixedDelay(this::saveIfChanged, 500, 500, TimeUnit.MILLISECONDS);
        } else {
            saver = null;
        }
    }

    /**
     * Serves the ledger and creates the development accounts, in memory only.
     *
     * @param ledger the local network's ledger
     * @param port loopback port, 0 for any
     * @param crypto the Stark-curve implementation
     * @return the running chain
     */
    public static LocalChain start(Ledger ledger, int port, StarkCrypto crypto) {
        return start(ledger, port, crypto, Optional.empty());
    }

    /**
     * Serves the ledger and creates the development accounts (a ledger loaded from an earlier run keeps its
     * balances and nodes: only the keys are registered with the node again).
     *
     * @param ledger the local network's ledger, new or loaded from {@code stateFile}
     * @param port loopback port, 0 for any
     * @param crypto the Stark-curve implementation
     * @param stateFile where the ledger is saved as it changes, and at close; empty for none
     * @return the running chain
     */
    public static LocalChain start(Ledger ledger, int port, StarkCrypto crypto, Optional<Path> stateFile) {
        LedgerRpcServer node = LedgerRpcServer.builder().ledger(ledger).crypto(crypto).host("127.0.0.1").port(port).start();
        boolean fresh = ledger.blockNumber() == 0 && ledger.totalSupply().baseUnits().signum() == 0;
        KeyPair demanderKey = developmentKey("demander", 0, crypto);
        node.addAccount(DEMANDER, demanderKey.publicKey());
        if (fresh) {
            ledger.mint(DEMANDER, DEMANDER_FUNDS);
        }
        JsonArray accounts = new JsonArray();
        accounts.add(account("demander", DEMANDER, demanderKey));
        for (int i = 0; i < PROVIDER_ACCOUNTS; i++) {
            ContractAddress address = ContractAddress.of(0xa0 + i);
            KeyPair key = developmentKey("provider", i, crypto);
            node.addAccount(address, key.publicKey());
            if (fresh) {
                ledger.mint(address, PROVIDER_FUNDS);
            }
            Escrow own = ledger.client(address);
            if (own.nodeStatus(address) == NodeStatus.INACTIVE) {
                own.registerNode();
            }
            if (fresh) {
                own.setProviderPublicKey(key.publicKey());
            }
            accounts.add(account("provider", address, key));
        }
        return new LocalChain(node, ledger, demanderKey, accounts, stateFile);
    }

    /**
     * A development key: {@code sha256(seed/role/index)} reduced into {@code [1, n)}.
     *
     * @param role {@code demander} or {@code provider}
     * @param index from 0
     * @param crypto derives the public key
     * @return the key pair
     */
    static KeyPair developmentKey(String role, int index, StarkCrypto crypto) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((DEFAULT_SEED + "/" + role + "/" + index).getBytes(StandardCharsets.UTF_8));
            BigInteger k = new BigInteger(1, digest).mod(KeyPair.CURVE_ORDER.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            return KeyPair.fromPrivateKey(new Felt(k), crypto);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return the ledger served */
    public Ledger ledger() {
        return ledger;
    }

    private synchronized void saveIfChanged() {
        try {
            if (ledger.blockNumber() != savedBlock) {
                save();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not save the local ledger to {}: {}", stateFile.orElseThrow(), e.getMessage());
        }
    }

    private synchronized void save() {
        long block = ledger.blockNumber();
        ledger.save(stateFile.orElseThrow());
        savedBlock = block;
    }

    /**
     * Writes the accounts file, owner-only, replacing any earlier one atomically.
     *
     * @param accountsFile where
     * @param relayer the relayer's account
     * @param relayerUri where the relayer listens
     */
    public void writeAccounts(Path accountsFile, ContractAddress relayer, URI relayerUri) {
        JsonObject file = new JsonObject();
        file.addProperty("_comment", "Development accounts of a local Smainer network. Keys are derived from the seed "
                + "below, the same on every start, and worth nothing; never use them elsewhere.");
        file.addProperty("seed", DEFAULT_SEED);
        file.addProperty("rpc_url", node.url().toString());
        file.addProperty("relayer_url", relayerUri.toString());
        file.addProperty("chain_id", ledger.chainId().name());
        file.addProperty("escrow_contract", ledger.contract().hex());
        file.addProperty("token", ledger.token().hex());
        ledger.stakingContract().ifPresent(c -> file.addProperty("staking_contract", c.hex()));
        file.addProperty("relayer_account", relayer.hex());
        file.add("accounts", accounts);
        writeOwnerOnly(accountsFile, new GsonBuilder().setPrettyPrinting().create().toJson(file));
    }

    /** @return the JSON-RPC URL */
    public URI rpcUrl() {
        return node.url();
    }

    /** @return the demander account and its public key, for the relayer's request checks */
    public Map<ContractAddress, Felt> demanderKeys() {
        return Map.of(DEMANDER, demanderKey.publicKey());
    }

    /** Stops serving, then saves the ledger a last time (with a state file). Idempotent. */
    @Override
    public void close() {
        node.close();
        if (saver != null && !saver.isShutdown()) {
            saver.shutdownNow();
            saveIfChanged();
        }
    }

    private static JsonObject account(String role, ContractAddress address, KeyPair key) {
        JsonObject a = new JsonObject();
        a.addProperty("role", role);
        a.addProperty("address", address.hex());
        a.addProperty("public_key", key.publicKey().hex());
        a.addProperty("private_key", key.privateKey().hex());
        return a;
    }

    private static void writeOwnerOnly(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".accounts", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the temp file is already private to the user where the OS supports it
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local accounts file " + file, e);
        }
    }
}
