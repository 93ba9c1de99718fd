package io.smainer.escrow.internal;

import com.swmansion.starknet.account.StandardAccount;
import com.swmansion.starknet.data.TypedData;
import com.swmansion.starknet.data.types.AddressFilter;
import com.swmansion.starknet.data.types.BlockId;
import com.swmansion.starknet.data.types.BlockTag;
import com.swmansion.starknet.data.types.Call;
import com.swmansion.starknet.data.types.ContractClass;
import com.swmansion.starknet.data.types.ContractClassBase;
import com.swmansion.starknet.data.types.DeprecatedContractClass;
import com.swmansion.starknet.data.types.EmittedEvent;
import com.swmansion.starknet.data.types.EstimateFeeResponse;
import com.swmansion.starknet.data.types.Event;
import com.swmansion.starknet.data.types.GetEventsPayload;
import com.swmansion.starknet.data.types.GetEventsResult;
import com.swmansion.starknet.data.types.InvokeParamsV3;
import com.swmansion.starknet.data.types.InvokeTransactionV3;
import com.swmansion.starknet.data.types.ResourceBoundsMapping;
import com.swmansion.starknet.data.types.StarknetChainId;
import com.swmansion.starknet.data.types.Transaction;
import com.swmansion.starknet.data.types.TransactionExecutionStatus;
import com.swmansion.starknet.data.types.TransactionReceipt;
import com.swmansion.starknet.provider.exceptions.RequestFailedException;
import com.swmansion.starknet.provider.exceptions.RpcRequestFailedException;
import com.swmansion.starknet.provider.rpc.JsonRpcProvider;
import com.swmansion.starknet.service.http.OkHttpService;
import com.swmansion.starknet.signer.Signer;
import io.smainer.Require;
import io.smainer.SmainerVersion;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.internal.Felts;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ChainMismatchException;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.EventPage;
import io.smainer.escrow.TxResult;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The Starknet side of {@link io.smainer.escrow.StarknetEscrow}: one account on one JSON-RPC node through
 * starknet-jvm. Invokes are serialized per client and the nonce is tracked locally (re-read after a nonce
 * error); receipts are awaited by polling, outside the lock, so that concurrent callers pipeline. Every
 * starknet-jvm type stays in here. Not API.
 */
public final class StarknetSession extends CallEscrow {
    /** JSON-RPC: the transaction hash is not known (yet). */
    public static final int TXN_HASH_NOT_FOUND = 29;
    /** JSON-RPC: a call reverted. */
    public static final int CONTRACT_ERROR = 40;
    /** JSON-RPC: a simulated transaction reverted (fee estimate). */
    public static final int TRANSACTION_EXECUTION_ERROR = 41;
    /** JSON-RPC: the nonce is not the account's next one. */
    public static final int INVALID_TRANSACTION_NONCE = 52;
    private static final int EVENT_CHUNK = 256;

    /** The {@code User-Agent} of its JSON-RPC requests (OkHttp's own would name only OkHttp). */
    private static final String USER_AGENT = SmainerVersion.userAgent("smainer-sdk");
    private final OkHttpClient http;
    private final JsonRpcProvider provider;
    private final JsonRpcProvider accountProvider; // same connections, the account-check time limit
    private final StandardAccount account;
    private final Duration receiptTimeout;
    private final Duration pollInterval;
    private final double feeMultiplier;
    private final ReentrantLock sendLock = new ReentrantLock();
    private com.swmansion.starknet.data.types.Felt nextNonce; // guarded by sendLock; null = ask the node
    private final AtomicLong roundTrips = new AtomicLong();
    private volatile boolean closed;
    private final ChainId chain;
    private volatile Set<Felt> contractSelectors; // the class's external entry points; null until read

