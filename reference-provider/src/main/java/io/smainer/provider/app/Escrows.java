package io.smainer.provider.app;

import io.smainer.SmainerException;
import io.smainer.crypto.Keystore;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.StarknetEscrow;
import java.net.URI;
import java.nio.file.Files;

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
        if (config.rpcUrl().isPresent()) {
            return starknet(config, account);
        }
        if (!Files.exists(config.ledgerFile())) {
            throw new SmainerException("no local network found: " + ProviderConfig.DEFAULT_LOCAL_ACCOUNTS_FILE
                    + " does not exist here. Start it first with './smainer relayer' (from this folder, or set"
                    + " local_accounts_file), or set rpc_url (SMAINER_RPC_URL) to register on Starknet.");
        }
        Ledger ledger = Ledger.load(config.ledgerFile());
        return new ProviderCli.EscrowOpener.Connection(ledger.client(account.address()),
                "the local ledger " + config.ledgerFile() + " (chain " + ledger.chainId() + ")",
                () -> ledger.save(config.ledgerFile()));
    }

    /**
     * The Starknet client, acting as the keystore's account: the keystore's key must be the account contract's
     * signer (it also signs the receipts, as the key published with {@code set_provider_public_key}).
     */
    private static ProviderCli.EscrowOpener.Connection starknet(ProviderConfig config, Keystore.Unlocked account) {
        URI rpc = config.rpcUrl().orElseThrow();
        StarknetEscrow escrow = StarknetEscrow.builder()
                .rpcUrl(rpc)
                .account(account.address())
                .privateKey(account.keys().privateKey())
                .contract(config.contract())
                .chainId(config.chainId())
                .build();
        return new ProviderCli.EscrowOpener.Connection(escrow, "Starknet " + config.chainId() + " through "
                + ProviderConfig.mask(rpc) + " (contract " + config.contract().hex() + ")", () -> { });
    }
}
