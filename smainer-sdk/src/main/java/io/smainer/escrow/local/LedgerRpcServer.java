package io.smainer.escrow.local;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.swmansion.starknet.data.TransactionHashCalculator;
import com.swmansion.starknet.data.types.DAMode;
import com.swmansion.starknet.data.types.ResourceBounds;
import com.swmansion.starknet.data.types.ResourceBoundsMapping;
import com.swmansion.starknet.data.types.StarknetChainId;
import com.swmansion.starknet.data.types.TransactionVersion;
import com.swmansion.starknet.data.types.Uint128;
import com.swmansion.starknet.data.types.Uint64;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.internal.Felts;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.LedgerTransaction;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.RevertReasons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

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
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final String STARKNET_VERSION = "0.14.0";
    private static final JsonArray CONTRACT_ABI = abiResource("smainer_contract.abi.json");
    private static final JsonArray TOKEN_ABI = abiResource("erc20.abi.json");
    private static final JsonArray ACCOUNT_ABI = abiResource("account.abi.json");

    private final Ledger ledger;
    private final StarkCrypto crypto;
    private final boolean blocksOnDemand;
    private final RpcInterceptor interceptor;
    private final Instant genesis;
    private final List<Invoke> mempool = new ArrayList<>(); // guarded by submit
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<ContractAddress, Account> accounts = new ConcurrentHashMap<>();
    private final Map<Felt, JsonObject> received = new ConcurrentHashMap<>();
    private final ReentrantLock submit = new ReentrantLock();
    private volatile boolean closed;

    private LedgerRpcServer(Builder b) {
        this.ledger = b.ledger;
        this.crypto = b.crypto;
        this.blocksOnDemand = b.blocksOnDemand;
        this.interceptor = b.interceptor;
        this.genesis = b.ledger.transactionInBlock(1).map(LedgerTransaction::timestamp).orElse(Instant.now());
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

    /** A registered account: its (owner) key, what it answers, and an Argent-style account's guardian key or null. */
    private record Account(Felt key, AccountKind kind, Felt guardian) {
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
        accounts.put(Objects.requireNonNull(address, "address"),
                new Account(Objects.requireNonNull(publicKey, "publicKey"), Objects.requireNonNull(kind, "kind"), null));
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
        accounts.put(Objects.requireNonNull(address, "address"), new Account(Objects.requireNonNull(owner, "owner"),
                AccountKind.ARGENT, Objects.requireNonNull(guardian, "guardian").orElse(null)));
        return this;
    }

    /**
     * @param address an address
     * @return true when an account is registered there
     */
    public boolean isAccount(ContractAddress address) {
        return accounts.containsKey(address);
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
        submit.lock();
        try {
            for (Invoke tx : mempool) {
                ledger.execute(tx.sender(), tx.calls(), Optional.of(tx.hash()));
            }
            int n = mempool.size();
            mempool.clear();
            return n;
        } finally {
            submit.unlock();
        }
    }

    /** @return how many received transactions wait for {@link #createBlock()} */
    public int pendingTransactions() {
        submit.lock();
        try {
            return mempool.size();
        } finally {
            submit.unlock();
        }
    }

    private Felt expectedNonce(ContractAddress sender) {
        BigInteger queued = BigInteger.valueOf(mempool.stream().filter(t -> t.sender().equals(sender)).count());
        return Felt.of(ledger.nonce(sender).value().add(queued));
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
                return block(p.get("block_id"), Detail.HASHES);
            case "starknet_getBlockWithTxs":
                return block(p.get("block_id"), Detail.TRANSACTIONS);
            case "starknet_getBlockWithReceipts":
                return block(p.get("block_id"), Detail.RECEIPTS);
            case "starknet_getBlockTransactionCount":
                return new JsonPrimitive(transactionsIn(p.get("block_id")).size());
            case "starknet_getTransactionByHash":
                return transaction(visible(felt(p.get("transaction_hash"))));
            case "starknet_getTransactionByBlockIdAndIndex": {
                List<Felt> txs = transactionsIn(p.get("block_id"));
                int index = p.get("index").getAsInt();
                if (index < 0 || index >= txs.size()) {
                    throw new RpcError(27, "Invalid transaction index in a block", null);
                }
                return transactionJson(txs.get(index));
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
                return receipt(visible(felt(p.get("transaction_hash"))));
            case "starknet_getTransactionStatus":
                return status(visible(felt(p.get("transaction_hash"))));
            case "starknet_getEvents":
                return events(p.getAsJsonObject("filter"));
            case "starknet_getClassHashAt":
                blockOf(p.get("block_id"), ledger.blockNumber());
                return new JsonPrimitive(classHashAt(address(p.get("contract_address"))).hex());
            case "starknet_getClassAt":
                blockOf(p.get("block_id"), ledger.blockNumber());
                return contractClass(abiAt(address(p.get("contract_address"))));
            case "starknet_getClass":
                blockOf(p.get("block_id"), ledger.blockNumber());
                return contractClass(abiOfClass(felt(p.get("class_hash"))));
            case "starknet_getStorageAt":
                blockOf(p.get("block_id"), ledger.blockNumber());
                return new JsonPrimitive(storageAt(address(p.get("contract_address")), felt(p.get("key"))).hex());
            default:
                throw new RpcError(-32601, "Method not found: " + method, null);
        }
    }

    // ------------------------------------------------------------------ classes and storage

    private static JsonArray abiResource(String name) {
        try (InputStream in = LedgerRpcServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the ABI resource " + name + " is missing from the SDK jar");
            }
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Felt classHashOf(JsonArray abi) {
        return abi == ACCOUNT_ABI ? ACCOUNT_CLASS_HASH : Abi.selector(GSON.toJson(abi));
    }

    private JsonArray abiAt(ContractAddress address) {
        if (address.equals(ledger.contract())) {
            return contractAbi();
        }
        if (address.equals(ledger.token())) {
            return TOKEN_ABI;
        }
        if (accounts.containsKey(address)) {
            return ACCOUNT_ABI;
        }
        throw new RpcError(20, "Contract not found", null);
    }

    private Felt classHashAt(ContractAddress address) {
        return classHashOf(abiAt(address));
    }

    /**
     * The SmainerContract's ABI as the ledger's class has it: the public source's, less any entry point the
     * ledger was built without ({@code Ledger.Builder.withoutEntryPoints}).
     */
    private JsonArray contractAbi() {
        JsonArray out = new JsonArray();
        boolean all = true;
        for (JsonElement item : CONTRACT_ABI) {
            JsonObject o = item.getAsJsonObject();
            if (!o.has("items") || !"interface".equals(o.get("type").getAsString())) {
                out.add(o);
                continue;
            }
            JsonArray items = new JsonArray();
            for (JsonElement fn : o.getAsJsonArray("items")) {
                if (ledger.offers(fn.getAsJsonObject().get("name").getAsString())) {
                    items.add(fn);
                } else {
                    all = false;
                }
            }
            JsonObject copy = o.deepCopy();
            copy.add("items", items);
            out.add(copy);
        }
        return all ? CONTRACT_ABI : out;
    }

    private JsonArray abiOfClass(Felt classHash) {
        for (JsonArray abi : List.of(contractAbi(), TOKEN_ABI, ACCOUNT_ABI)) {
            if (classHashOf(abi).equals(classHash)) {
                return abi;
            }
        }
        throw new RpcError(28, "Class hash not found", null);
    }

    /** A Sierra contract class carrying the ABI; no compiled program exists for the model, so it is empty. */
    private static JsonObject contractClass(JsonArray abi) {
        JsonObject c = new JsonObject();
        c.add("sierra_program", new JsonArray());
        c.addProperty("contract_class_version", "0.1.0");
        JsonObject entryPoints = new JsonObject();
        JsonArray external = new JsonArray();
        JsonArray constructor = new JsonArray();
        int index = 0;
        for (JsonElement item : abi) {
            for (JsonObject fn : functions(item.getAsJsonObject())) {
                JsonObject ep = new JsonObject();
                ep.addProperty("selector", Abi.selector(fn.get("name").getAsString()).hex());
                ep.addProperty("function_idx", index++);
                ("constructor".equals(fn.get("type").getAsString()) ? constructor : external).add(ep);
            }
        }
        entryPoints.add("CONSTRUCTOR", constructor);
        entryPoints.add("EXTERNAL", external);
        entryPoints.add("L1_HANDLER", new JsonArray());
        c.add("entry_points_by_type", entryPoints);
        c.addProperty("abi", GSON.toJson(abi));
        return c;
    }

    private static List<JsonObject> functions(JsonObject item) {
        String type = item.has("type") ? item.get("type").getAsString() : "";
        List<JsonObject> out = new ArrayList<>();
        if (type.equals("function") || type.equals("constructor")) {
            out.add(item);
        } else if (type.equals("interface") && item.has("items")) {
            item.getAsJsonArray("items").forEach(i -> out.addAll(functions(i.getAsJsonObject())));
        }
        return out;
    }

    private Felt storageAt(ContractAddress contract, Felt key) {
        if (accounts.containsKey(contract)) {
            if (key.equals(Abi.selector("Account_public_key"))) {
                return accounts.get(contract).key();
            }
            return Felt.ZERO; // an account model keeps nothing else
        }
        if (contract.equals(ledger.token())) {
            if (key.equals(Abi.selector("ERC20_total_supply"))) {
                return Felt.of(ledger.totalSupply().baseUnits().and(LOW_128));
            }
            Felt balances = Abi.selector("ERC20_balances");
            List<ContractAddress> known = new ArrayList<>(accounts.keySet());
            known.addAll(List.of(ledger.contract(), ledger.token(), ledger.owner(), ledger.relayer(), ledger.treasury()));
            for (ContractAddress a : known) {
                Felt slot = crypto.pedersen(balances, a.felt());
                BigInteger balance = ledger.balanceOf(a).baseUnits();
                if (key.equals(slot)) {
                    return Felt.of(balance.and(LOW_128));
                }
                if (key.equals(Felt.reduce(slot.value().add(BigInteger.ONE)))) {
                    return Felt.of(balance.shiftRight(128));
                }
            }
        } else if (!contract.equals(ledger.contract())) {
            throw new RpcError(20, "Contract not found", null);
        }
        throw new RpcError(-32603, "Internal error: the local node keeps " + contract.hex() + "'s state as a model of "
                + "the contract, not as storage, and cannot name slot " + key.hex() + "; read it with starknet_call", null);
    }

    private static final BigInteger LOW_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    // ------------------------------------------------------------------ blocks and transactions

    private enum Detail { HASHES, TRANSACTIONS, RECEIPTS }

    private boolean preConfirmed(JsonElement id) {
        return id != null && id.isJsonPrimitive() && id.getAsString().equals("pre_confirmed");
    }

    /** The transaction hashes of a block: one per block, none in block 0, the waiting ones in pre_confirmed. */
    private List<Felt> transactionsIn(JsonElement id) {
        if (preConfirmed(id)) {
            submit.lock();
            try {
                return mempool.stream().map(Invoke::hash).toList();
            } finally {
                submit.unlock();
            }
        }
        long number = blockOf(id, ledger.blockNumber());
        return ledger.transactionInBlock(number).map(tx -> List.of(tx.hash())).orElse(List.of());
    }

    private JsonObject block(JsonElement id, Detail detail) {
        boolean pending = preConfirmed(id);
        long number = pending ? ledger.blockNumber() + 1 : blockOf(id, ledger.blockNumber());
        Optional<LedgerTransaction> tx = pending ? Optional.empty() : ledger.transactionInBlock(number);
        JsonObject b = new JsonObject();
        if (!pending) {
            b.addProperty("status", "ACCEPTED_ON_L2");
            b.addProperty("block_hash", blockHash(number).hex());
            b.addProperty("parent_hash", number == 0 ? Felt.ZERO.hex() : blockHash(number - 1).hex());
            b.addProperty("new_root", Felt.ZERO.hex());
        }
        b.addProperty("block_number", number);
        b.addProperty("timestamp", tx.map(LedgerTransaction::timestamp).orElse(pending ? Instant.now() : genesis)
                .getEpochSecond());
        b.addProperty("sequencer_address", Felt.ZERO.hex());
        b.add("l1_gas_price", price());
        b.add("l2_gas_price", price());
        b.add("l1_data_gas_price", price());
        b.addProperty("l1_da_mode", "BLOB");
        b.addProperty("starknet_version", STARKNET_VERSION);
        List<Felt> hashes = pending ? transactionsIn(id) : tx.map(t -> List.of(t.hash())).orElse(List.of());
        if (!pending) {
            for (String c : List.of("transaction_commitment", "event_commitment", "receipt_commitment",
                    "state_diff_commitment")) {
                b.addProperty(c, Felt.ZERO.hex());
            }
            b.addProperty("transaction_count", hashes.size());
            b.addProperty("event_count", tx.map(t -> t.events().size()).orElse(0));
            b.addProperty("state_diff_length", 0);
        }
        JsonArray txs = new JsonArray();
        for (Felt h : hashes) {
            switch (detail) {
                case HASHES -> txs.add(h.hex());
                case TRANSACTIONS -> txs.add(transactionJson(h));
                case RECEIPTS -> {
                    JsonObject both = new JsonObject();
                    both.add("transaction", transactionJson(h));
                    JsonObject r = receipt(ledger.transaction(h).orElseThrow());
                    r.remove("block_hash");
                    r.remove("block_number");
                    both.add("receipt", r);
                    txs.add(both);
                }
                default -> throw new IllegalStateException(detail.name());
            }
        }
        b.add("transactions", txs);
        return b;
    }

    private static JsonObject price() {
        JsonObject p = new JsonObject();
        p.addProperty("price_in_fri", "0x1");
        p.addProperty("price_in_wei", "0x1");
        return p;
    }

    private JsonObject transaction(LedgerTransaction tx) {
        return transactionJson(tx.hash());
    }

    /** The invoke as received, or for one made in-process, its sender with empty calldata and signature. */
    private JsonObject transactionJson(Felt hash) {
        JsonObject got = received.get(hash);
        JsonObject t;
        if (got != null) {
            t = got.deepCopy();
        } else {
            Optional<Invoke> queued;
            submit.lock();
            try {
                queued = mempool.stream().filter(i -> i.hash().equals(hash)).findFirst();
            } finally {
                submit.unlock();
            }
            LedgerTransaction tx = ledger.transaction(hash).orElse(null);
            if (tx == null && queued.isEmpty()) {
                throw new RpcError(29, "Transaction hash not found", null);
            }
            ContractAddress sender = tx != null ? tx.sender() : queued.get().sender();
            t = new JsonObject();
            t.addProperty("type", "INVOKE");
            t.addProperty("version", "0x3");
            t.addProperty("sender_address", sender.hex());
            t.add("calldata", new JsonArray());
            t.add("signature", new JsonArray());
            t.addProperty("nonce", Felt.ZERO.hex());
            JsonObject bounds = new JsonObject();
            for (String r : List.of("l1_gas", "l1_data_gas", "l2_gas")) {
                JsonObject b = new JsonObject();
                b.addProperty("max_amount", "0x0");
                b.addProperty("max_price_per_unit", "0x0");
                bounds.add(r, b);
            }
            t.add("resource_bounds", bounds);
            t.addProperty("tip", "0x0");
            t.add("paymaster_data", new JsonArray());
            t.add("account_deployment_data", new JsonArray());
            t.addProperty("nonce_data_availability_mode", "L1");
            t.addProperty("fee_data_availability_mode", "L1");
        }
        t.addProperty("transaction_hash", hash.hex());
        return t;
    }

    // ------------------------------------------------------------------ calls

    private JsonElement call(JsonObject rq) {
        ContractCall c = new ContractCall(address(rq.get("contract_address")), felt(rq.get("entry_point_selector")),
                felts(rq.getAsJsonArray("calldata")));
        Account account = accounts.get(c.to());
        if (account != null) {
            return accountCall(account, c);
        }
        if (!c.to().equals(ledger.contract()) && !c.to().equals(ledger.token())
                && !ledger.stakingContract().map(c.to()::equals).orElse(false)) {
            throw new RpcError(20, "Contract not found", null);
        }
        try {
            return hexArray(ledger.call(c));
        } catch (EscrowRevertedException e) {
            JsonObject data = new JsonObject();
            data.addProperty("revert_error", "Execution failed. Failure reason:\n" + RevertReasons.encode(e.reason())
                    + ".\n");
            throw new RpcError(40, "Contract error", data);
        }
    }

    /** An account contract's views, by its kind. */
    private JsonElement accountCall(Account account, ContractCall c) {
        Felt sel = c.selector();
        List<Felt> result;
        if (sel.equals(Abi.selector(Abi.GET_PUBLIC_KEY)) && account.kind() == AccountKind.STANDARD) {
            result = List.of(account.key());
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE)) && account.kind() != AccountKind.LEGACY) {
            result = List.of(signatureValid(account, c) ? SignatureVerdict.VALID : Felt.ZERO);
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE_LEGACY)) && account.kind() == AccountKind.LEGACY) {
            result = List.of(signatureValid(account, c) ? Felt.ONE : Felt.ZERO);
        } else {
            throw new RpcError(21, "Requested entrypoint does not exist in the contract", null);
        }
        return hexArray(result);
    }

    /** {@code (hash, signature: Array<felt252>)} checked against the account's key. */
    private boolean signatureValid(Account account, ContractCall c) {
        List<Felt> data = c.calldata();
        if (data.size() < 2 || data.get(1).value().bitLength() > 31
                || data.size() != 2 + data.get(1).value().intValueExact()) {
            throw contractError(c, "Failed to deserialize param #2");
        }
        List<Felt> signature = data.subList(2, data.size());
        if (account.kind() == AccountKind.ARGENT) {
            return argentSignatureValid(account, c, data.get(0), signature);
        }
        if (signature.size() != 2) {
            if (account.kind() == AccountKind.SNIP6_ONLY) {
                throw contractError(c, "invalid-signature-length");
            }
            return false;
        }
        return crypto.verify(account.key(), data.get(0), new Signature(signature.get(0), signature.get(1)));
    }

    /** An Argent-style account's check: the signer list or the concise form, one signature per signer. */
    private boolean argentSignatureValid(Account account, ContractCall c, Felt hash, List<Felt> signature) {
        List<Felt> expected = account.guardian() == null ? List.of(account.key()) : List.of(account.key(),
                account.guardian());
        List<Felt> signers = new ArrayList<>();
        List<Signature> signatures = new ArrayList<>();
        int n = signature.size();
        if (n == 2 || n == 4) { // the concise form: [r, s] of the owner, then the guardian's
            for (int i = 0; i < n; i += 2) {
                signers.add(expected.get(Math.min(i / 2, expected.size() - 1)));
                signatures.add(new Signature(signature.get(i), signature.get(i + 1)));
            }
        } else {
            if (n == 0 || signature.get(0).value().bitLength() > 31) {
                throw contractError(c, "argent/invalid-signature-format");
            }
            int count = signature.get(0).value().intValueExact();
            int at = 1;
            for (int i = 0; i < count; i++) {
                if (at + 4 > n || !signature.get(at).equals(Felt.ZERO)) {
                    throw contractError(c, "argent/invalid-signature-format");
                }
                signers.add(signature.get(at + 1));
                signatures.add(new Signature(signature.get(at + 2), signature.get(at + 3)));
                at += 4;
            }
            if (at != n) {
                throw contractError(c, "argent/invalid-signature-length");
            }
        }
        if (signatures.size() != expected.size()) {
            throw contractError(c, "argent/invalid-signature-length");
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!signers.get(i).equals(expected.get(i)) || !crypto.verify(expected.get(i), hash, signatures.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static RpcError contractError(ContractCall c, String reason) {
        JsonObject data = new JsonObject();
        data.addProperty("revert_error", "Execution failed. Failure reason:\n" + RevertReasons.encode(reason) + ".\n");
        return new RpcError(40, "Contract error", data);
    }

    /** A v3 invoke as the node received it, with its hash and decoded calls. */
    private record Invoke(ContractAddress sender, Felt nonce, Felt hash, List<Felt> signature, List<Felt> calldata,
            List<ContractCall> calls, boolean query) {
    }

    private Invoke parseInvoke(JsonObject tx) {
        if (!"INVOKE".equals(tx.get("type").getAsString())) {
            throw new RpcError(-32602, "Invalid params: only INVOKE transactions are supported", null);
        }
        ContractAddress sender = address(tx.get("sender_address"));
        List<Felt> calldata = felts(tx.getAsJsonArray("calldata"));
        Felt version = felt(tx.get("version"));
        TransactionVersion v;
        if (version.value().equals(TransactionVersion.V3.getValue().getValue())) {
            v = TransactionVersion.V3;
        } else if (version.value().equals(TransactionVersion.V3_QUERY.getValue().getValue())) {
            v = TransactionVersion.V3_QUERY;
        } else {
            throw new RpcError(61, "The transaction version is not supported", new JsonPrimitive(version.hex()));
        }
        Felt nonce = felt(tx.get("nonce"));
        JsonObject rb = tx.getAsJsonObject("resource_bounds");
        ResourceBoundsMapping bounds = new ResourceBoundsMapping(bounds(rb.getAsJsonObject("l1_gas")),
                bounds(rb.getAsJsonObject("l1_data_gas")), bounds(rb.getAsJsonObject("l2_gas")));
        Uint64 tip = Uint64.fromHex(tx.get("tip").getAsString());
        List<com.swmansion.starknet.data.types.Felt> paymaster = snFelts(tx.getAsJsonArray("paymaster_data"));
        List<com.swmansion.starknet.data.types.Felt> deployment = snFelts(tx.getAsJsonArray("account_deployment_data"));
        List<com.swmansion.starknet.data.types.Felt> proofFacts = tx.has("proof_facts") && tx.get("proof_facts").isJsonArray()
                ? snFelts(tx.getAsJsonArray("proof_facts")) : List.of();
        DAMode nonceDa = DAMode.valueOf(tx.get("nonce_data_availability_mode").getAsString());
        DAMode feeDa = DAMode.valueOf(tx.get("fee_data_availability_mode").getAsString());
        List<com.swmansion.starknet.data.types.Felt> snCalldata = new ArrayList<>();
        calldata.forEach(f -> snCalldata.add(Felts.toSn(f)));
        Felt hash = Felts.fromSn(TransactionHashCalculator.calculateInvokeTxV3Hash(Felts.toSn(sender.felt()), snCalldata,
                new StarknetChainId(Felts.toSn(ledger.chainId().felt())), v, Felts.toSn(nonce), tip, bounds, paymaster,
                deployment, feeDa, nonceDa, proofFacts));
        return new Invoke(sender, nonce, hash, felts(tx.getAsJsonArray("signature")), calldata, decodeExecute(calldata),
                v == TransactionVersion.V3_QUERY);
    }

    private static ResourceBounds bounds(JsonObject o) {
        return new ResourceBounds(Uint64.fromHex(o.get("max_amount").getAsString()),
                Uint128.fromHex(o.get("max_price_per_unit").getAsString()));
    }

    /** Cairo 1 account {@code __execute__} calldata: {@code [n, (to, selector, len, data...) x n]}. */
    private static List<ContractCall> decodeExecute(List<Felt> calldata) {
        try {
            int at = 0;
            int n = calldata.get(at++).value().intValueExact();
            List<ContractCall> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ContractAddress to = new ContractAddress(calldata.get(at++));
                Felt selector = calldata.get(at++);
                int len = calldata.get(at++).value().intValueExact();
                out.add(new ContractCall(to, selector, calldata.subList(at, at + len)));
                at += len;
            }
            if (at != calldata.size()) {
                throw new IllegalArgumentException(calldata.size() - at + " felts left over");
            }
            return out;
        } catch (RuntimeException e) {
            throw new RpcError(-32602, "Invalid params: __execute__ calldata does not decode: " + e.getMessage(), null);
        }
    }

    private void validate(Invoke tx) {
        Account account = accounts.get(tx.sender());
        if (account == null) {
            throw new RpcError(55, "Account validation failed",
                    new JsonPrimitive("Requested contract address " + tx.sender() + " is not deployed."));
        }
        if (tx.signature().size() != 2 || !crypto.verify(account.key(), tx.hash(), new Signature(tx.signature().get(0),
                tx.signature().get(1)))) {
            throw new RpcError(55, "Account validation failed", new JsonPrimitive("Transaction validation failed: "
                    + RevertReasons.encode("Account: invalid signature")));
        }
    }

    private JsonElement estimateFee(JsonObject p) {
        JsonArray txs = p.getAsJsonArray("request");
        boolean skipValidate = p.has("simulation_flags") && p.get("simulation_flags").toString().contains("SKIP_VALIDATE");
        JsonArray out = new JsonArray();
        for (int i = 0; i < txs.size(); i++) {
            Invoke tx = parseInvoke(txs.get(i).getAsJsonObject());
            if (!skipValidate) {
                validate(tx);
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
            out.add(fee(tx));
        }
        return out;
    }

    /** A fixed model of the fee: gas by the number of calls, every price 1 fri. */
    private static JsonObject fee(Invoke tx) {
        long l2 = 400_000L + 150_000L * tx.calls().size();
        JsonObject fee = new JsonObject();
        fee.addProperty("l1_gas_consumed", "0x0");
        fee.addProperty("l1_gas_price", "0x1");
        fee.addProperty("l2_gas_consumed", "0x" + Long.toHexString(l2));
        fee.addProperty("l2_gas_price", "0x1");
        fee.addProperty("l1_data_gas_consumed", "0x80");
        fee.addProperty("l1_data_gas_price", "0x1");
        fee.addProperty("overall_fee", "0x" + Long.toHexString(l2 + 0x80));
        fee.addProperty("unit", "FRI");
        return fee;
    }

    /**
     * {@code starknet_simulateTransactions}: each invoke validated (unless {@code SKIP_VALIDATE}) and run on a copy
     * of the state; a revert is reported in the trace, as a node reports it, not as an error.
     */
    private JsonElement simulate(JsonObject p) {
        blockOf(p.get("block_id"), ledger.blockNumber());
        JsonArray txs = p.getAsJsonArray("transactions");
        boolean skipValidate = p.has("simulation_flags") && p.get("simulation_flags").toString().contains("SKIP_VALIDATE");
        JsonArray out = new JsonArray();
        for (int i = 0; i < txs.size(); i++) {
            Invoke tx = parseInvoke(txs.get(i).getAsJsonObject());
            if (!skipValidate) {
                validate(tx);
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
                    inner.add(invocation(tx.sender(), c.to(), c.selector(), c.calldata(), classHashAt(c.to())));
                }
                execute.add("calls", inner);
            }
            JsonObject trace = new JsonObject();
            trace.addProperty("type", "INVOKE");
            trace.add("execute_invocation", execute);
            JsonObject resources = new JsonObject();
            resources.addProperty("l1_gas", 0);
            resources.addProperty("l1_data_gas", 0x80);
            resources.addProperty("l2_gas", 400_000L + 150_000L * tx.calls().size());
            trace.add("execution_resources", resources);
            JsonObject one = new JsonObject();
            one.add("transaction_trace", trace);
            one.add("fee_estimation", fee(tx));
            out.add(one);
        }
        return out;
    }

    private JsonObject invocation(ContractAddress caller, ContractAddress to, Felt selector, List<Felt> calldata,
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

    /** The revert text as a Starknet node writes it: the reason, then each caller's wrapper. */
    private static String failure(ContractAddress sender, String reason) {
        return "Transaction execution has failed:\n0: Error in the called contract (contract address: " + sender.hex()
                + ", class hash: " + ACCOUNT_CLASS_HASH.hex() + ", selector: " + Abi.selector(Abi.EXECUTE).hex()
                + "):\nExecution failed. Failure reason:\n(" + RevertReasons.encode(reason) + ", "
                + RevertReasons.encode("ENTRYPOINT_FAILED") + ").\n";
    }

    private JsonElement addInvoke(JsonObject json) {
        Invoke tx = parseInvoke(json);
        if (tx.query()) {
            throw new RpcError(61, "The transaction version is not supported", new JsonPrimitive("query version"));
        }
        validate(tx);
        submit.lock();
        try {
            Felt expected = expectedNonce(tx.sender());
            if (!tx.nonce().equals(expected)) {
                throw new RpcError(52, "Invalid transaction nonce", new JsonPrimitive("Account nonce: " + expected.hex()
                        + "; got: " + tx.nonce().hex()));
            }
            if (ledger.transaction(tx.hash()).isPresent() || mempool.stream().anyMatch(t -> t.hash().equals(tx.hash()))) {
                throw new RpcError(59, "A transaction with the same hash already exists in the mempool", null);
            }
            received.put(tx.hash(), json.deepCopy());
            if (blocksOnDemand) {
                mempool.add(tx);
            } else {
                ledger.execute(tx.sender(), tx.calls(), Optional.of(tx.hash()));
            }
        } finally {
            submit.unlock();
        }
        JsonObject out = new JsonObject();
        out.addProperty("transaction_hash", tx.hash().hex());
        return out;
    }

    private LedgerTransaction visible(Felt hash) {
        return ledger.transaction(hash).orElseThrow(() -> new RpcError(29, "Transaction hash not found", null));
    }

    private JsonObject receipt(LedgerTransaction tx) {
        JsonObject r = new JsonObject();
        r.addProperty("type", "INVOKE");
        r.addProperty("transaction_hash", tx.hash().hex());
        JsonObject fee = new JsonObject();
        fee.addProperty("amount", "0x0");
        fee.addProperty("unit", "FRI");
        r.add("actual_fee", fee);
        r.addProperty("execution_status", tx.succeeded() ? "SUCCEEDED" : "REVERTED");
        r.addProperty("finality_status", "ACCEPTED_ON_L2");
        r.addProperty("block_hash", blockHash(tx.block()).hex());
        r.addProperty("block_number", tx.block());
        r.add("messages_sent", new JsonArray());
        JsonArray events = new JsonArray();
        for (ChainEvent e : tx.events()) {
            JsonObject ej = new JsonObject();
            ej.addProperty("from_address", e.from().felt().hex());
            ej.add("keys", hexArray(e.keys()));
            ej.add("data", hexArray(e.data()));
            events.add(ej);
        }
        r.add("events", events);
        JsonObject resources = new JsonObject();
        resources.addProperty("l1_gas", 0);
        resources.addProperty("l1_data_gas", 0);
        resources.addProperty("l2_gas", 0);
        r.add("execution_resources", resources);
        tx.revertReason().ifPresent(reason -> r.addProperty("revert_reason", failure(tx.sender(), reason)));
        return r;
    }

    private JsonElement status(LedgerTransaction tx) {
        JsonObject o = new JsonObject();
        o.addProperty("finality_status", "ACCEPTED_ON_L2");
        o.addProperty("execution_status", tx.succeeded() ? "SUCCEEDED" : "REVERTED");
        tx.revertReason().ifPresent(reason -> o.addProperty("failure_reason", failure(tx.sender(), reason)));
        return o;
    }

    private JsonElement events(JsonObject filter) {
        long from = blockOf(filter.get("from_block"), 0);
        long to = blockOf(filter.get("to_block"), ledger.blockNumber());
        Optional<ContractAddress> address = filter.has("address") && !filter.get("address").isJsonNull()
                ? Optional.of(address(filter.get("address"))) : Optional.empty();
        List<List<Felt>> keys = new ArrayList<>();
        if (filter.has("keys") && filter.get("keys").isJsonArray()) {
            for (JsonElement k : filter.getAsJsonArray("keys")) {
                keys.add(felts(k.getAsJsonArray()));
            }
        }
        int chunk = filter.get("chunk_size").getAsInt();
        if (chunk < 1 || chunk > 1024) {
            throw new RpcError(31, "Requested page size is too big", null);
        }
        int skip = 0; // the token is "block:events of that block already returned"
        if (filter.has("continuation_token") && !filter.get("continuation_token").isJsonNull()) {
            try {
                String[] t = filter.get("continuation_token").getAsString().split(":");
                from = Math.max(from, Long.parseLong(t[0]));
                skip = Integer.parseInt(t[1]);
            } catch (RuntimeException e) {
                throw new RpcError(33, "The supplied continuation token is invalid or unknown", null);
            }
        }
        List<ChainEvent> page = ledger.events(from, to, address, keys, skip, chunk + 1);
        JsonArray events = new JsonArray();
        for (int i = 0; i < Math.min(chunk, page.size()); i++) {
            ChainEvent e = page.get(i);
            JsonObject ej = new JsonObject();
            ej.addProperty("from_address", e.from().felt().hex());
            ej.add("keys", hexArray(e.keys()));
            ej.add("data", hexArray(e.data()));
            ej.addProperty("block_hash", blockHash(e.block()).hex());
            ej.addProperty("block_number", e.block());
            ej.addProperty("transaction_hash", e.txHash().hex());
            ej.addProperty("transaction_index", 0);
            ej.addProperty("event_index", e.index());
            events.add(ej);
        }
        JsonObject out = new JsonObject();
        out.add("events", events);
        if (page.size() > chunk) {
            long last = page.get(chunk - 1).block();
            int inLast = (int) page.subList(0, chunk).stream().filter(e -> e.block() == last).count();
            out.addProperty("continuation_token", last + ":" + (last == from ? skip + inLast : inLast));
        }
        return out;
    }

    private long blockOf(JsonElement id, long dflt) {
        if (id == null || id.isJsonNull()) {
            return dflt;
        }
        if (id.isJsonPrimitive()) {
            String tag = id.getAsString();
            if (tag.equals("latest") || tag.equals("pre_confirmed") || tag.equals("l1_accepted")) {
                return ledger.blockNumber();
            }
            throw new RpcError(24, "Block not found", null);
        }
        JsonObject o = id.getAsJsonObject();
        long latest = ledger.blockNumber();
        if (o.has("block_number")) {
            long n = o.get("block_number").getAsLong();
            if (n < 0 || n > latest) {
                throw new RpcError(24, "Block not found", null);
            }
            return n;
        }
        if (o.has("block_hash")) {
            Felt hash = felt(o.get("block_hash"));
            for (long n = latest; n >= 0; n--) {
                if (blockHash(n).equals(hash)) {
                    return n;
                }
            }
        }
        throw new RpcError(24, "Block not found", null);
    }

    // ------------------------------------------------------------------ JSON helpers

    private static Felt blockHash(long block) {
        return Felt.reduce(BigInteger.valueOf(block).multiply(BigInteger.valueOf(0x9e3779b97f4a7c15L)).add(BigInteger.ONE));
    }

    private static Felt felt(JsonElement e) {
        return Felt.parse(e.getAsString());
    }

    private static ContractAddress address(JsonElement e) {
        return ContractAddress.parse(e.getAsString());
    }

    private static List<Felt> felts(JsonArray a) {
        List<Felt> out = new ArrayList<>(a == null ? 0 : a.size());
        if (a != null) {
            a.forEach(e -> out.add(felt(e)));
        }
        return out;
    }

    private static List<com.swmansion.starknet.data.types.Felt> snFelts(JsonArray a) {
        List<com.swmansion.starknet.data.types.Felt> out = new ArrayList<>();
        felts(a).forEach(f -> out.add(Felts.toSn(f)));
        return out;
    }

    private static JsonArray hexArray(List<Felt> felts) {
        JsonArray a = new JsonArray();
        felts.forEach(f -> a.add(f.hex()));
        return a;
    }
}
