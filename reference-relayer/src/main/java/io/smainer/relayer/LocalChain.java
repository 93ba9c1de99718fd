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
import io.smainer.escrow.testnode.StarknetTestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;

/**
 * The local network's chain, for other processes: the in-process ledger served as a Starknet JSON-RPC
 * node on loopback ({@link StarknetTestNode}: a test double of Starknet, not Starknet), with development
 * accounts as a devnet predeploys them. A demander account funded with {@link #DEMANDER_FUNDS}, and
 * {@link #PROVIDER_ACCOUNTS} provider accounts registered as ACTIVE nodes with their keys published. Their
 * private keys are fresh on every start and written only to an owner-only ({@code 0600}) JSON file, never
 * to the log: {@code ./smainer submit} and {@code ./smainer provider init --import} read them from there.
 */
public final class LocalChain implements AutoCloseable {
    /** STRK minted to the local demander account. */
    public static final TokenAmount DEMANDER_FUNDS = TokenAmount.parseStrk("1000");
    /** Provider accounts created. */
    public static final int PROVIDER_ACCOUNTS = 3;
    /** The local demander's address. */
    public static final ContractAddress DEMANDER = ContractAddress.of(0xd0);

    private final StarknetTestNode node;
    private final Ledger ledger;
    private final KeyPair demanderKey;
    private final JsonArray accounts;

    private LocalChain(StarknetTestNode node, Ledger ledger, KeyPair demanderKey, JsonArray accounts) {
        this.node = node;
        this.ledger = ledger;
        this.demanderKey = demanderKey;
        this.accounts = accounts;
    }

    /**
     * Serves the ledger and creates the development accounts.
     *
     * @param ledger the local network's ledger
     * @param port loopback port, 0 for any
     * @param crypto the Stark-curve implementation
     * @return the running chain
     */
    public static LocalChain start(Ledger ledger, int port, StarkCrypto crypto) {
        SecureRandom random = new SecureRandom();
        StarknetTestNode node = StarknetTestNode.builder().ledger(ledger).crypto(crypto).host("127.0.0.1").port(port).start();
        KeyPair demanderKey = KeyPair.generate(random, crypto);
        node.addAccount(DEMANDER, demanderKey.publicKey());
        ledger.mint(DEMANDER, DEMANDER_FUNDS);
        JsonArray accounts = new JsonArray();
        accounts.add(account("demander", DEMANDER, demanderKey));
        for (int i = 0; i < PROVIDER_ACCOUNTS; i++) {
            ContractAddress address = ContractAddress.of(0xa0 + i);
            KeyPair key = KeyPair.generate(random, crypto);
            node.addAccount(address, key.publicKey());
            Escrow own = ledger.client(address);
            own.registerNode();
            own.setProviderPublicKey(key.publicKey());
            accounts.add(account("provider", address, key));
        }
        return new LocalChain(node, ledger, demanderKey, accounts);
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
        file.addProperty("_comment", "Development accounts of a local Smainer network. Keys are fresh on every relayer "
                + "start and worth nothing; never use them elsewhere.");
        file.addProperty("rpc_url", node.url().toString());
        file.addProperty("relayer_url", relayerUri.toString());
        file.addProperty("chain_id", ledger.chainId().name());
        file.addProperty("escrow_contract", ledger.contract().hex());
        file.addProperty("token", ledger.token().hex());
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

    @Override
    public void close() {
        node.close();
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