    /**
     * Connects and checks the chain id.
     *
     * @param rpcUrl the node's JSON-RPC URL
     * @param address the account
     * @param privateKey its key
     * @param contract the SmainerContract
     * @param token the token
     * @param expectedChain the chain the node must report
     * @param crypto signs transactions
     * @param receiptTimeout how long to wait for a receipt
     * @param pollInterval how often to ask for it
     * @param requestTimeout one HTTP request's limit
     * @param accountCheckTimeout the limit of one HTTP request that asks an account about itself
     *     ({@code get_public_key}, {@code is_valid_signature})
     * @param feeMultiplier resource bounds over the estimate
     */
    public StarknetSession(String rpcUrl, ContractAddress address, Felt privateKey, ContractAddress contract,
            ContractAddress token, ChainId expectedChain, StarkCrypto crypto, Duration receiptTimeout,
            Duration pollInterval, Duration requestTimeout, Duration accountCheckTimeout, double feeMultiplier) {
        super(address, contract, token);
        this.http = new OkHttpClient.Builder().callTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("User-Agent", USER_AGENT)
                        .build())).build();
        this.provider = new JsonRpcProvider(rpcUrl, new OkHttpService(http));
        // newBuilder() shares the connection pool and dispatcher: close() below releases both clients
        this.accountProvider = new JsonRpcProvider(rpcUrl, new OkHttpService(http.newBuilder()
                .callTimeout(accountCheckTimeout.toMillis(), TimeUnit.MILLISECONDS).build()));
        this.receiptTimeout = receiptTimeout;
        this.pollInterval = pollInterval;
        this.feeMultiplier = feeMultiplier;
        ChainId actual;
        try {
            actual = ChainId.fromFelt(Felts.fromSn(rpc(() -> provider.getChainId().send()).getValue()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (!actual.equals(expectedChain)) {
            close();
            throw new ChainMismatchException(expectedChain, actual, rpcUrl);
        }
        this.chain = actual;
        this.account = new StandardAccount(Felts.toSn(address.felt()), new CryptoSigner(crypto, privateKey), provider,
                new StarknetChainId(Felts.toSn(actual.felt())));
        try {
            this.contractSelectors = readEntryPoints();
        } catch (ChainException | EscrowRevertedException e) {
            // no class to read yet (e.g. a wrong contract address, which the first view reports in its own words):
            // offers() reads it again when first asked
        }
    }

    /** The contract's class, as {@code starknet_getClassAt} serves it: the selectors of its external entry points. */
    private Set<Felt> readEntryPoints() {
        ContractClassBase c;
        try {
            c = rpc(() -> provider.getClassAt(Felts.toSn(contract().felt()), BlockTag.LATEST).send());
        } catch (RpcRequestFailedException e) {
            throw failure(e, "read the class of the contract at " + contract().hex());
        }
        Set<Felt> out = new HashSet<>();
        if (c instanceof ContractClass sierra) {
            sierra.getEntryPointsByType().getExternal().forEach(ep -> out.add(Felts.fromSn(ep.getSelector())));
        } else if (c instanceof DeprecatedContractClass cairo0) {
            cairo0.getEntryPointsByType().getExternal().forEach(ep -> out.add(Felts.fromSn(ep.getSelector())));
        }
        return Set.copyOf(out);
    }

    @Override
    public Optional<ChainId> chainId() {
        return Optional.of(chain);
    }

    @Override
    public boolean offers(String entryPoint) {
        Felt selector = Abi.selector(Require.present("entry_point", entryPoint));
        Set<Felt> selectors = contractSelectors;
        if (selectors == null) {
            selectors = readEntryPoints();
            contractSelectors = selectors;
        }
        return selectors.contains(selector);
    }

    /** A starknet-jvm signer on the SDK's {@link StarkCrypto}; holds the key, never shows it. */
    private static final class CryptoSigner implements Signer {
        private final StarkCrypto crypto;
        private final Felt privateKey;
        private final com.swmansion.starknet.data.types.Felt publicKey;

        CryptoSigner(StarkCrypto crypto, Felt privateKey) {
            this.crypto = crypto;
            this.privateKey = privateKey;
            this.publicKey = Felts.toSn(crypto.publicKey(privateKey));
        }

        @Override
        public List<com.swmansion.starknet.data.types.Felt> signTransaction(Transaction tx) {
            return sign(Felts.fromSn(tx.getHash()));
        }

        @Override
        public List<com.swmansion.starknet.data.types.Felt> signTypedData(TypedData typedData,
                com.swmansion.starknet.data.types.Felt accountAddress) {
            return sign(Felts.fromSn(typedData.getMessageHash(accountAddress)));
        }

        private List<com.swmansion.starknet.data.types.Felt> sign(Felt hash) {
            Signature s = crypto.sign(privateKey, hash);
            return List.of(Felts.toSn(s.r()), Felts.toSn(s.s()));
        }

        @Override
        public com.swmansion.starknet.data.types.Felt getPublicKey() {
            return publicKey;
        }

        @Override
        public String toString() {
            return "CryptoSigner[publicKey=" + publicKey.hexString() + ", privateKey=(hidden)]";
        }
    }

    /** @return JSON-RPC requests sent so far */
    public long roundTrips() {
        return roundTrips.get();
    }

    private <T> T rpc(Supplier<T> request) {
        if (closed) {
            throw new IllegalStateException("this Starknet escrow client is closed");
        }
        roundTrips.incrementAndGet();
        try {
            return request.get();
        } catch (RpcRequestFailedException e) {
            throw e;
        } catch (RequestFailedException e) {
            throw new ChainException(0, "the Starknet node did not answer properly: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e.getClass().getName().startsWith("com.swmansion") || e instanceof UncheckedIOException) {
                throw new ChainException(0, "the Starknet node could not be reached: " + e.getMessage(), e);
            }
            throw e;
        } catch (Exception e) { // Kotlin code throws checked I/O exceptions undeclared
            throw new ChainException(0, "the Starknet node could not be reached: " + e, e);
        }
    }

    private static List<Call> toSn(List<ContractCall> calls) {
        List<Call> out = new ArrayList<>(calls.size());
        for (ContractCall c : calls) {
            List<com.swmansion.starknet.data.types.Felt> data = new ArrayList<>(c.calldata().size());
            c.calldata().forEach(f -> data.add(Felts.toSn(f)));
            out.add(new Call(Felts.toSn(c.to().felt()), Felts.toSn(c.selector()), data));
        }
        return out;
    }

    private static List<Felt> fromSn(List<com.swmansion.starknet.data.types.Felt> felts) {
        List<Felt> out = new ArrayList<>(felts.size());
        felts.forEach(f -> out.add(Felts.fromSn(f)));
        return out;
    }

    @Override
    protected List<Felt> view(ContractCall call) {
        try {
            return fromSn(rpc(() -> provider.callContract(toSn(List.of(call)).get(0), BlockTag.LATEST).send()));
        } catch (RpcRequestFailedException e) {
            throw failure(e, "call " + call.selector().hex() + " on " + call.to());
        }
    }

    @Override
    protected List<Felt> accountView(ContractCall call) {
        try {
            return fromSn(rpc(() -> accountProvider.callContract(toSn(List.of(call)).get(0), BlockTag.LATEST).send()));
        } catch (RpcRequestFailedException e) {
            throw failure(e, "call " + call.selector().hex() + " on " + call.to());
        }
    }

    private RuntimeException failure(RpcRequestFailedException e, String context) {
        if (e.getCode() == CONTRACT_ERROR || e.getCode() == TRANSACTION_EXECUTION_ERROR) {
            String text = e.getMessage() + " " + e.getData();
            return new EscrowRevertedException(RevertReasons.reasonOrText(text), context);
        }
        return new ChainException(e.getCode(), context + ": RPC error " + e.getCode() + " " + e.getMessage()
                + (e.getData() == null ? "" : " " + e.getData()), e);
    }

    @Override
    protected Invoked invoke(List<ContractCall> calls, String context) {
        List<Call> snCalls = toSn(calls);
        com.swmansion.starknet.data.types.Felt hash = send(snCalls, context);
        return await(hash, context);
    }

    /** Estimates, signs and sends under the lock; returns the transaction hash. */
    private com.swmansion.starknet.data.types.Felt send(List<Call> calls, String context) {
        sendLock.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                if (nextNonce == null) {
                    nextNonce = rpc(() -> account.getNonce(BlockTag.PRE_CONFIRMED).send());
                }
                com.swmansion.starknet.data.types.Felt nonce = nextNonce;
                try {
                    InvokeTransactionV3 query = account.signV3(calls, new InvokeParamsV3(nonce, ResourceBoundsMapping.ZERO),
                            true);
                    EstimateFeeResponse fee = rpc(() -> provider.getEstimateFee(List.of(query), BlockTag.PRE_CONFIRMED,
                            Set.of()).send()).getValues().get(0);
                    ResourceBoundsMapping bounds = fee.toResourceBounds(feeMultiplier, feeMultiplier);
                    InvokeTransactionV3 tx = account.signV3(calls, new InvokeParamsV3(nonce, bounds), false);
                    com.swmansion.starknet.data.types.Felt hash =
                            rpc(() -> provider.invokeFunction(tx).send()).getTransactionHash();
                    nextNonce = new com.swmansion.starknet.data.types.Felt(nonce.getValue().add(BigInteger.ONE));
                    return hash;
                } catch (RpcRequestFailedException e) {
                    if (e.getCode() == INVALID_TRANSACTION_NONCE && attempt == 0) {
                        nextNonce = null; // another sender used it: ask the node and try once more
                        continue;
                    }
                    if (e.getCode() != TRANSACTION_EXECUTION_ERROR && e.getCode() != CONTRACT_ERROR) {
                        nextNonce = null; // unknown whether it was used: ask the node next time
                    }
                    throw failure(e, context);
                } catch (RuntimeException e) {
                    nextNonce = null;
                    throw e;
                }
            }
        } finally {
            sendLock.unlock();
        }
    }

    private Invoked await(com.swmansion.starknet.data.types.Felt hash, String context) {
        long deadline = System.nanoTime() + receiptTimeout.toNanos();
        while (true) {
            try {
                TransactionReceipt r = rpc(() -> provider.getTransactionReceipt(hash).send());
                if (r.getExecutionStatus() == TransactionExecutionStatus.REVERTED) {
                    throw new EscrowRevertedException(RevertReasons.reasonOrText(r.getRevertReason()),
                            context + " (tx " + hash.hexString() + ")");
                }
                if (r.isAccepted() && r.getBlockNumber() != null) {
                    return new Invoked(new TxResult(Felts.fromSn(hash), r.getBlockNumber()),
                            receiptEvents(r.getEvents(), r.getBlockNumber(), Felts.fromSn(hash)));
                }
            } catch (RpcRequestFailedException e) {
                if (e.getCode() != TXN_HASH_NOT_FOUND) {
                    throw failure(e, context + " (tx " + hash.hexString() + ")");
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ChainException(TXN_HASH_NOT_FOUND, context + ": no accepted receipt for tx " + hash.hexString()
                        + " within " + receiptTimeout, null);
            }
            LockSupport.parkNanos(Math.min(left, pollInterval.toNanos()));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new ChainException(0, context + ": interrupted while waiting for tx " + hash.hexString(), null);
            }
        }
    }

    /** Receipt events; {@code index} counts each emitter's events within this transaction. */
    private static List<ChainEvent> receiptEvents(List<Event> events, long block, Felt txHash) {
        List<ChainEvent> out = new ArrayList<>(events.size());
        Map<Felt, Integer> perEmitter = new HashMap<>();
        for (Event e : events) {
            Felt from = Felts.fromSn(e.getAddress());
            int index = perEmitter.merge(from, 1, Integer::sum) - 1;
            out.add(new ChainEvent(new ContractAddress(from), fromSn(e.getKeys()), fromSn(e.getData()), block, index,
                    txHash));
        }
        return out;
    }

    @Override
    public EventPage events(EventCursor after, int max) {
        Require.present("after", after);
        return EscrowEvents.page(after, max, new ContractEvents(contract(), after.block()));
    }

    /**
     * A staking client on this session: the same account, nonce and connections.
     *
     * @param stakingContract the staking contract
     * @param stakedToken the token it stakes
     * @return the client; closing it leaves this session open
     */
    public CallStaking staking(ContractAddress stakingContract, ContractAddress stakedToken) {
        return new CallStaking(caller(), stakingContract, stakedToken) {
            @Override
            protected List<Felt> view(ContractCall call) {
                return StarknetSession.this.view(call);
            }

            @Override
            protected TxResult send(List<ContractCall> calls, String context) {
                return StarknetSession.this.invoke(calls, context).tx();
            }

            @Override
            protected Iterator<ChainEvent> contractEvents(long fromBlock) {
                return new ContractEvents(contract(), fromBlock);
            }

            @Override
            protected Instant blockTimestamp(long block) {
                try {
                    return Instant.ofEpochSecond(Integer.toUnsignedLong(rpc(() -> provider
                            .getBlockWithTxHashes(Math.toIntExact(block)).send()).getTimestamp()));
                } catch (RpcRequestFailedException e) {
                    throw failure(e, "read block " + block);
                }
            }

            @Override
            public void close() {
                // the session belongs to the escrow client
            }

            @Override
            public String toString() {
                return "StarknetStaking[account=" + caller() + ", contract=" + contract() + "]";
            }
        };
    }

    /** A contract's events from the start of a block, paged with continuation tokens, indexed per block. */
    private final class ContractEvents implements Iterator<ChainEvent> {
        private final ContractAddress emitter;
        private final long fromBlock;
        private List<EmittedEvent> buffer = List.of();
        private int at;
        private String token;
        private boolean done;
        private long block = -1;
        private int index;

        ContractEvents(ContractAddress emitter, long fromBlock) {
            this.emitter = emitter;
            this.fromBlock = fromBlock;
        }

        @Override
        public boolean hasNext() {
            while (at >= buffer.size()) {
                if (done) {
                    return false;
                }
                GetEventsPayload q = new GetEventsPayload(new BlockId.Number(Math.toIntExact(fromBlock)),
                        new BlockId.Tag(BlockTag.LATEST), new AddressFilter.Single(Felts.toSn(emitter.felt())),
                        List.of(), EVENT_CHUNK, token);
                GetEventsResult r;
                try {
                    r = rpc(() -> provider.getEvents(q).send());
                } catch (RpcRequestFailedException e) {
                    throw failure(e, "read events from block " + fromBlock);
                }
                buffer = r.getEvents();
                at = 0;
                token = r.getContinuationToken();
                done = token == null;
            }
            if (buffer.get(at).getBlockNumber() == null) { // pre-confirmed: not final yet; stop before it
                done = true;
                buffer = List.of();
                return false;
            }
            return true;
        }

        @Override
        public ChainEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            EmittedEvent e = buffer.get(at++);
            long b = e.getBlockNumber();
            if (b != block) {
                block = b;
                index = 0;
            }
            return new ChainEvent(emitter, fromSn(e.getKeys()), fromSn(e.getData()), b, index++,
                    Felts.fromSn(e.getTransactionHash()));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "StarknetEscrow[account=" + caller() + ", contract=" + contract() + ", url=" + provider.getUrl() + "]";
    }
}
