package io.smainer.escrow.testnode;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
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
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.RevertReasons;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A <b>test double of a Starknet node</b>: a Starknet JSON-RPC server (the RPC 0.10 methods starknet-jvm
 * 0.18.0 uses) on the JDK's built-in HTTP server, whose chain is an in-process {@link Ledger}. <b>It is not Starknet</b>: no
 * Cairo runs, there is no sequencer, no mempool, no fee market, no L1; every transaction is executed at
 * once in a block of its own and charged no fee; account contracts are not deployed, their public keys are
 * registered with {@link #addAccount} (see {@link AccountKind} for the views each kind answers). What it does
 * check as Starknet would:
 * <ul>
 *   <li>each v3 invoke's signature against the sender's registered key, over the real v3 transaction hash
 *       computed by starknet-jvm's {@code TransactionHashCalculator} (query versions for fee estimates);</li>
 *   <li>the sender's nonce ({@code 52 INVALID_TRANSACTION_NONCE}), unknown senders and bad signatures
 *       ({@code 55 VALIDATION_FAILURE});</li>
 *   <li>the account's {@code __execute__} calldata, decoded into calls by selector and run on the ledger
 *       with the contract's rules; a revert becomes a {@code REVERTED} receipt whose reason is written as a
 *       Starknet node writes it, and a fee estimate of a reverting transaction fails with
 *       {@code 41 TRANSACTION_EXECUTION_ERROR};</li>
 *   <li>receipts not known yet answer {@code 29 TXN_HASH_NOT_FOUND} (see {@link Builder#pendingPolls}).</li>
 *   <li>an account's signature check ({@code is_valid_signature}, SNIP-6, or {@code isValidSignature}) verifies a
 *       real Stark signature against the account's registered key; a selector an account does not have answers
 *       {@code 21 ENTRYPOINT_NOT_FOUND}, and a {@code starknet_call} to an address that is neither a registered
 *       account nor the ledger's contract or token answers {@code 20 CONTRACT_NOT_FOUND}.</li>
 * </ul>
 * Methods: {@code starknet_specVersion, chainId, blockNumber, blockHashAndNumber, getNonce, call,
 * estimateFee, addInvokeTransaction, getTransactionReceipt, getTransactionStatus, getEvents}.
 */
public final class StarknetTestNode implements AutoCloseable {
    /** The RPC spec version reported. */
    public static final String SPEC_VERSION = "0.10.0";
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Felt ACCOUNT_CLASS_HASH = Felt.parse("0x5400e90f7e0ae78bd02c77cd75527280470e2fe19c54970dd79dc37a9d3645c");

    private final Ledger ledger;
    private final StarkCrypto crypto;
    private final int pendingPolls;
    private final boolean autoMine;
    private final List<Invoke> mempool = new ArrayList<>(); // guarded by submit
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<ContractAddress, Account> accounts = new ConcurrentHashMap<>();
    private final Map<Felt, AtomicInteger> notYetVisible = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final ReentrantLock submit = new ReentrantLock();
    private final java.util.Queue<Observed> observed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile java.util.concurrent.CountDownLatch accountCallGate; // null: account calls answer at once
    private final AtomicInteger heldAccountCalls = new AtomicInteger();
    private volatile boolean closed;

    private StarknetTestNode(Builder b) {
        this.ledger = b.ledger;
        this.crypto = b.crypto;
        this.pendingPolls = b.pendingPolls;
        this.autoMine = b.autoMine;
        // The JDK's HTTP server writes a response's headers and body in separate packets; without
        // TCP_NODELAY each JSON-RPC round trip then stalls about 40 ms on the client's delayed ACK (a
        // 24-scenario suite took 56 s instead of 6 s). The server reads this setting once, when its
        // configuration class loads, and offers no other way to set it; a value the user chose stands.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("the test node could not listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e);
        }
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "starknet-test-node");
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

    /** Builds and starts a {@link StarknetTestNode}. */
    public static final class Builder {
        private Ledger ledger;
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private int pendingPolls;
        private boolean autoMine = true;
        private String host = "127.0.0.1";
        private int port;

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
            this.crypto = crypto;
            return this;
        }

        /**
         * @param polls how many receipt requests for a new transaction answer "not found" first (0: none)
         * @return this
         */
        public Builder pendingPolls(int polls) {
            this.pendingPolls = polls;
            return this;
        }

        /**
         * @param autoMine true (default): a transaction runs as soon as it is received; false: it waits in a
         *     mempool until {@link StarknetTestNode#mine()} (receipts answer "not found" meanwhile)
         * @return this
         */
        public Builder autoMine(boolean autoMine) {
            this.autoMine = autoMine;
            return this;
        }

        /**
         * @param host the interface to bind; default 127.0.0.1
         * @return this
         */
        public Builder host(String host) {
            this.host = host;
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

        /** @return the node, started */
        public StarknetTestNode start() {
            if (ledger == null) {
                throw new IllegalStateException("a ledger is required");
            }
            StarknetTestNode node = new StarknetTestNode(this);
            node.server.start();
            return node;
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
        LEGACY
    }

    private record Account(Felt key, AccountKind kind) {
    }

    /**
     * Registers a {@link AccountKind#STANDARD} account (as if its account contract were deployed with this key).
     *
     * @param address the account's address
     * @param publicKey its Stark public key
     * @return this
     */
    public StarknetTestNode addAccount(ContractAddress address, Felt publicKey) {
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
    public StarknetTestNode addAccount(ContractAddress address, Felt publicKey, AccountKind kind) {
        accounts.put(java.util.Objects.requireNonNull(address, "address"),
                new Account(java.util.Objects.requireNonNull(publicKey, "publicKey"),
                        java.util.Objects.requireNonNull(kind, "kind")));
        return this;
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
     * @param method e.g. {@code starknet_addInvokeTransaction}
     * @return how many times it was called
     */
    public int callCount(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /**
     * A contract call the node saw: inside a received invoke, or a {@code starknet_call}.
     *
     * @param call the call
     * @param view true for {@code starknet_call}
     * @param resultFelts how many felts a view returned (-1 for invokes and reverted views)
     */
    public record Observed(ContractCall call, boolean view, int resultFelts) {
    }

    /** @return every contract call seen so far, in order */
    public List<Observed> observedCalls() {
        return List.copyOf(observed);
    }

    /** @return every method called so far and how often */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Makes the node hang on accounts: from now on every {@code starknet_call} to a registered account
     * ({@code get_public_key}, {@code is_valid_signature}, ...) waits, unanswered, until
     * {@link #releaseAccountCalls()}, {@link #close()} or {@link #MAX_HOLD} (then it is answered). Other calls
     * are answered as usual (while a server thread is free: the node has four).
     *
     * @return this
     */
    public StarknetTestNode holdAccountCalls() {
        if (accountCallGate == null) {
            accountCallGate = new java.util.concurrent.CountDownLatch(1);
        }
        return this;
    }

    /**
     * Answers the held account calls and stops holding new ones.
     *
     * @return this
     */
    public StarknetTestNode releaseAccountCalls() {
        java.util.concurrent.CountDownLatch gate = accountCallGate;
        accountCallGate = null;
        if (gate != null) {
            gate.countDown();
        }
        return this;
    }

    /** @return how many account calls were held so far (since the node started) */
    public int heldAccountCalls() {
        return heldAccountCalls.get();
    }

    /** The longest an account call is held by {@link #holdAccountCalls()}. */
    public static final java.time.Duration MAX_HOLD = java.time.Duration.ofSeconds(60);

    /**
     * Runs every transaction waiting in the mempool, in the order received (only with {@code autoMine(false)}).
     *
     * @return how many ran
     */
    public int mine() {
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

    /** @return how many transactions wait in the mempool */
    public int pendingCount() {
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
        releaseAccountCalls();
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "StarknetTestNode[" + (closed ? "closed" : url()) + ", chain=" + ledger.chainId() + "] (a test double, not Starknet)";
    }

    // ------------------------------------------------------------------ JSON-RPC

    /** A JSON-RPC error answer. */
    private static final class RpcError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;
        final transient JsonElement data;

        RpcError(int code, String message, JsonElement data) {
            super(message, null, false, false);
            this.code = code;
            this.data = data;
        }
    }

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
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        JsonElement params = rq.has("params") ? rq.get("params") : new JsonObject();
        try {
            JsonElement result = dispatch(method, params.isJsonObject() ? params.getAsJsonObject() : new JsonObject());
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

    private static JsonObject error(JsonElement id, RpcError e) {
        JsonObject err = new JsonObject();
        err.addProperty("code", e.code);
        err.addProperty("message", e.getMessage());
        if (e.data != null) {
            err.add("data", e.data);
        }
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
            case "starknet_blockNumber":
                return new JsonPrimitive(ledger.blockNumber());
            case "starknet_blockHashAndNumber": {
                JsonObject o = new JsonObject();
                o.addProperty("block_hash", blockHash(ledger.blockNumber()).hex());
                o.addProperty("block_number", ledger.blockNumber());
                return o;
            }
            case "starknet_getNonce":
                return new JsonPrimitive(ledger.nonce(address(p.get("contract_address"))).hex());
            case "starknet_call":
                return call(p.getAsJsonObject("request"));
            case "starknet_estimateFee":
                return estimateFee(p);
            case "starknet_addInvokeTransaction":
                return addInvoke(p.getAsJsonObject("invoke_transaction"));
            case "starknet_getTransactionReceipt":
                return receipt(felt(p.get("transaction_hash")));
            case "starknet_getTransactionStatus":
                return status(felt(p.get("transaction_hash")));
            case "starknet_getEvents":
                return events(p.getAsJsonObject("filter"));
            default:
                throw new RpcError(-32601, "Method not found: " + method, null);
        }
    }

    private JsonElement call(JsonObject rq) {
        ContractCall c = new ContractCall(address(rq.get("contract_address")), felt(rq.get("entry_point_selector")),
                felts(rq.getAsJsonArray("calldata")));
        Account account = accounts.get(c.to());
        if (account != null) {
            hold();
            return accountCall(account, c);
        }
        if (!c.to().equals(ledger.contract()) && !c.to().equals(ledger.token())) {
            observed.add(new Observed(c, true, -1));
            throw new RpcError(20, "Contract not found", null);
        }
        try {
            List<Felt> result = ledger.call(c);
            observed.add(new Observed(c, true, result.size()));
            return hexArray(result);
        } catch (EscrowRevertedException e) {
            observed.add(new Observed(c, true, -1));
            JsonObject data = new JsonObject();
            data.addProperty("revert_error", "Execution failed. Failure reason:\n" + RevertReasons.encode(e.reason())
                    + ".\n");
            throw new RpcError(40, "Contract error", data);
        }
    }

    /** An account contract's views, by its kind. */
    private void hold() {
        java.util.concurrent.CountDownLatch gate = accountCallGate;
        if (gate == null) {
            return;
        }
        heldAccountCalls.incrementAndGet();
        try {
            gate.await(MAX_HOLD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) { // closing
            Thread.currentThread().interrupt();
            throw new RpcError(-32603, "Internal error: the node is closing", null);
        }
    }

    private JsonElement accountCall(Account account, ContractCall c) {
        Felt sel = c.selector();
        List<Felt> result;
        if (sel.equals(Abi.selector(Abi.GET_PUBLIC_KEY)) && account.kind() == AccountKind.STANDARD) {
            result = List.of(account.key());
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE)) && account.kind() != AccountKind.LEGACY) {
            result = List.of(signatureValid(account, c) ? io.smainer.escrow.SignatureVerdict.VALID : Felt.ZERO);
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE_LEGACY)) && account.kind() == AccountKind.LEGACY) {
            result = List.of(signatureValid(account, c) ? Felt.ONE : Felt.ZERO);
        } else {
            observed.add(new Observed(c, true, -1));
            throw new RpcError(21, "Requested entrypoint does not exist in the contract", null);
        }
        observed.add(new Observed(c, true, result.size()));
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
        if (signature.size() != 2) {
            if (account.kind() == AccountKind.SNIP6_ONLY) {
                throw contractError(c, "invalid-signature-length");
            }
            return false;
        }
        return crypto.verify(account.key(), data.get(0), new Signature(signature.get(0), signature.get(1)));
    }

    private RpcError contractError(ContractCall c, String reason) {
        observed.add(new Observed(c, true, -1));
        JsonObject data = new JsonObject();
        data.addProperty("revert_error", "Execution failed. Failure reason:\n" + RevertReasons.encode(reason) + ".\n");
        return new RpcError(40, "Contract error", data);
    }

    /** A v3 invoke as the node received it, with its hash and decoded calls. */
    private record Invoke(ContractAddress sender, Felt nonce, Felt hash, List<Felt> signature, List<ContractCall> calls,
            boolean query) {
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
        return new Invoke(sender, nonce, hash, felts(tx.getAsJsonArray("signature")), decodeExecute(calldata),
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
            out.add(fee);
        }
        return out;
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
        tx.calls().forEach(c -> observed.add(new Observed(c, false, -1)));
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
            if (pendingPolls > 0) {
                notYetVisible.put(tx.hash(), new AtomicInteger(pendingPolls));
            }
            if (autoMine) {
                ledger.execute(tx.sender(), tx.calls(), Optional.of(tx.hash()));
            } else {
                mempool.add(tx);
            }
        } finally {
            submit.unlock();
        }
        JsonObject out = new JsonObject();
        out.addProperty("transaction_hash", tx.hash().hex());
        return out;
    }

    private LedgerTransaction visible(Felt hash) {
        Optional<LedgerTransaction> tx = ledger.transaction(hash);
        AtomicInteger wait = notYetVisible.get(hash);
        if (tx.isEmpty() || wait != null && wait.getAndDecrement() > 0) {
            throw new RpcError(29, "Transaction hash not found", null);
        }
        notYetVisible.remove(hash);
        return tx.get();
    }

    private JsonElement receipt(Felt hash) {
        LedgerTransaction tx = visible(hash);
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

    private JsonElement status(Felt hash) {
        LedgerTransaction tx = visible(hash);
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
        if (o.has("block_number")) {
            return o.get("block_number").getAsLong();
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
