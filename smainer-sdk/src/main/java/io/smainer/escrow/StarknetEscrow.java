package io.smainer.escrow;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.CallAdmin;
import io.smainer.escrow.internal.StarknetSession;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Escrow} on Starknet: one account (address and private key) talking to the deployed
 * SmainerContract through a JSON-RPC node (RPC 0.10, via starknet-jvm).
 *
 * <ul>
 *   <li>Writes are v3 invoke transactions paid in STRK; each is one multicall (so {@code approve} and
 *       {@code create_tiered_task} go together, and a batch of settlements is one transaction). The fee is
 *       estimated first and bounded at {@link #DEFAULT_FEE_MULTIPLIER} times the estimate; a revert found by
 *       the estimate is reported without sending anything.</li>
 *   <li>Invokes from one client are serialized and its nonce is tracked, so concurrent callers do not
 *       collide; after a nonce error the nonce is read again and the invoke retried once. Use one client
 *       per account.</li>
 *   <li>Each write waits for an accepted receipt by polling every {@code pollInterval} up to
 *       {@code receiptTimeout} ("transaction hash not found", RPC error 29, means not yet).</li>
 *   <li>A revert surfaces as {@link EscrowRevertedException} with the contract's reason; node trouble as
 *       {@link ChainException}.</li>
 *   <li>The chain id is checked when the client is built, and the contract's class is read ({@code
 *       starknet_getClassAt}): {@link #offers} says which entry points it has, and a settlement through one it
 *       lacks is refused before anything is sent ({@link EntryPointMissingException}).</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. The private key is never logged; {@link #toString()} does not show it.
 * Performs about four JSON-RPC round trips per write (estimate, send, one or more receipt polls; plus a
 * nonce read on the first write).
 */
public final class StarknetEscrow implements Escrow {
    /** Starknet mainnet. */
    public static final ChainId DEFAULT_CHAIN_ID = ChainId.MAINNET;
    /** The deployed SmainerContract on mainnet. */
    public static final ContractAddress DEFAULT_CONTRACT = ContractAddress.SMAINER_MAINNET;
    /** STRK on mainnet. */
    public static final ContractAddress DEFAULT_TOKEN = ContractAddress.STRK_TOKEN;
    /** How long a write waits for its receipt. */
    public static final Duration DEFAULT_RECEIPT_TIMEOUT = Duration.ofMinutes(3);
    /** How often a write asks for its receipt. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** One HTTP request's limit. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Resource bounds over the fee estimate (amounts and prices). */
    public static final double DEFAULT_FEE_MULTIPLIER = 1.5;

    private final StarknetSession session;

    private StarknetEscrow(StarknetSession session) {
        this.session = session;
    }

    /** @return a builder; the RPC URL, the account address and its private key are required */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link StarknetEscrow}. */
    public static final class Builder {
        private URI rpcUrl;
        private ContractAddress account;
        private Felt privateKey;
        private ContractAddress contract = DEFAULT_CONTRACT;
        private ContractAddress token = DEFAULT_TOKEN;
        private ChainId chainId = DEFAULT_CHAIN_ID;
        private Duration receiptTimeout = DEFAULT_RECEIPT_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration accountCheckTimeout; // null: requestTimeout
        private double feeMultiplier = DEFAULT_FEE_MULTIPLIER;
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();

        private Builder() {
        }

        /**
         * @param rpcUrl the node's JSON-RPC endpoint (http or https)
         * @return this
         */
        public Builder rpcUrl(URI rpcUrl) {
            this.rpcUrl = rpcUrl;
            return this;
        }

        /**
         * @param rpcUrl the node's JSON-RPC endpoint (http or https)
         * @return this
         */
        public Builder rpcUrl(String rpcUrl) {
            try {
                return rpcUrl(URI.create(Require.present("rpc_url", rpcUrl)));
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("rpc_url", "an http(s) URL", rpcUrl);
            }
        }

        /**
         * @param account the account contract's address (a deployed Cairo 1 account, e.g. OpenZeppelin or Argent)
         * @return this
         */
        public Builder account(ContractAddress account) {
            this.account = account;
            return this;
        }

        /**
         * @param privateKey the account's signing key; never logged
         * @return this
         */
        public Builder privateKey(Felt privateKey) {
            this.privateKey = privateKey;
            return this;
        }

        /**
         * @param contract the SmainerContract; default {@link #DEFAULT_CONTRACT}
         * @return this
         */
        public Builder contract(ContractAddress contract) {
            this.contract = contract;
            return this;
        }

        /**
         * @param token the escrow token; default {@link #DEFAULT_TOKEN}
         * @return this
         */
        public Builder token(ContractAddress token) {
            this.token = token;
            return this;
        }

        /**
         * @param chainId the chain the node must report; default {@link #DEFAULT_CHAIN_ID}
         * @return this
         */
        public Builder chainId(ChainId chainId) {
            this.chainId = chainId;
            return this;
        }

        /**
         * @param receiptTimeout how long a write waits for its receipt; default {@link #DEFAULT_RECEIPT_TIMEOUT}
         * @return this
         */
        public Builder receiptTimeout(Duration receiptTimeout) {
            this.receiptTimeout = receiptTimeout;
            return this;
        }

        /**
         * @param pollInterval how often a write asks for its receipt; default {@link #DEFAULT_POLL_INTERVAL}
         * @return this
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * @param requestTimeout one HTTP request's limit; default {@link #DEFAULT_REQUEST_TIMEOUT}
         * @return this
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * A shorter limit for the requests that ask an account contract about itself: {@link StarknetEscrow#accountPublicKey}
         * and {@link StarknetEscrow#isValidSignature} (each of its one or two calls), so that a server checking demanders on
         * their request's path is not held by a node that hangs. A request past it fails as the node being
         * unreachable ({@link ChainException}, {@link SignatureCheckUnavailableException.Kind#NODE_UNAVAILABLE}).
         *
         * @param accountCheckTimeout one account request's limit; default the {@link #requestTimeout}
         * @return this
         */
        public Builder accountCheckTimeout(Duration accountCheckTimeout) {
            this.accountCheckTimeout = accountCheckTimeout;
            return this;
        }

        /**
         * @param feeMultiplier resource bounds over the estimate, at least 1; default {@link #DEFAULT_FEE_MULTIPLIER}
         * @return this
         */
        public Builder feeMultiplier(double feeMultiplier) {
            this.feeMultiplier = feeMultiplier;
            return this;
        }

        /**
         * @param crypto signs the account's transactions; default {@link StarkCrypto#defaultCrypto()}
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = crypto;
            return this;
        }

        /**
         * Validates the settings, connects and checks the node's chain id.
         *
         * @return the client
         * @throws InvalidFieldException for a bad setting (all named at once)
         * @throws ChainException when the node cannot be reached or reports another chain
         */
        public StarknetEscrow build() {
            List<String> problems = new ArrayList<>();
            if (rpcUrl == null || rpcUrl.getScheme() == null
                    || !(rpcUrl.getScheme().equals("http") || rpcUrl.getScheme().equals("https"))) {
                problems.add("rpc_url: expected an http(s) URL, got " + rpcUrl);
            }
            if (account == null || account.isZero()) {
                problems.add("account: expected a non-zero address, got " + account);
            }
            if (privateKey == null || privateKey.value().signum() <= 0
                    || privateKey.value().compareTo(KeyPair.CURVE_ORDER) >= 0) {
                problems.add("private_key: expected an integer in [1, n), got (hidden)");
            }
            if (contract == null || token == null || chainId == null || crypto == null) {
                problems.add("contract, token, chain_id and crypto: expected values, got nothing");
            }
            checkPositive(problems, "receipt_timeout", receiptTimeout);
            checkPositive(problems, "poll_interval", pollInterval);
            checkPositive(problems, "request_timeout", requestTimeout);
            Duration accountTimeout = accountCheckTimeout == null ? requestTimeout : accountCheckTimeout;
            checkPositive(problems, "account_check_timeout", accountTimeout);
            if (!(feeMultiplier >= 1.0 && feeMultiplier <= 10.0)) {
                problems.add("fee_multiplier: expected a number in [1, 10], got " + feeMultiplier);
            }
            if (!problems.isEmpty()) {
                throw new InvalidFieldException("starknet_escrow", "valid settings (" + String.join("; ", problems) + ")",
                        problems.size() + " invalid settings");
            }
            return new StarknetEscrow(new StarknetSession(rpcUrl.toString(), account, privateKey, contract, token, chainId,
                    crypto, receiptTimeout, pollInterval, requestTimeout, accountTimeout, feeMultiplier));
        }

        private static void checkPositive(List<String> problems, String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                problems.add(field + ": expected a positive duration, got " + d);
            }
        }

        @Override
        public String toString() {
            return "StarknetEscrow.Builder[rpcUrl=" + rpcUrl + ", account=" + account + ", privateKey=(hidden), contract="
                    + contract + ", token=" + token + ", chainId=" + chainId + "]";
        }
    }

    /** @return JSON-RPC requests this client sent so far (for benchmarks and tests) */
    public long rpcRoundTrips() {
        return session.roundTrips();
    }

    @Override
    public ContractAddress caller() {
        return session.caller();
    }

    @Override
    public ContractAddress contract() {
        return session.contract();
    }

    @Override
    public ContractAddress token() {
        return session.token();
    }

    @Override
    public CreatedTask createTask(ContractAddress token, TokenAmount baseAmount, Tier tier, Felt taskHash) {
        return session.createTask(token, baseAmount, tier, taskHash);
    }

    @Override
    public TxResult cancelTask(U256 taskId) {
        return session.cancelTask(taskId);
    }

    @Override
    public Optional<EscrowTask> getTask(U256 taskId) {
        return session.getTask(taskId);
    }

    @Override
    public U256 taskCount() {
        return session.taskCount();
    }

    @Override
    public NodeStatus nodeStatus(ContractAddress node) {
        return session.nodeStatus(node);
    }

    @Override
    public Optional<Felt> providerPublicKey(ContractAddress provider) {
        return session.providerPublicKey(provider);
    }

    @Override
    public BasisPoints tierMultiplier(Tier tier) {
        return session.tierMultiplier(tier);
    }

    @Override
    public TokenAmount balanceOf(ContractAddress account) {
        return session.balanceOf(account);
    }

    /**
     * The account the contract lets settle, read from the chain ({@code get_relayer}); a relayer checks at
     * start that it is its own {@link #caller()}.
     *
     * @return the contract's relayer
     * @throws ChainException when the node cannot be reached
     * @throws EscrowRevertedException when the view reverts (e.g. no SmainerContract at {@link #contract()})
     */
    public ContractAddress relayer() {
        return session.relayer();
    }

    /**
     * The Stark public key an account contract reports through {@code get_public_key}, as OpenZeppelin's and
     * starknet-jvm's standard accounts do. An account decides for itself what a valid signature is; for these
     * accounts it is an ECDSA signature by this key, which is what a relayer checks a demander's SNIP-12
     * request against. Accounts of other kinds (multisig, other signers) answer nothing here.
     *
     * @param account an account contract
     * @return its key, or empty when it has no {@code get_public_key}, reports zero, or is not deployed
     * @throws ChainException when the chain cannot be read
     */
    public Optional<Felt> accountPublicKey(ContractAddress account) {
        return session.accountPublicKey(account);
    }

    /**
     * Asks an account contract whether it accepts a signature over a message hash, as SNIP-6 defines it:
     * {@code is_valid_signature(hash: felt252, signature: Array<felt252>) -> felt252}, one {@code starknet_call}
     * on the latest block. This is the check that works for every account class (Argent's {@code get_owner},
     * Braavos' {@code get_signers}, multisigs, guardians), since the account itself decides; it costs one call per
     * check, where {@link #accountPublicKey} can be read once and the signature checked locally.
     *
     * <ul>
     *   <li><b>Accepted</b>: the account returned {@code 'VALID'} ({@link SignatureVerdict#VALID}) or 1
     *       ({@link SignatureVerdict#LEGACY_TRUE}, Cairo 0 accounts' "true").</li>
     *   <li><b>Refused</b>: it returned anything else, or reverted while checking (some accounts revert on a bad
     *       signature, e.g. {@code argent/invalid-signature}); {@link SignatureVerdict#answer()} says which.</li>
     *   <li><b>Could not ask</b>: {@link SignatureCheckUnavailableException}, whose {@link
     *       SignatureCheckUnavailableException#kind() kind} tells node trouble (try again) from an address with no
     *       contract and from a contract without the entry point. Only in that last case is the Cairo 0 name
     *       {@code isValidSignature} tried as well (a second call).</li>
     * </ul>
     *
     * <p>Nothing is remembered: every call asks the chain again.
     *
     * @param account the account contract
     * @param hash the message hash that was signed (e.g. a SNIP-12 message hash for this account)
     * @param signature the signature felts as the account reads them; for one Stark key {@code [r, s]}
     *     ({@link io.smainer.crypto.Signature#toList()})
     * @return the account's verdict
     * @throws SignatureCheckUnavailableException when the account could not be asked
     */
    public SignatureVerdict isValidSignature(ContractAddress account, Felt hash, List<Felt> signature) {
        return session.isValidSignature(account, hash, signature);
    }

    @Override
    public boolean isPaused() {
        return session.isPaused();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The class is read once, when the client is built (or, if it could not be read then, on the first ask);
     * an upgrade of the contract afterwards is seen by a new client.
     */
    @Override
    public boolean offers(String entryPoint) {
        return session.offers(entryPoint);
    }

    /** @return the chain the node reported when this client was built (it was checked against the setting) */
    @Override
    public Optional<ChainId> chainId() {
        return session.chainId();
    }

    @Override
    public TxResult registerNode() {
        return session.registerNode();
    }

    @Override
    public TxResult deactivateNode() {
        return session.deactivateNode();
    }

    @Override
    public TxResult setProviderPublicKey(Felt publicKey) {
        return session.setProviderPublicKey(publicKey);
    }

    @Override
    public TxResult settle(Settlement settlement) {
        return session.settle(settlement);
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements) {
        return session.settleBatch(settlements);
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements, List<ContractCall> alongside) {
        return session.settleBatch(settlements, alongside);
    }

    @Override
    public EventPage events(EventCursor after, int max) {
        return session.events(after, max);
    }

    /**
     * The contract's privileged operations and remaining views (owner functions, {@code pull_and_execute}, any
     * other call), sent from this client's account on the same session: one nonce sequence with this client's
     * writes. The contract checks who may call them.
     *
     * @return the operations, acting as {@link #caller()}
     */
    public EscrowAdmin admin() {
        return new CallAdmin(session);
    }

    /**
     * A client of {@code SmainerStakingContract} acting for this client's account, on the same session (one
     * nonce sequence, one connection pool): its writes and this client's are serialized together. Closing this
     * escrow client closes it too.
     *
     * @param stakingContract the staking contract, e.g. {@link Staking#MAINNET_CONTRACT}
     * @return the staking client; it stakes this client's {@link #token()}
     */
    public Staking staking(ContractAddress stakingContract) {
        return session.staking(Require.present("staking_contract", stakingContract), session.token());
    }

    /** Closes the HTTP client; idempotent. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
