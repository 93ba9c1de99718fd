package io.smainer.escrow.local;

import static io.smainer.escrow.local.RpcJson.address;
import static io.smainer.escrow.local.RpcJson.blockHash;
import static io.smainer.escrow.local.RpcJson.failure;
import static io.smainer.escrow.local.RpcJson.felt;
import static io.smainer.escrow.local.RpcJson.felts;
import static io.smainer.escrow.local.RpcJson.hexArray;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.LedgerTransaction;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The chain as the node shows it: blocks (one transaction each, none in block 0, the waiting ones in
 * {@code pre_confirmed}), transactions, receipts, statuses and event pages, in the RPC spec's shapes.
 */
final class ChainViews {
    private static final String STARKNET_VERSION = "0.14.0";

    /** How much of each transaction a block carries. */
    enum Detail { HASHES, TRANSACTIONS, RECEIPTS }

    private final Ledger ledger;
    private final Mempool mempool;
    private final Instant genesis;

    ChainViews(Ledger ledger, Mempool mempool) {
        this.ledger = ledger;
        this.mempool = mempool;
        this.genesis = ledger.transactionInBlock(1).map(LedgerTransaction::timestamp).orElse(Instant.now());
    }

    /**
     * @param id a block id: a tag, {@code {block_number}} or {@code {block_hash}}; null for the default
     * @param dflt the block number a missing id means
     * @return the block's number
     * @throws RpcError {@code 24 BLOCK_NOT_FOUND}
     */
    long blockOf(JsonElement id, long dflt) {
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

    /** The transaction hashes of a block: one per block, none in block 0, the waiting ones in pre_confirmed. */
    List<Felt> transactionsIn(JsonElement id) {
        if (preConfirmed(id)) {
            return mempool.hashes();
        }
        long number = blockOf(id, ledger.blockNumber());
        return ledger.transactionInBlock(number).map(tx -> List.of(tx.hash())).orElse(List.of());
    }

    JsonObject block(JsonElement id, Detail detail) {
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
                case TRANSACTIONS -> txs.add(transaction(h));
                case RECEIPTS -> {
                    JsonObject both = new JsonObject();
                    both.add("transaction", transaction(h));
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

    /**
     * The invoke as received, or for one made in-process, its sender with empty calldata and signature.
     *
     * @throws RpcError {@code 29 TXN_HASH_NOT_FOUND}
     */
    JsonObject transaction(Felt hash) {
        JsonObject t = mempool.received(hash).orElseGet(() -> inProcess(hash));
        t.addProperty("transaction_hash", hash.hex());
        return t;
    }

    /** @throws RpcError {@code 29 TXN_HASH_NOT_FOUND} for a transaction not (yet) in a block */
    LedgerTransaction executed(Felt hash) {
        return ledger.transaction(hash).orElseThrow(() -> new RpcError(29, "Transaction hash not found", null));
    }

    JsonObject receipt(LedgerTransaction tx) {
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
            events.add(event(e));
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

    JsonObject status(LedgerTransaction tx) {
        JsonObject o = new JsonObject();
        o.addProperty("finality_status", "ACCEPTED_ON_L2");
        o.addProperty("execution_status", tx.succeeded() ? "SUCCEEDED" : "REVERTED");
        tx.revertReason().ifPresent(reason -> o.addProperty("failure_reason", failure(tx.sender(), reason)));
        return o;
    }

    /**
     * {@code starknet_getEvents}: a page of the events that match, oldest first; the continuation token is
     * "block:events of that block already returned".
     */
    JsonObject events(JsonObject filter) {
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
        int skip = 0;
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
            JsonObject ej = event(e);
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

    private static boolean preConfirmed(JsonElement id) {
        return id != null && id.isJsonPrimitive() && id.getAsString().equals("pre_confirmed");
    }

    private static JsonObject event(ChainEvent e) {
        JsonObject ej = new JsonObject();
        ej.addProperty("from_address", e.from().felt().hex());
        ej.add("keys", hexArray(e.keys()));
        ej.add("data", hexArray(e.data()));
        return ej;
    }

    private static JsonObject price() {
        JsonObject p = new JsonObject();
        p.addProperty("price_in_fri", "0x1");
        p.addProperty("price_in_wei", "0x1");
        return p;
    }

    /** A transaction made in-process (or waiting, not received here): its sender, nothing of what it carried. */
    private JsonObject inProcess(Felt hash) {
        Optional<ContractAddress> sender = ledger.transaction(hash).map(LedgerTransaction::sender)
                .or(() -> mempool.waitingSender(hash));
        if (sender.isEmpty()) {
            throw new RpcError(29, "Transaction hash not found", null);
        }
        JsonObject t = new JsonObject();
        t.addProperty("type", "INVOKE");
        t.addProperty("version", "0x3");
        t.addProperty("sender_address", sender.get().hex());
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
        return t;
    }
}
