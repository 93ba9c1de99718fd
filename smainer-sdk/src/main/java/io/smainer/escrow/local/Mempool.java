package io.smainer.escrow.local;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where received invokes go: each is checked for its nonce and for a duplicate hash, kept as received (for
 * {@code getTransactionByHash}), then run at once in a block of its own or, with blocks on demand, held in order
 * until {@link #createBlock()}.
 */
final class Mempool {
    private final Ledger ledger;
    private final boolean blocksOnDemand;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Invoke> waiting = new ArrayList<>(); // guarded by lock
    private final Map<Felt, JsonObject> received = new ConcurrentHashMap<>();

    Mempool(Ledger ledger, boolean blocksOnDemand) {
        this.ledger = ledger;
        this.blocksOnDemand = blocksOnDemand;
    }

    /**
     * Takes a validated invoke.
     *
     * @param json the transaction as received
     * @throws RpcError {@code 52 INVALID_TRANSACTION_NONCE} unless its nonce is the sender's next (counting the
     *     waiting ones), {@code 59 DUPLICATE_TX} for a hash already seen
     */
    void submit(Invoke tx, JsonObject json) {
        lock.lock();
        try {
            BigInteger queued = BigInteger.valueOf(waiting.stream().filter(t -> t.sender().equals(tx.sender())).count());
            Felt expected = Felt.of(ledger.nonce(tx.sender()).value().add(queued));
            if (!tx.nonce().equals(expected)) {
                throw new RpcError(52, "Invalid transaction nonce", new JsonPrimitive("Account nonce: " + expected.hex()
                        + "; got: " + tx.nonce().hex()));
            }
            if (ledger.transaction(tx.hash()).isPresent() || waiting.stream().anyMatch(t -> t.hash().equals(tx.hash()))) {
                throw new RpcError(59, "A transaction with the same hash already exists in the mempool", null);
            }
            received.put(tx.hash(), json.deepCopy());
            if (blocksOnDemand) {
                waiting.add(tx);
            } else {
                ledger.execute(tx.sender(), tx.calls(), Optional.of(tx.hash()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs the waiting invokes in the order received, each in a block of its own; @return how many ran */
    int createBlock() {
        lock.lock();
        try {
            for (Invoke tx : waiting) {
                ledger.execute(tx.sender(), tx.calls(), Optional.of(tx.hash()));
            }
            int n = waiting.size();
            waiting.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many invokes wait for a block */
    int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return the waiting invokes' hashes, in order: the {@code pre_confirmed} block's transactions */
    List<Felt> hashes() {
        lock.lock();
        try {
            return waiting.stream().map(Invoke::hash).toList();
        } finally {
            lock.unlock();
        }
    }

    /** @return the sender of a waiting invoke */
    Optional<ContractAddress> waitingSender(Felt hash) {
        lock.lock();
        try {
            return waiting.stream().filter(i -> i.hash().equals(hash)).findFirst().map(Invoke::sender);
        } finally {
            lock.unlock();
        }
    }

    /** @return a copy of the transaction's JSON as this node received it; empty for one made in-process */
    Optional<JsonObject> received(Felt hash) {
        return Optional.ofNullable(received.get(hash)).map(JsonObject::deepCopy);
    }
}
