package io.smainer.provider.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The provider CLI's help prose; picocli writes the usage lines and the option lists around it
 * ({@link ProviderCli}).
 */
final class Help {
    /** Each setting's flag description, in {@link ProviderConfig#KNOWN}'s order. */
    static final Map<String, String> SETTINGS = settings();

    static final String SETTINGS_FOOTER = """

            Settings come from defaults, then a properties file (--config FILE, or SMAINER_PROVIDER_CONFIG, else
            SMAINER_CONFIG), then the environment (SMAINER_PROVIDER_<KEY>, the provider's own, over the shared
            SMAINER_<KEY>; dots as underscores: status.port is SMAINER_PROVIDER_STATUS_PORT), then these flags.
            The keystore passphrase comes from SMAINER_KEYSTORE_PASSPHRASE, --passphrase-file FILE or a prompt;
            it is never a setting.
            """;

    static final String MAIN = """
            Sell compute on the Smainer network: keep a provider key, publish it on-chain, and serve tasks
            that a relayer assigns, with signed receipts that settle on the escrow contract.
            """;

    static final String MAIN_FOOTER = """

            Settings come from defaults, then a properties file (--config FILE, or SMAINER_PROVIDER_CONFIG, else
            SMAINER_CONFIG), then SMAINER_PROVIDER_* and SMAINER_* environment variables, then flags.
            'provider help run' lists them.
            Exit codes: 0 done, 1 failed (the message says why), 2 bad usage.

            A first run on the local network:
              provider init       # asks for a passphrase, writes ~/.smainer/provider.keystore
              provider detect     # what this machine can serve
              provider register   # register_node + set_provider_public_key
              provider run        # serve tasks until Ctrl-C or SIGTERM
            """;

    static final String INIT = """
            Creates a new Stark key (or imports yours) and writes it to an encrypted keystore file, readable by
            you only (permissions 0600). The private key is sealed with AES-256-GCM under a key derived from your
            passphrase (PBKDF2-HMAC-SHA256); it is never written in plain text. An existing keystore is never
            overwritten. The passphrase comes from SMAINER_KEYSTORE_PASSPHRASE, --passphrase-file, or you are
            asked twice. Keep it: without it the key cannot be recovered. To keep the key of a starkli keystore
            (Web3 v3 JSON, e.g. ~/.starkli-wallets/deployer/keystore.json), give --from-keystore FILE; its
            password comes from SMAINER_IMPORT_KEYSTORE_PASSWORD or you are asked.
            """;

    static final String DETECT = """
            Shows the CPU cores, memory and GPUs of this machine, the runner 'provider run' would use, and
            the tier the hardware qualifies for: premium with a GPU of 40 GiB or more, pro from 16 GiB,
            basic otherwise. GPUs are found through the CUDA driver, with nvidia-smi as a fallback. Without
            a GPU the node runs jobs on the pure-Java runner (CPU).
            """;

    static final String REGISTER = """
            Registers the node on the escrow contract (register_node) and publishes its public key
            (set_provider_public_key), so that the relayer accepts its login and its receipts settle.
            Steps already done are skipped. Without rpc_url it acts on the local network's ledger file;
            with rpc_url, on that Starknet network (chain_id, contract_address), sent from the keystore's
            account: create the keystore with 'init --address <your account> --import yes'.
            """;

    static final String RUN = """
            Unlocks the keystore, looks at the hardware, and serves tasks from the relayer: the GPU runner
            when a GPU is usable, else the pure-Java runner; with ollama.url set, also llm-generate jobs.
            A local status endpoint answers GET /health (200 while logged in), /status (JSON) and /metrics
            (Prometheus). The log says what the node is doing. Ctrl-C or SIGTERM stops it cleanly: running tasks get close_grace_seconds
            to finish, then are handed back to the relayer.
            """;

    static final String STATUS = """
            Asks a running provider's status endpoint how it is doing: its state, relayer, runner and task
            counts, then the chain about its stake in SmainerStakingContract: the stake, whether it can
            withdraw, its slash count and a pending slash. Exit code 0 when it is logged in to its relayer,
            1 otherwise.
            """;

    static final String STAKE = """
            Stakes STRK in SmainerStakingContract from the keystore's account: approve and deposit_stake in
            one transaction. The stake must reach the contract's minimum (at least 5 STRK); a relayer with
            its staking policy on gives tasks only to providers at or above its staking.min_stake. Without
            rpc_url it acts on the local network's ledger file, with rpc_url on that network
            (staking_contract).
            """;

    static final String UNSTAKE = """
            Asks to withdraw the whole stake (request_unstake): it unlocks in 7 days; 'provider withdraw'
            then returns it. The contract refuses while the relayer counts active tasks for this provider.
            Staking again cancels the request.
            """;

    static final String WITHDRAW = """
            Withdraws the whole stake once the 7-day lockup after 'provider unstake' is over
            (withdraw_stake).
            """;

    static final String APPEAL = """
            Appeals the pending slash of this provider (appeal_slash) before its 7-day window ends: the
            countdown pauses until the contract's owner decides. If the owner rejects the appeal, the slash
            runs again with a fresh 7-day window; if the owner accepts it, the slash is cleared. The
            evidence behind a slash is served by the relayer that initiated it at
            /api/v1/evidence/<reason_hash>.
            """;

    private Help() {
    }

    private static Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("relayer_url", "the relayer (default ws://127.0.0.1:8000/api/v1/ws; http://host:port works)");
        m.put("keystore", "the encrypted key file (default ~/.smainer/provider.keystore)");
        m.put("name", "the node's display name (default smainer-provider)");
        m.put("concurrency", "tasks at once: auto (one per GPU, else 1) or 1..1024");
        m.put("runner", "auto (GPU when usable, else Java), java, or gpu");
        m.put("tier", "auto (from the hardware), basic, pro or premium");
        m.put("status.host", "the local status endpoint's interface (default 127.0.0.1)");
        m.put("status.port", "the local status endpoint's port (default 9470; 0 picks one)");
        m.put("ollama.url", "serve llm-generate jobs with this Ollama-compatible server");
        m.put("ollama.timeout_seconds", "the longest one generation may take (default 300)");
        m.put("chain_id", "the chain (default SMAINER_LOCAL; SN_MAIN when rpc_url is set)");
        m.put("ledger_file", "the local network's ledger state (default ~/.smainer/local-ledger.json)");
        m.put("local_accounts_file", "without rpc_url: the local network's accounts file that './smainer relayer' writes (default"
                + " .smainer-local/accounts.json); its rpc_url, chain_id and escrow contract become the defaults");
        m.put("rpc_url", "a Starknet JSON-RPC endpoint; when set, register acts on that network");
        m.put("contract_address", "the escrow contract (default the mainnet SmainerContract)");
        m.put("close_grace_seconds", "on shutdown, how long running tasks may finish (default 30)");
        m.put("reconnect.max_delay_seconds", "the longest wait between reconnect tries (default 30)");
        m.put("staking_contract", "the SmainerStakingContract stake/unstake/withdraw/appeal use (default the mainnet "
                + "one; without rpc_url the local ledger's own)");
        m.put("price.min_effort_base", "refuse effort tasks whose base price is below this, in base units "
                + "(default 0: any price the relayer sets)");
        if (!m.keySet().equals(new LinkedHashSet<>(ProviderConfig.KNOWN))) {
            throw new IllegalStateException("Help.SETTINGS and ProviderConfig.KNOWN differ");
        }
        return Collections.unmodifiableMap(m);
    }
}
