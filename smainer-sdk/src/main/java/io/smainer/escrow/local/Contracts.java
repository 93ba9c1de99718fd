package io.smainer.escrow.local;

import static io.smainer.escrow.local.RpcJson.GSON;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What is deployed where, as the node reports it: each address's class (the real contracts' ABIs, from
 * {@code contracts/*.abi.json}, and a standard account's, in a Sierra class with no program), class hashes, and
 * the storage slots the model can name.
 */
final class Contracts {
    private static final JsonArray CONTRACT_ABI = abiResource("smainer_contract.abi.json");
    private static final JsonArray TOKEN_ABI = abiResource("erc20.abi.json");
    private static final JsonArray ACCOUNT_ABI = abiResource("account.abi.json");
    private static final BigInteger LOW_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final Ledger ledger;
    private final Accounts accounts;
    private final StarkCrypto crypto;

    Contracts(Ledger ledger, Accounts accounts, StarkCrypto crypto) {
        this.ledger = ledger;
        this.accounts = accounts;
        this.crypto = crypto;
    }

    /** @throws RpcError {@code 20 CONTRACT_NOT_FOUND} where nothing is deployed */
    Felt classHashAt(ContractAddress address) {
        return classHashOf(abiAt(address));
    }

    /** @throws RpcError {@code 20 CONTRACT_NOT_FOUND} where nothing is deployed */
    JsonObject classAt(ContractAddress address) {
        return contractClass(abiAt(address));
    }

    /** @throws RpcError {@code 28 CLASS_HASH_NOT_FOUND} for a class the node does not have */
    JsonObject classOf(Felt classHash) {
        for (JsonArray abi : List.of(contractAbi(), TOKEN_ABI, ACCOUNT_ABI)) {
            if (classHashOf(abi).equals(classHash)) {
                return contractClass(abi);
            }
        }
        throw new RpcError(28, "Class hash not found", null);
    }

    /**
     * A storage slot the model can name: the token's {@code ERC20_balances} (of registered accounts and the
     * well-known addresses) and {@code ERC20_total_supply}, an account's {@code Account_public_key}.
     *
     * @throws RpcError {@code 20} where nothing is deployed, {@code -32603} for a slot the model cannot name
     */
    Felt storageAt(ContractAddress contract, Felt key) {
        if (accounts.contains(contract)) {
            if (key.equals(Abi.selector("Account_public_key"))) {
                return accounts.key(contract).orElseThrow();
            }
            return Felt.ZERO; // an account model keeps nothing else
        }
        if (contract.equals(ledger.token())) {
            if (key.equals(Abi.selector("ERC20_total_supply"))) {
                return Felt.of(ledger.totalSupply().baseUnits().and(LOW_128));
            }
            Felt balances = Abi.selector("ERC20_balances");
            List<ContractAddress> known = new ArrayList<>(accounts.addresses());
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

    private JsonArray abiAt(ContractAddress address) {
        if (address.equals(ledger.contract())) {
            return contractAbi();
        }
        if (address.equals(ledger.token())) {
            return TOKEN_ABI;
        }
        if (accounts.contains(address)) {
            return ACCOUNT_ABI;
        }
        throw new RpcError(20, "Contract not found", null);
    }

    private static Felt classHashOf(JsonArray abi) {
        return abi == ACCOUNT_ABI ? LedgerRpcServer.ACCOUNT_CLASS_HASH : Abi.selector(GSON.toJson(abi));
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
}
