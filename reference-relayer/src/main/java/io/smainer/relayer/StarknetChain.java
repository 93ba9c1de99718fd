package io.smainer.relayer;

import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.config.Settings;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ChainMismatchException;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.StarknetEscrow;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the relayer to Starknet ({@code chain=starknet}) and checks, before anything is served, that it
 * can settle: the keystore opens with its passphrase, the node at {@code rpc_url} answers and reports
 * {@code chain_id}, a SmainerContract answers at {@code contract_address}, and the keystore's account is
 * the contract's relayer ({@code get_relayer}). Each failure is a {@link StartException} naming the setting
 * to fix. It also reads which entry points the deployed class has ({@link StarknetEscrow#offers}) and says
 * when affiliate settlement is not among them. What is not checked until the first settlement: that the keystore's key is the account
 * contract's signer (a wrong key is refused by the account's validation, reported per batch).
 */
public final class StarknetChain {
    private static final Logger LOG = LoggerFactory.getLogger(StarknetChain.class);
    private static final String AFFILIATE_SETTLEMENT = "settle_with_effort_and_affiliate";

    private StarknetChain() {
    }

    /** The relayer cannot start as configured; the message names the setting to fix. */
    public static final class StartException extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong and which setting to fix */
        public StartException(String message) {
            super(message);
        }
    }

    /**
     * Opens the keystore, connects and checks.
     *
     * @param config the settings, with {@code chain=starknet}
     * @param env the environment, for {@value Settings#PASSPHRASE_ENV}
     * @param prompt asks for the passphrase when the environment has none (empty: no terminal)
     * @param crypto the Stark-curve implementation
     * @return the escrow client, acting as the relayer's settlement account
     * @throws StartException naming the setting to fix
     */
    public static StarknetEscrow connect(RelayerConfig config, Map<String, String> env,
            Function<String, Optional<char[]>> prompt, StarkCrypto crypto) {
        Path file = config.chain().keystore().orElseThrow(() -> new StartException("keystore: expected the settlement account's "
                + "keystore file with chain=starknet, got nothing"));
        URI rpc = config.chain().rpcUrl().orElseThrow(() -> new StartException("rpc_url: expected an http(s) URL of a Starknet "
                + "JSON-RPC endpoint with chain=starknet, got nothing"));
        String where = Settings.maskUrl(rpc);
        Keystore.Unlocked account = unlock(file, env, prompt, crypto);
        StarknetEscrow escrow;
        try {
            escrow = StarknetEscrow.builder().rpcUrl(rpc).account(account.address()).privateKey(account.keys().privateKey())
                    .contract(config.chain().contract()).token(config.chain().allowedTokens().iterator().next())
                    .chainId(config.chain().chainId())
                    .receiptTimeout(config.chain().receiptTimeout()).pollInterval(config.chain().pollInterval())
                    .accountCheckTimeout(config.chain().accountCheckTimeout()).crypto(crypto).build();
        } catch (InvalidFieldException e) {
            throw new StartException("the Starknet settings are invalid: " + e.getMessage());
        } catch (ChainMismatchException e) {
            throw new StartException("chain_id: the node at rpc_url (" + where + ") is on chain " + e.actual()
                    + ", not " + e.expected() + "; set chain_id to the chain you mean to settle on, or rpc_url to a node"
                    + " of that chain");
        } catch (ChainException e) {
            throw new StartException("rpc_url: no Starknet JSON-RPC node answers at " + where + " ("
                    + String.valueOf(e.getMessage()).replace(rpc.toString(), where) + "); check rpc_url and that the node runs");
        }
        try {
            ContractAddress relayer;
            try {
                relayer = escrow.relayer();
            } catch (EscrowRevertedException e) {
                throw new StartException("contract_address: no SmainerContract answers get_relayer at "
                        + config.chain().contract().hex() + " on " + config.chain().chainId() + " (" + e.getMessage()
                        + "); set contract_address to the deployed escrow contract");
            } catch (ChainException e) {
                throw new StartException("contract_address: reading get_relayer of " + config.chain().contract().hex() + " through "
                        + where + " failed (" + String.valueOf(e.getMessage()).replace(rpc.toString(), where)
                        + "); check contract_address and rpc_url");
            }
            if (!relayer.equals(account.address())) {
                throw new StartException("keystore: the account " + account.address().hex() + " in keystore " + file
                        + " is not the escrow's relayer: contract " + config.chain().contract().hex() + " lets only "
                        + relayer.hex() + " settle. Use that account's keystore (keystore), check contract_address, or "
                        + "have the contract's owner call set_relayer(" + account.address().hex() + ")");
            }
            if (escrow.isPaused()) {
                LOG.warn("the escrow contract {} is paused: tasks are accepted but settlements revert until its owner "
                        + "unpauses it", config.chain().contract().hex());
            }
            LOG.info("settling on Starknet {} through {} as relayer {} (contract {}, keystore {})", config.chain().chainId(), where,
                    account.address().hex(), config.chain().contract().hex(), file);
            if (!escrow.offers(AFFILIATE_SETTLEMENT)) {
                LOG.info("the class deployed at {} has no {}: affiliate settlements are refused before sending "
                        + "(EntryPointMissingException); flat and effort settlements are unaffected", config.chain().contract().hex(),
                        AFFILIATE_SETTLEMENT);
            }
            return escrow;
        } catch (RuntimeException e) {
            escrow.close();
            throw e;
        }
    }

    private static Keystore.Unlocked unlock(Path file, Map<String, String> env, Function<String, Optional<char[]>> prompt,
            StarkCrypto crypto) {
        try {
            Keystore.PublicPart pub = Keystore.peek(file);
            String fromEnv = env.get(Settings.PASSPHRASE_ENV);
            char[] pass = fromEnv != null ? fromEnv.toCharArray()
                    : prompt.apply("Passphrase for the relayer keystore " + file + " (" + pub.address().hex() + "): ")
                            .orElseThrow(() -> new StartException("keystore: no passphrase for keystore " + file + ": set "
                                    + Settings.PASSPHRASE_ENV + " or start the relayer in a terminal to be asked"));
            try {
                return Keystore.open(file, pass, crypto);
            } finally {
                Arrays.fill(pass, '\0');
            }
        } catch (Keystore.KeystoreException e) {
            throw new StartException("keystore: " + e.getMessage() + switch (e.problem()) {
                case MISSING -> "; set keystore to the settlement account's keystore file, or create one with "
                        + "'./smainer relayer keystore --keystore " + file + " --address <relayer account>'";
                case WRONG_PASSPHRASE -> "; the passphrase comes from " + Settings.PASSPHRASE_ENV + " (unset it to be asked)";
                default -> "";
            });
        }
    }
}
