package io.smainer.escrow.local;

import static io.smainer.escrow.local.RpcJson.GSON;
import static io.smainer.escrow.local.RpcJson.address;
import static io.smainer.escrow.local.RpcJson.blockHash;
import static io.smainer.escrow.local.RpcJson.contractError;
import static io.smainer.escrow.local.RpcJson.failure;
import static io.smainer.escrow.local.RpcJson.felt;
import static io.smainer.escrow.local.RpcJson.hexArray;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.local.ChainViews.Detail;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local network's Starknet node: a Starknet JSON-RPC server (spec {@value #SPEC_VERSION}) on the JDK's
 * built-in HTTP server, whose chain is an in-process {@link Ledger}. Standard clients (starknet.js, starknet-jvm,
 * starkli) use it unchanged. <b>It is not Starknet</b>: no Cairo runs, there is no sequencer, no fee market, no
 * L1; every transaction is executed at once in a block of its own and charged no fee (or, with
 * {@link Builder#blocksOnDemand}, waits until {@link #createBlock()}); account contracts are not deployed, their
 * public keys are registered with {@link #addAccount} (see {@link AccountKind} for the views each kind answers).
 * What it checks as Starknet would:
 * <ul>
 *   <li>each v3 invoke's signature against the sender's registered key, over the real v3 transaction hash
 *       computed by starknet-jvm's {@code TransactionHashCalculator} (query versions for fee estimates);</li>
 *   <li>the sender's nonce ({@code 52 INVALID_TRANSACTION_NONCE}), unknown senders and bad signatures
 *       ({@code 55 VALIDATION_FAILURE});</li>
 *   <li>the account's {@code __execute__} calldata, decoded into calls by selector and run on the ledger
 *       with the contract's rules; a revert becomes a {@code REVERTED} receipt whose reason is written as a
 *       Starknet node writes it, and a fee estimate of a reverting transaction fails with
 *       {@code 41 TRANSACTION_EXECUTION_ERROR};</li>
 *   <li>an account's signature check ({@code is_valid_signature}, SNIP-6, or {@code isValidSignature}) verifies a
 *       real Stark signature against the account's registered key; a selector an account does not have answers
 *       {@code 21 ENTRYPOINT_NOT_FOUND}, and a {@code starknet_call} to an address that is neither a registered
 *       account nor the ledger's contract or token answers {@code 20 CONTRACT_NOT_FOUND}.</li>
 * </ul>
 * Methods: {@code starknet_specVersion, chainId, syncing, blockNumber, blockHashAndNumber, getBlockWithTxHashes,
 * getBlockWithTxs, getBlockWithReceipts, getBlockTransactionCount, getTransactionByHash,
 * getTransactionByBlockIdAndIndex, getTransactionReceipt, getTransactionStatus, getNonce, call, estimateFee,
 * simulateTransactions, addInvokeTransaction, getEvents, getClassAt, getClassHashAt, getClass, getStorageAt}.
 * Where the model has no Starknet counterpart it says so:
 * <ul>
 *   <li>{@code getClassAt} serves the real contracts' ABIs (those of {@code contracts/*.abi.json}, and a standard
 *       account's) in a Sierra class whose {@code sierra_program} is empty: no compiled code exists here. A ledger
 *       built {@code withoutEntryPoints} is served as a class without them (ABI and entry-point table). Class
 *       hashes are stable labels ({@code sn_keccak} of the ABI text), not hashes of compiled classes.</li>
 *   <li>{@code getStorageAt} answers the slots the model can name (the token's {@code ERC20_balances} and
 *       {@code ERC20_total_supply} for registered accounts and the well-known addresses, an account's
 *       {@code Account_public_key}); any other slot of the contract or the token is refused with
 *       {@code -32603}, as its state is kept as a model, not as storage.</li>
 *   <li>{@code getStateUpdate} is refused with {@code -32601}: there are no storage diffs to report.</li>
 *   <li>Transactions made in-process (through {@link Ledger#client}, not through this node) show their sender,
 *       with empty calldata and signature, in blocks and by hash.</li>
 * </ul>
 * An application may put one {@link RpcInterceptor} in front of every method (to log, or to inject faults in
 * tests); the node never writes system properties. The JDK's HTTP server sends headers and body in separate
 * packets: a client on the same host then waits about 40 ms per call on its delayed ACK unless the JVM runs with
 * {@code -Dsun.net.httpserver.nodelay=true} (read once, when the server's configuration class loads).
 */
public final class LedgerRpcServer implements AutoCloseable {
    /** The RPC spec version reported. */
    public static final String SPEC_VERSION = "0.10.0";
    /** The class hash reported for registered accounts: OpenZeppelin's account, as devnets predeploy it. */
    public static final Felt ACCOUNT_CLASS_HASH = Felt.parse("0x5400e90f7e0ae78bd02c77cd75527280470e2fe19c54970dd79dc37a9d3645c");

    private final Ledger ledger;
    private final RpcInterceptor interceptor;
    private final Accounts accounts;
    private final Contracts contracts;
    private final Mempool mempool;
    private final ChainViews views;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile boolean closed;

    private LedgerRpcServer(Builder b) {
        this.ledger = b.ledger;
        this.interceptor = b.interceptor;
        this.accounts = new Accounts(b.crypto);
        this.contracts = new Contracts(b.ledger, accounts, b.crypto);
        this.mempool = new Mempool(b.ledger, b.blocksOnDemand);
        this.views = new ChainViews(b.ledger, mempool);
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("the local node could not listen on " + b.host + ":" + b.port + ": "
                    + e.getMessage(), e);
        }
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "ledger-rpc-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** @return a builder; the ledger is required */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts a {@link LedgerRpcServer}. */
    public static final class Builder {
        private Ledger ledger;
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private boolean blocksOnDemand;
        private RpcInterceptor interceptor = RpcInterceptor.NONE;
        private String host = "127.0.0.1";
        private int port;
        private int threads = 4;

        private Builder() {
        }

        /**
         * @param ledger the chain state the node serves
         * @return this
         */
        public Builder ledger(Ledger ledger) {
            this.ledger = ledger;
            return this;
        }

        /**
         * @param crypto checks account signatures
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = Objects.requireNonNull(crypto, "crypto");
            return this;
        }

        /**
         * Like a devnet's block generation on demand: with true, a received transaction waits, unexecuted, until
         * {@link LedgerRpcServer#createBlock()} (its receipt answers {@code 29 TXN_HASH_NOT_FOUND} meanwhile);
         * default false: it runs at once, in a block of its own.
         *
         * @param onDemand true to hold transactions until {@code createBlock()}
         * @return this
         */
        public Builder blocksOnDemand(boolean onDemand) {
            this.blocksOnDemand = onDemand;
            return this;
        }

        /**
         * @param interceptor sees every JSON-RPC call before the node answers it; default {@link RpcInterceptor#NONE}
         * @return this
         */
        public Builder interceptor(RpcInterceptor interceptor) {
            this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
            return this;
        }

        /**
         * @param host the interface to bind; default 127.0.0.1
         * @return this
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * @param port the port; default 0 (any free one)
         * @return this
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param threads the HTTP threads; default 4
         * @return this
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        /** @return the node, started */
        public LedgerRpcServer start() {
            if (ledger == null) {
                throw new IllegalStateException("a ledger is required");
            }
            LedgerRpcServer node = new LedgerRpcServer(this);
            node.server.start();
            return node;
        }
    }

    /**
     * Sees every JSON-RPC call (each element of a batch on its own) before the node answers it, like an HTTP
     * client's interceptor: it may answer itself, throw an {@link RpcError}, wait, or pass the call on, now or
     * later, with {@code next}.
     */
    @FunctionalInterface
    public interface RpcInterceptor {
        /** Passes every call on. */
        RpcInterceptor NONE = (method, params, next) -> next.handle(method, params);

        /**
         * @param method the JSON-RPC method, e.g. {@code starknet_call}
         * @param params its parameters, by name (positional ones are named as the spec names them)
         * @param next the node itself
         * @return the result
         * @throws RpcError for a JSON-RPC error answer
         */
        JsonElement intercept(String method, JsonObject params, RpcHandler next);
    }

    /** Answers one JSON-RPC call. */
    @FunctionalInterface
    public interface RpcHandler {
        /**
         * @param method the JSON-RPC method
         * @param params its parameters, by name
         * @return the result
         * @throws RpcError for a JSON-RPC error answer
         */
        JsonElement handle(String method, JsonObject params);
    }

    /** A JSON-RPC error answer, with the spec's code. */
    public static final class RpcError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;
        private final transient JsonElement data;

        /**
         * @param code the error code, e.g. {@code 29} for {@code TXN_HASH_NOT_FOUND}
         * @param message its message
         * @param data its data, or null
         */
        public RpcError(int code, String message, JsonElement data) {
            super(message, null, false, false);
            this.code = code;
            this.data = data;
        }

        /** @return the error code */
        public int code() {
            return code;
        }

        /** @return the error data, if any */
        public Optional<JsonElement> data() {
            return Optional.ofNullable(data);
        }
    }

    /**
     * What a registered account answers to {@code starknet_call}, besides validating its own invokes with its
     * key (which every kind does). Any other selector on an account answers {@code 21 ENTRYPOINT_NOT_FOUND}, as
     * an RPC 0.8+ node does. These are models of account classes' views, not their Cairo code.
     */
    public enum AccountKind {
        /**
         * Like OpenZeppelin's and starknet-jvm's standard accounts: {@code get_public_key} reports the key, and
         * SNIP-6 {@code is_valid_signature(hash, signature)} answers {@code 'VALID'} for an {@code [r, s]}
         * signature by the key, else 0 (also for a signature of another length).
         */
        STANDARD,
        /**
         * An account that does not expose its key (as Argent's {@code get_owner} or Braavos' {@code get_signers}
         * accounts do not answer {@code get_public_key}): only SNIP-6 {@code is_valid_signature}, answering
         * {@code 'VALID'} for an {@code [r, s]} signature by the key and 0 for another, and reverting with
         * {@code invalid-signature-length} for a signature that is not two felts.
         */
        SNIP6_ONLY,
        /** A Cairo 0 style account: only {@code isValidSignature}, answering 1 for a valid signature and 0 else. */
        LEGACY,
        /**
         * An Argent-style account with an owner key and optionally a guardian key, registered with
         * {@link #addArgentAccount}: no {@code get_public_key}; SNIP-6 {@code is_valid_signature} reads the
         * signature as Argent's accounts do:
         * <ul>
         *   <li>the signer list, a serialized {@code Array<SignerSignature>}: {@code [count, then for each signer
         *       signer_type, pubkey, r, s]}, the owner first, then the guardian when there is one; only the
         *       Starknet signer type ({@code 0}) is modelled, another reverts {@code argent/invalid-signature-format};</li>
         *   <li>the concise form {@code [r, s]} of the owner, or {@code [r, s, guardian_r, guardian_s]} with a
         *       guardian.</li>
         * </ul>
         * It answers {@code 'VALID'} when every signer is the account's own and each signature verifies, 0 when a
         * signer is not its own or a signature does not verify, and reverts with
         * {@code argent/invalid-signature-length} when the count is not one per signer (owner, guardian) or felts
         * are left over, and {@code argent/invalid-signature-format} when the list does not decode. Its invokes are
         * validated with the owner key's {@code [r, s]}, as every kind's are (a model: a real Argent account with a
         * guardian asks for both).
         */
        ARGENT
    }

    /**
     * Registers a {@link AccountKind#STANDARD} account (as if its account contract were deployed with this key).
     *
     * @param address the account's address
     * @param publicKey its Stark public key
     * @return this
     */
    public LedgerRpcServer addAccount(ContractAddress address, Felt publicKey) {
        return addAccount(address, publicKey, AccountKind.STANDARD);
    }

    /**
     * Registers an account of a given kind (as if such an account contract were deployed with this key).
     *
     * @param address the account's address
     * @param publicKey its Stark public key: its invokes and the signatures it accepts are checked against it
     * @param kind which views it answers
     * @return this
     */
    public LedgerRpcServer addAccount(ContractAddress address, Felt publicKey, AccountKind kind) {
        if (kind == AccountKind.ARGENT) {
            return addArgentAccount(address, publicKey, Optional.empty());
        }
        accounts.add(Objects.requireNonNull(address, "address"), Objects.requireNonNull(publicKey, "publicKey"),
                Objects.requireNonNull(kind, "kind"), null);
        return this;
    }

    /**
     * Registers an {@link AccountKind#ARGENT} account: one whose SNIP-6 signatures are Argent's signer list, so
     * that a signature of more than two felts can be tried end to end.
     *
     * @param address the account's address
     * @param owner the owner's Stark public key (its invokes are checked against it)
     * @param guardian the guardian's Stark public key, when the account has one: then every signature needs both
     * @return this
     */
    public LedgerRpcServer addArgentAccount(ContractAddress address, Felt owner, Optional<Felt> guardian) {
        accounts.add(Objects.requireNonNull(address, "address"), Objects.requireNonNull(owner, "owner"),
                AccountKind.ARGENT, Objects.requireNonNull(guardian, "guardian").orElse(null));
        return this;
    }

    /**
     * @param address an address
     * @return true when an account is registered there
     */
    public boolean isAccount(ContractAddress address) {
        return accounts.contains(address);
    }

    /** @return the JSON-RPC URL */
    public URI url() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/rpc");
    }

    /** @return the bound port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the ledger behind the node */
    public Ledger ledger() {
        return ledger;
    }

    /**
     * Runs every transaction waiting for a block, in the order received (only with
     * {@link Builder#blocksOnDemand}), each in a block of its own as always.
     *
     * @return how many ran
     */
    public int createBlock() {
        return mempool.createBlock();
    }

    /** @return how many received transactions wait for {@link #createBlock()} */
    public int pendingTransactions() {
        return mempool.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "LedgerRpcServer[" + (closed ? "closed" : url()) + ", chain=" + ledger.chainId() + "] (a local node over "
                + "an in-process ledger, not Starknet)";
    }

    // ------------------------------------------------------------------ JSON-RPC

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonElement answer;
            try {
                JsonElement parsed = JsonParser.parseString(body);
                if (parsed.isJsonArray()) {
                    JsonArray out = new JsonArray();
                    parsed.getAsJsonArray().forEach(r -> out.add(one(r.getAsJsonObject())));
                    answer = out;
                } else {
                    answer = one(parsed.getAsJsonObject());
                }
            } catch (JsonParseException | IllegalStateException e) {
                answer = error(JsonNull.INSTANCE, new RpcError(-32700, "Parse error", null));
            }
            byte[] bytes = GSON.toJson(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private JsonObject one(JsonObject rq) {
        JsonElement id = rq.has("id") ? rq.get("id") : JsonNull.INSTANCE;
        String method = rq.has("method") ? rq.get("method").getAsString() : "";
        try {
            JsonObject params = named(method, rq.has("params") ? rq.get("params") : new JsonObject());
            JsonElement result = interceptor.intercept(method, params, this::dispatch);
            JsonObject out = new JsonObject();
            out.addProperty("jsonrpc", "2.0");
            out.add("id", id);
            out.add("result", result);
            return out;
        } catch (RpcError e) {
            return error(id, e);
        } catch (RuntimeException e) {
            return error(id, new RpcError(-32602, "Invalid params: " + e.getMessage(), null));
        }
    }

    /** The spec's parameter names, in order, for the methods a client may call with positional parameters. */
    private static final Map<String, List<String>> POSITIONAL = Map.ofEntries(
            Map.entry("starknet_getBlockWithTxHashes", List.of("block_id")),
            Map.entry("starknet_getBlockWithTxs", List.of("block_id")),
            Map.entry("starknet_getBlockWithReceipts", List.of("block_id")),
            Map.entry("starknet_getStateUpdate", List.of("block_id")),
            Map.entry("starknet_getStorageAt", List.of("contract_address", "key", "block_id")),
            Map.entry("starknet_getTransactionStatus", List.of("transaction_hash")),
            Map.entry("starknet_getTransactionByHash", List.of("transaction_hash")),
            Map.entry("starknet_getTransactionByBlockIdAndIndex", List.of("block_id", "index")),
            Map.entry("starknet_getTransactionReceipt", List.of("transaction_hash")),
            Map.entry("starknet_getClass", List.of("block_id", "class_hash")),
            Map.entry("starknet_getClassHashAt", List.of("block_id", "contract_address")),
            Map.entry("starknet_getClassAt", List.of("block_id", "contract_address")),
            Map.entry("starknet_getBlockTransactionCount", List.of("block_id")),
            Map.entry("starknet_call", List.of("request", "block_id")),
            Map.entry("starknet_estimateFee", List.of("request", "simulation_flags", "block_id")),
            Map.entry("starknet_getNonce", List.of("block_id", "contract_address")),
            Map.entry("starknet_getEvents", List.of("filter")),
            Map.entry("starknet_simulateTransactions", List.of("block_id", "transactions", "simulation_flags")),
            Map.entry("starknet_addInvokeTransaction", List.of("invoke_transaction")));

    private static JsonObject named(String method, JsonElement params) {
        if (params.isJsonObject()) {
            return params.getAsJsonObject();
        }
        JsonObject out = new JsonObject();
        if (params.isJsonArray()) {
            List<String> names = POSITIONAL.getOrDefault(method, List.of());
            JsonArray a = params.getAsJsonArray();
            for (int i = 0; i < Math.min(a.size(), names.size()); i++) {
                out.add(names.get(i), a.get(i));
            }
        }
        return out;
    }

    private static JsonObject error(JsonElement id, RpcError e) {
        JsonObject err = new JsonObject();
        err.addProperty("code", e.code());
        err.addProperty("message", e.getMessage());
        e.data().ifPresent(d -> err.add("data", d));
        JsonObject out = new JsonObject();
        out.addProperty("jsonrpc", "2.0");
        out.add("id", id);
        out.add("error", err);
        return out;
    }

    private JsonElement dispatch(String method, JsonObject p) {
        switch (method) {
            case "starknet_specVersion":
                return new JsonPrimitive(SPEC_VERSION);
            case "starknet_chainId":
                return new JsonPrimitive(ledger.chainId().felt().hex());
            case "starknet_syncing":
                return new JsonPrimitive(false);
            case "starknet_blockNumber":
                return new JsonPrimitive(ledger.blockNumber());
            case "starknet_blockHashAndNumber": {
                JsonObject o = new JsonObject();
                long latest = ledger.blockNumber();
                o.addProperty("block_hash", blockHash(latest).hex());
                o.addProperty("block_number", latest);
                return o;
            }
            case "starknet_getBlockWithTxHashes":
                return views.block(p.get("block_id"), Detail.HASHES);
            case "starknet_getBlockWithTxs":
                return views.block(p.get("block_id"), Detail.TRANSACTIONS);
            case "starknet_getBlockWithReceipts":
                return views.block(p.get("block_id"), Detail.RECEIPTS);
            case "starknet_getBlockTransactionCount":
                return new JsonPrimitive(views.transactionsIn(p.get("block_id")).size());
            case "starknet_getTransactionByHash":
                return views.transaction(views.executed(felt(p.get("transaction_hash"))).hash());
            case "starknet_getTransactionByBlockIdAndIndex": {
                List<Felt> txs = views.transactionsIn(p.get("block_id"));
                int index = p.get("index").getAsInt();
                if (index < 0 || index >= txs.size()) {
                    throw new RpcError(27, "Invalid transaction index in a block", null);
                }
                return views.transaction(txs.get(index));
            }
            case "starknet_getStateUpdate":
                throw new RpcError(-32601, "Method not found: starknet_getStateUpdate is not served by the local node "
                        + "(it keeps the contracts' state as a model, not as storage, so it has no state diffs)", null);
            case "starknet_getNonce":
                return new JsonPrimitive(ledger.nonce(address(p.get("contract_address"))).hex());
            case "starknet_call":
                return call(p.getAsJsonObject("request"));
            case "starknet_estimateFee":
                return estimateFee(p);
            case "starknet_simulateTransactions":
                return simulate(p);
            case "starknet_addInvokeTransaction":
                return addInvoke(p.getAsJsonObject("invoke_transaction"));
            case "starknet_getTransactionReceipt":
                return views.receipt(views.executed(felt(p.get("transaction_hash"))));
            case "starknet_getTransactionStatus":
                return views.status(views.executed(felt(p.get("transaction_hash"))));
            case "starknet_getEvents":
                return views.events(p.getAsJsonObject("filter"));
            case "starknet_getClassHashAt":
                views.blockOf(p.get("block_id"), ledger.blockNumber());
                return new JsonPrimitive(contracts.classHashAt(address(p.get("contract_address"))).hex());
            case "starknet_getClassAt":
                views.blockOf(p.get("block_id"), ledger.blockNumber());
                return contracts.classAt(address(p.get("contract_address")));
            case "starknet_getClass":
                views.blockOf(p.get("block_id"), ledger.blockNumber());
                return contracts.classOf(felt(p.get("class_hash")));
            case "starknet_getStorageAt":
                views.blockOf(p.get("block_id"), ledger.blockNumber());
                return new JsonPrimitive(contracts.storageAt(address(p.get("contract_address")), felt(p.get("key"))).hex());
            default:
                throw new RpcError(-32601, "Method not found: " + method, null);
        }
    }

    // ------------------------------------------------------------------ calls and transactions

    private JsonElement call(JsonObject rq) {
        ContractCall c = new ContractCall(address(rq.get("contract_address")), felt(rq.get("entry_point_selector")),
                RpcJson.felts(rq.getAsJsonArray("calldata")));
        if (accounts.contains(c.to())) {
            return hexArray(accounts.call(c));
        }
        if (!c.to().equals(ledger.contract()) && !c.to().equals(ledger.token())
                && !ledger.stakingContract().map(c.to()::equals).orElse(false)) {
            throw new RpcError(20, "Contract not found", null);
        }
        try {
            return hexArray(ledger.call(c));
        } catch (EscrowRevertedException e) {
            throw contractError(e.reason());
        }
    }

    private JsonElement estimateFee(JsonObject p) {
        JsonArray txs = p.getAsJsonArray("request");
        boolean skipValidate = skipValidate(p);
        JsonArray out = new JsonArray();
        for (int i = 0; i < txs.size(); i++) {
            Invoke tx = Invoke.parse(txs.get(i).getAsJsonObject(), ledger.chainId());
            if (!skipValidate) {
                accounts.validate(tx);
            }
            Felt expected = ledger.nonce(tx.sender());
            if (tx.nonce().compareTo(expected) < 0) {
                throw new RpcError(52, "Invalid transaction nonce", new JsonPrimitive("Account nonce: " + expected.hex()
                        + "; got: " + tx.nonce().hex()));
            }
            Optional<String> revert = ledger.dryRun(tx.sender(), tx.calls());
            if (revert.isPresent()) {
                JsonObject data = new JsonObject();
                data.addProperty("transaction_index", i);
                data.addProperty("execution_error", failure(tx.sender(), revert.get()));
                throw new RpcError(41, "Transaction execution error", data);
            }
            out.add(tx.fee());
        }
        return out;
    }

    /**
     * {@code starknet_simulateTransactions}: each invoke validated (unless {@code SKIP_VALIDATE}) and run on a copy
     * of the state; a revert is reported in the trace, as a node reports it, not as an error.
     */
    private JsonElement simulate(JsonObject p) {
        views.blockOf(p.get("block_id"), ledger.blockNumber());
        JsonArray txs = p.getAsJsonArray("transactions");
        boolean skipValidate = skipValidate(p);
        JsonArray out = new JsonArray();
        for (int i = 0; i < txs.size(); i++) {
            Invoke tx = Invoke.parse(txs.get(i).getAsJsonObject(), ledger.chainId());
            if (!skipValidate) {
                accounts.validate(tx);
            }
            Optional<String> revert = ledger.dryRun(tx.sender(), tx.calls());
            JsonObject execute = new JsonObject();
            if (revert.isPresent()) {
                execute.addProperty("revert_reason", failure(tx.sender(), revert.get()));
            } else {
                execute = invocation(ContractAddress.ZERO, tx.sender(), Abi.selector(Abi.EXECUTE), tx.calldata(),
                        ACCOUNT_CLASS_HASH);
                JsonArray inner = new JsonArray();
                for (ContractCall c : tx.calls()) {
                    inner.add(invocation(tx.sender(), c.to(), c.selector(), c.calldata(), contracts.classHashAt(c.to())));
                }
                execute.add("calls", inner);
            }
            JsonObject trace = new JsonObject();
            trace.addProperty("type", "INVOKE");
            trace.add("execute_invocation", execute);
            JsonObject resources = new JsonObject();
            resources.addProperty("l1_gas", 0);
            resources.addProperty("l1_data_gas", 0x80);
            resources.addProperty("l2_gas", tx.l2Gas());
            trace.add("execution_resources", resources);
            JsonObject one = new JsonObject();
            one.add("transaction_trace", trace);
            one.add("fee_estimation", tx.fee());
            out.add(one);
        }
        return out;
    }

    private static boolean skipValidate(JsonObject p) {
        return p.has("simulation_flags") && p.get("simulation_flags").toString().contains("SKIP_VALIDATE");
    }

    private static JsonObject invocation(ContractAddress caller, ContractAddress to, Felt selector, List<Felt> calldata,
            Felt classHash) {
        JsonObject o = new JsonObject();
        o.addProperty("contract_address", to.hex());
        o.addProperty("entry_point_selector", selector.hex());
        o.add("calldata", hexArray(calldata));
        o.addProperty("caller_address", caller.hex());
        o.addProperty("class_hash", classHash.hex());
        o.addProperty("entry_point_type", "EXTERNAL");
        o.addProperty("call_type", "CALL");
        o.add("result", new JsonArray());
        o.add("calls", new JsonArray());
        o.add("events", new JsonArray());
        o.add("messages", new JsonArray());
        JsonObject resources = new JsonObject();
        resources.addProperty("l1_gas", 0);
        resources.addProperty("l2_gas", 0);
        o.add("execution_resources", resources);
        o.addProperty("is_reverted", false);
        return o;
    }

    private JsonElement addInvoke(JsonObject json) {
        Invoke tx = Invoke.parse(json, ledger.chainId());
        if (tx.query()) {
            throw new RpcError(61, "The transaction version is not supported", new JsonPrimitive("query version"));
        }
        accounts.validate(tx);
        mempool.submit(tx, json);
        JsonObject out = new JsonObject();
        out.addProperty("transaction_hash", tx.hash().hex());
        return out;
    }
}
