package io.smainer.escrow.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.LedgerTransaction;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The ledger's state as JSON (Gson's tree model), in a canonical order so that equal states give equal
 * text. Addresses and felts are hex, amounts decimal strings. Not API.
 */
public final class LedgerSnapshot {
    /** The format's version; loading refuses others. */
    public static final int VERSION = 2;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private LedgerSnapshot() {
    }

    /**
     * @param m the machine
     * @return its state as JSON
     */
    public static String toJson(LedgerMachine m) {
        JsonObject o = new JsonObject();
        o.addProperty("version", VERSION);
        o.addProperty("chain_id", m.chainId.name());
        o.addProperty("contract", m.contract.hex());
        o.addProperty("token", m.tokenAddress.hex());
        o.addProperty("owner", m.smainer.owner.hex());
        o.addProperty("relayer", m.smainer.relayer.hex());
        o.addProperty("treasury", m.smainer.treasury.hex());
        o.addProperty("paused", m.smainer.paused);
        JsonArray mult = new JsonArray();
        for (int i = 1; i <= 3; i++) {
            mult.add(m.smainer.multipliers[i].toString());
        }
        o.add("tier_multipliers", mult);
        o.addProperty("class_hash", m.smainer.classHash.hex());
        if (!m.smainer.absentEntryPoints.isEmpty()) {
            JsonArray absent = new JsonArray();
            new TreeSet<>(m.smainer.absentEntryPoints).forEach(absent::add);
            o.add("absent_entry_points", absent);
        }
        o.addProperty("task_count", m.smainer.taskCount.toString());
        o.addProperty("total_supply", m.token.totalSupply.toString());
        o.add("balances", map(m.token.balances, ContractAddress::hex, BigInteger::toString));
        JsonArray allowances = new JsonArray();
        new TreeMap<String, BigInteger>(toKeyed(m.token.allowances)).forEach((k, v) -> {
            JsonArray a = new JsonArray();
            String[] parts = k.split(" ");
            a.add(parts[0]);
            a.add(parts[1]);
            a.add(v.toString());
            allowances.add(a);
        });
        o.add("allowances", allowances);
        JsonArray tasks = new JsonArray();
        new TreeMap<>(m.smainer.tasks).forEach((id, t) -> {
            JsonObject j = new JsonObject();
            j.addProperty("id", id.toString());
            j.addProperty("creator", t.creator().hex());
            j.addProperty("token", t.token().hex());
            j.addProperty("amount", t.amount().toString());
            j.addProperty("base_reward", t.baseReward().toString());
            j.addProperty("tier_multiplier", t.multiplier().toString());
            j.addProperty("adjusted_reward", t.adjustedReward().toString());
            j.addProperty("required_tier", t.tier());
            j.addProperty("task_hash", t.taskHash().hex());
            j.addProperty("status", t.status());
            j.addProperty("assigned_provider", t.assignedProvider().hex());
            tasks.add(j);
        });
        o.add("tasks", tasks);
        o.add("nodes", map(m.smainer.nodes, ContractAddress::hex, String::valueOf));
        o.add("public_keys", map(m.smainer.publicKeys, ContractAddress::hex, Felt::hex));
        JsonArray used = new JsonArray();
        m.smainer.usedSignatures.keySet().stream().map(k -> k.r().hex() + " " + k.s().hex()).sorted().forEach(k -> {
            JsonArray pair = new JsonArray();
            String[] rs = k.split(" ");
            pair.add(rs[0]);
            pair.add(rs[1]);
            used.add(pair);
        });
        o.add("used_signatures", used);
        o.add("nonces", map(m.nonces, ContractAddress::hex, BigInteger::toString));
        o.addProperty("block_number", m.blockNumber);
        JsonArray txs = new JsonArray();
        for (int row = 0; row < m.history.size(); row++) {
            LedgerTransaction tx = m.history.transaction(row);
            JsonObject j = new JsonObject();
            j.addProperty("hash", tx.hash().hex());
            j.addProperty("sender", tx.sender().hex());
            j.addProperty("block", tx.block());
            j.addProperty("timestamp", tx.timestamp().toString());
            tx.revertReason().ifPresent(r -> j.addProperty("revert_reason", r));
            JsonArray events = new JsonArray();
            for (ChainEvent e : tx.events()) {
                JsonObject ej = new JsonObject();
                ej.addProperty("from", e.from().hex());
                ej.add("keys", felts(e.keys()));
                ej.add("data", felts(e.data()));
                ej.addProperty("index", e.index());
                events.add(ej);
            }
            j.add("events", events);
            txs.add(j);
        }
        o.add("transactions", txs);
        m.staking().ifPresent(staking -> o.add("staking", staking.toJson()));
        return GSON.toJson(o);
    }

