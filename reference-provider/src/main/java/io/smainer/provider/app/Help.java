package io.smainer.provider.app;

import java.util.Optional;

/** The help texts, one per command. */
final class Help {
    static final String COMMANDS = "init, detect, register, run, status, help";

    static final String SETTINGS = """
            Settings (properties file key; environment SMAINER_<KEY> with dots as underscores; or --flag):
              relayer_url                  the relayer (default ws://127.0.0.1:8000/api/v1/ws; http://host:port works)
              keystore                     the encrypted key file (default ~/.smainer/provider.keystore)
              name                         the node's display name (default smainer-provider)
              concurrency                  tasks at once: auto (one per GPU, else 1) or 1..1024
              runner                       auto (GPU when usable, else Java), java, or gpu
              tier                         auto (from the hardware), basic, pro or premium
              status.host, status.port     the local status endpoint (default 127.0.0.1:9470; port 0 picks one)
              ollama.url                   serve llm-generate jobs with this Ollama-compatible server
              ollama.timeout_seconds       the longest one generation may take (default 300)
              chain_id                     the chain (default SMAINER_LOCAL; SN_MAIN when rpc_url is set)
              ledger_file                  the local network's ledger state (default ~/.smainer/local-ledger.json)
              rpc_url                      a Starknet JSON-RPC endpoint; when set, register acts on that network
              contract_address             the escrow contract (default the mainnet SmainerContract)
              close_grace_seconds          on shutdown, how long running tasks may finish (default 30)
              reconnect.max_delay_seconds  the longest wait between reconnect tries (default 30)
              price.min_effort_base        refuse effort tasks whose base price is below this, in base units
                                           (default 0: any price the relayer sets)
            Each setting is also a flag: --relayer-url URL, --status-port 0, --close-grace-seconds 5, ...
            The keystore passphrase comes from SMAINER_KEYSTORE_PASSPHRASE or a prompt; it is never a setting.
            """;

    static final String MAIN = """
            Usage: provider [--config FILE] <command> [options]

            Sell compute on the Smainer network: keep a provider key, publish it on-chain, and serve tasks
            that a relayer assigns, with signed receipts that settle on the escrow contract.

            Commands:
              init       create a new provider key in an encrypted keystore file
              detect     show this machine's CPU, memory and GPUs, and the tier it qualifies for
              register   register the node on-chain and publish its key
              run        serve tasks from the relayer, with a local status endpoint
              status     ask a running provider how it is doing
              help       this text; 'provider help <command>' explains one command

            Settings come from defaults, then a properties file (--config FILE, or SMAINER_CONFIG), then
            SMAINER_* environment variables, then flags. 'provider help run' lists them.

            A first run on the local network:
              provider init                       # asks for a passphrase, writes ~/.smainer/provider.keystore
              provider detect                     # what this machine can serve
              provider register                   # register_node + set_provider_public_key
              provider run                        # serve tasks until Ctrl-C or SIGTERM
            """;

    static final String INIT = """
            Usage: provider init [--keystore FILE] [--address 0x...] [--import yes]

            Creates a new Stark key (or imports yours) and writes it to an encrypted keystore file, readable by you only
            (permissions 0600). The private key is sealed with AES-256-GCM under a key derived from your
            passphrase (PBKDF2-HMAC-SHA256, 600000 iterations); it is never written in plain text. An
            existing keystore is never overwritten.

            Options:
              --keystore FILE   where to write it (default ~/.smainer/provider.keystore)
              --address 0x...   your Starknet account's address; without it the public key doubles as
                                the address, which suits the local network
              --import yes      keep your account's existing key instead of a new one: it is read from
                                SMAINER_IMPORT_PRIVATE_KEY or asked for (never from the command line)

            The passphrase comes from SMAINER_KEYSTORE_PASSPHRASE, or you are asked twice. Keep it: without
            it the key cannot be recovered.
            """;

    static final String DETECT = """
            Usage: provider detect [--nvidia-smi COMMAND]

            Shows the CPU cores, memory and GPUs of this machine, the runner 'provider run' would use, and
            the tier the hardware qualifies for: premium with a GPU of 40 GiB or more, pro from 16 GiB,
            basic otherwise. GPUs are found through the CUDA driver, with nvidia-smi as a fallback. Without
            a GPU the node runs jobs on the pure-Java runner (CPU).

            Options:
              --nvidia-smi COMMAND   the nvidia-smi to ask (default: nvidia-smi on the PATH)
            """;

    static final String REGISTER = """
            Usage: provider register [--keystore FILE] [--ledger-file FILE | --rpc-url URL]

            Registers the node on the escrow contract (register_node) and publishes its public key
            (set_provider_public_key), so that the relayer accepts its login and its receipts settle.
            Steps already done are skipped. Without rpc_url it acts on the local network's ledger file;
            with rpc_url, on that Starknet network (chain_id, contract_address), sent from the keystore's
            account: create the keystore with 'init --address <your account> --import yes'.

            """ + SETTINGS;

    static final String RUN = """
            Usage: provider run [--relayer-url URL] [--status-port N] [--ollama-url URL] [other settings]

            Unlocks the keystore, looks at the hardware, and serves tasks from the relayer: the GPU runner
            when a GPU is usable, else the pure-Java runner; with ollama.url set, also llm-generate jobs.
            A local status endpoint answers GET /health (200 while logged in), /status (JSON) and /metrics
            (Prometheus). The log says what the node is doing. Ctrl-C or SIGTERM stops it cleanly: running
            tasks get close_grace_seconds to finish, then are handed back to the relayer.

            """ + SETTINGS;

    static final String STATUS = """
            Usage: provider status [--url http://127.0.0.1:9470] [--status-port N]

            Asks a running provider's status endpoint how it is doing: its state, relayer, runner and task
            counts. Exit code 0 when it is logged in to its relayer, 1 otherwise.

            Options:
              --url URL   the status endpoint (default from status.host and status.port)
            """;

    private Help() {
    }

    static Optional<String> of(String command) {
        return Optional.ofNullable(switch (command) {
            case "init" -> INIT;
            case "detect" -> DETECT;
            case "register" -> REGISTER;
            case "run" -> RUN;
            case "status" -> STATUS;
            default -> null;
        });
    }
}
