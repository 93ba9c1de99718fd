package io.smainer.provider.app;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StarknetEscrow;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Optional;

/** Opens the escrow client {@code register} uses: the local network's ledger file, or Starknet by RPC. */
public final class Escrows {
    private Escrows() {
    }

    /**
     * @param config the settings
     * @param account the unlocked keystore
     * @return the client
     * @throws SmainerException when the ledger file is missing or the RPC endpoint cannot be used
     */
    public static ProviderCli.EscrowOpener.Connection open(ProviderConfig config, Keystore.Unlocked account) {
        if (config.chain().rpcUrl().isPresent()) {
            return starknet(config, account);
        }
        if (!Files.exists(config.chain().ledgerFile())) {
            throw new SmainerException("no local network found: " + ProviderConfig.DEFAULT_LOCAL_ACCOUNTS_FILE
                    + " does not exist here. Start it first with './smainer relayer' (from this folder, or set"
                    + " local_accounts_file), or set rpc_url (SMAINER_RPC_URL) to register on Starknet.");
        }
        Ledger ledger = Ledger.load(config.chain().ledgerFile());
        return new ProviderCli.EscrowOpener.Connection(ledger.client(account.address()),
                "the local ledger " + config.chain().ledgerFile() + " (chain " + ledger.chainId() + ")",
                () -> ledger.save(config.chain().ledgerFile()),
                ledger.stakingContract().map(c -> ledger.staking(account.address())));
    }

    /**
     * A read-only look at the staking contract, without the keystore (for {@code status}).
     *
     * @param where a description for messages
     * @param staking the client, when the network has the contract
     * @param closing releases the connection
     */
    public record StakingView(String where, Optional<Staking> staking, Runnable closing) implements AutoCloseable {
        @Override
        public void close() {
            closing.run();
        }
    }

    /**
     * Opens the staking contract for views: the local ledger file, or Starknet by RPC (the client needs an account
     * and a key to be built; it gets a key drawn now that signs nothing, since only views are called).
     *
     * @param config the settings
     * @return the view; close it
     */
    public static StakingView stakingView(ProviderConfig config) {
        if (config.chain().rpcUrl().isEmpty()) {
            if (!Files.exists(config.chain().ledgerFile())) {
                return new StakingView("the local ledger " + config.chain().ledgerFile() + " (missing)", Optional.empty(), () -> { });
            }
            Ledger ledger = Ledger.load(config.chain().ledgerFile());
            return new StakingView("the local ledger " + config.chain().ledgerFile(),
                    ledger.stakingContract().map(c -> ledger.staking(ContractAddress.ZERO)), () -> { });
        }
        Felt viewsOnly = KeyPair.generate(new SecureRandom(), StarkCrypto.defaultCrypto()).privateKey();
        StarknetEscrow escrow = StarknetEscrow.builder().rpcUrl(config.chain().rpcUrl().get()).account(ContractAddress.of(1))
                .privateKey(viewsOnly).contract(config.chain().contract()).chainId(config.chain().chainId()).build();
        return new StakingView("Starknet " + config.chain().chainId(), Optional.of(escrow.staking(config.chain().stakingContract())),
                escrow::close);
    }

    /**
     * The Starknet client, acting as the keystore's account: the keystore's key must be the account contract's
     * signer (it also signs the receipts, as the key published with {@code set_provider_public_key}).
     */
    private static ProviderCli.EscrowOpener.Connection starknet(ProviderConfig config, Keystore.Unlocked account) {
        URI rpc = config.chain().rpcUrl().orElseThrow();
        StarknetEscrow escrow = StarknetEscrow.builder()
                .rpcUrl(rpc)
                .account(account.address())
                .privateKey(account.keys().privateKey())
                .contract(config.chain().contract())
                .chainId(config.chain().chainId())
                .build();
        return new ProviderCli.EscrowOpener.Connection(escrow, "Starknet " + config.chain().chainId() + " through "
                + ProviderConfig.mask(rpc) + " (contract " + config.chain().contract().hex() + ")", () -> { },
                Optional.of(escrow.staking(config.chain().stakingContract())));
    }
}