    /**
     * @param json what {@link #toJson} wrote
     * @param crypto receipt checks
     * @param clock block timestamps from now on
     * @return the machine
     */
    public static LedgerMachine fromJson(String json, StarkCrypto crypto, Clock clock) {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            int version = o.get("version").getAsInt();
            if (version != VERSION) {
                throw new InvalidFieldException("version", VERSION + " (a ledger saved before the real contract's rules"
                        + " cannot be loaded: start a new local network)", version);
            }
            LedgerMachine m = new LedgerMachine(addr(o, "contract"), addr(o, "token"),
                    new ChainId(o.get("chain_id").getAsString()), crypto, clock, addr(o, "owner"), addr(o, "relayer"),
                    addr(o, "treasury"));
            m.smainer.paused = o.get("paused").getAsBoolean();
            JsonArray mult = o.getAsJsonArray("tier_multipliers");
            for (int i = 1; i <= 3; i++) {
                m.smainer.multipliers[i] = new BigInteger(mult.get(i - 1).getAsString());
            }
            m.smainer.classHash = Felt.parse(o.get("class_hash").getAsString());
            if (o.has("absent_entry_points")) {
                Set<String> absent = new TreeSet<>();
                o.getAsJsonArray("absent_entry_points").forEach(n -> absent.add(n.getAsString()));
                m.smainer.withoutEntryPoints(absent);
            }
            m.smainer.taskCount = new BigInteger(o.get("task_count").getAsString());
            m.token.totalSupply = new BigInteger(o.get("total_supply").getAsString());
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("balances").entrySet()) {
                m.token.balances.put(ContractAddress.parse(e.getKey()), new BigInteger(e.getValue().getAsString()));
            }
            for (JsonElement e : o.getAsJsonArray("allowances")) {
                JsonArray a = e.getAsJsonArray();
                m.token.allowances.put(new Erc20Token.Allowance(ContractAddress.parse(a.get(0).getAsString()),
                        ContractAddress.parse(a.get(1).getAsString())), new BigInteger(a.get(2).getAsString()));
            }
            for (JsonElement e : o.getAsJsonArray("tasks")) {
                JsonObject t = e.getAsJsonObject();
                m.smainer.tasks.put(new BigInteger(t.get("id").getAsString()), new SmainerContract.TaskRecord(
                        addr(t, "creator"), addr(t, "token"), new BigInteger(t.get("amount").getAsString()),
                        new BigInteger(t.get("base_reward").getAsString()), new BigInteger(t.get("tier_multiplier").getAsString()),
                        new BigInteger(t.get("adjusted_reward").getAsString()), t.get("required_tier").getAsInt(),
                        Felt.parse(t.get("task_hash").getAsString()), t.get("status").getAsInt(),
                        addr(t, "assigned_provider")));
            }
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("nodes").entrySet()) {
                m.smainer.nodes.put(ContractAddress.parse(e.getKey()), Integer.parseInt(e.getValue().getAsString()));
            }
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("public_keys").entrySet()) {
                m.smainer.publicKeys.put(ContractAddress.parse(e.getKey()), Felt.parse(e.getValue().getAsString()));
            }
            for (JsonElement e : o.getAsJsonArray("used_signatures")) {
                JsonArray pair = e.getAsJsonArray();
                m.smainer.usedSignatures.put(new SmainerContract.SignatureKey(Felt.parse(pair.get(0).getAsString()),
                        Felt.parse(pair.get(1).getAsString())), Boolean.TRUE);
            }
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("nonces").entrySet()) {
                m.nonces.put(ContractAddress.parse(e.getKey()), new BigInteger(e.getValue().getAsString()));
            }
            m.blockNumber = o.get("block_number").getAsLong();
            for (JsonElement e : o.getAsJsonArray("transactions")) {
                JsonObject t = e.getAsJsonObject();
                Felt hash = Felt.parse(t.get("hash").getAsString());
                long block = t.get("block").getAsLong();
                List<ChainEvent> events = new ArrayList<>();
                for (JsonElement ee : t.getAsJsonArray("events")) {
                    JsonObject ej = ee.getAsJsonObject();
                    events.add(new ChainEvent(addr(ej, "from"), felts(ej.getAsJsonArray("keys")),
                            felts(ej.getAsJsonArray("data")), block, ej.get("index").getAsInt(), hash));
                }
                LedgerTransaction tx = new LedgerTransaction(hash, addr(t, "sender"), block,
                        Instant.parse(t.get("timestamp").getAsString()),
                        Optional.ofNullable(t.get("revert_reason")).map(JsonElement::getAsString), events);
                m.history.add(tx);
            }
            if (o.has("staking")) {
                m.deploy(StakingContract.fromJson(m, o.getAsJsonObject("staking")));
            }
            if (m.history.size() != m.blockNumber) {
                throw new InvalidFieldException("transactions", m.blockNumber + " transactions, one per block",
                        m.history.size());
            }
            return m;
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                | NumberFormatException e) {
            throw new InvalidFieldException("ledger", "a ledger saved by Ledger.save", e.getMessage());
        }
    }

    /** @return the contract's address */
    public static ContractAddress contractOf(LedgerMachine m) {
        return m.contract;
    }

    /** @return the token's address */
    public static ContractAddress tokenOf(LedgerMachine m) {
        return m.tokenAddress;
    }

    /** @return the chain id */
    public static ChainId chainIdOf(LedgerMachine m) {
        return m.chainId;
    }

    private static Map<String, BigInteger> toKeyed(Map<Erc20Token.Allowance, BigInteger> allowances) {
        Map<String, BigInteger> out = new TreeMap<>();
        allowances.forEach((k, v) -> out.put(k.owner().hex() + " " + k.spender().hex(), v));
        return out;
    }

    private static <K, V> JsonObject map(Map<K, V> map, Function<K, String> key, Function<V, String> value) {
        TreeMap<String, String> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(key.apply(k), value.apply(v)));
        JsonObject o = new JsonObject();
        sorted.forEach(o::addProperty);
        return o;
    }

    private static JsonArray felts(List<Felt> felts) {
        JsonArray a = new JsonArray();
        felts.forEach(f -> a.add(f.hex()));
        return a;
    }

    private static List<Felt> felts(JsonArray a) {
        List<Felt> out = new ArrayList<>(a.size());
        a.forEach(e -> out.add(Felt.parse(e.getAsString())));
        return out;
    }

    private static ContractAddress addr(JsonObject o, String field) {
        return ContractAddress.parse(o.get(field).getAsString());
    }
}
