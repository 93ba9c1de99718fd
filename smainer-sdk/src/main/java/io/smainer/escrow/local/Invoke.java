package io.smainer.escrow.local;

import static io.smainer.escrow.local.RpcJson.address;
import static io.smainer.escrow.local.RpcJson.felt;
import static io.smainer.escrow.local.RpcJson.felts;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.swmansion.starknet.data.TransactionHashCalculator;
import com.swmansion.starknet.data.types.DAMode;
import com.swmansion.starknet.data.types.ResourceBounds;
import com.swmansion.starknet.data.types.ResourceBoundsMapping;
import com.swmansion.starknet.data.types.StarknetChainId;
import com.swmansion.starknet.data.types.TransactionVersion;
import com.swmansion.starknet.data.types.Uint128;
import com.swmansion.starknet.data.types.Uint64;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.internal.Felts;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.util.ArrayList;
import java.util.List;

/**
 * A v3 invoke as the node received it: its sender, nonce and signature, its hash (computed by starknet-jvm's
 * {@code TransactionHashCalculator}, as the sender signed it), and its {@code __execute__} calldata decoded into calls.
 *
 * @param query true for a query version (fee estimates and simulations only)
 */
record Invoke(ContractAddress sender, Felt nonce, Felt hash, List<Felt> signature, List<Felt> calldata,
        List<ContractCall> calls, boolean query) {

    /**
     * @param tx the transaction's JSON, as {@code starknet_addInvokeTransaction} and the fee methods carry it
     * @param chain the chain its hash is computed for
     * @return the invoke
     * @throws RpcError {@code 61} for a version other than 3, {@code -32602} for one that is not an invoke or whose
     *     calldata does not decode
     */
    static Invoke parse(JsonObject tx, ChainId chain) {
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
                new StarknetChainId(Felts.toSn(chain.felt())), v, Felts.toSn(nonce), tip, bounds, paymaster,
                deployment, feeDa, nonceDa, proofFacts));
        return new Invoke(sender, nonce, hash, felts(tx.getAsJsonArray("signature")), calldata, decodeExecute(calldata),
                v == TransactionVersion.V3_QUERY);
    }

    /** @return the L2 gas this model charges: by the number of calls */
    long l2Gas() {
        return 400_000L + 150_000L * calls.size();
    }

    /** @return the fee estimate: a fixed model, gas by the number of calls, every price 1 fri */
    JsonObject fee() {
        long l2 = l2Gas();
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

    private static ResourceBounds bounds(JsonObject o) {
        return new ResourceBounds(Uint64.fromHex(o.get("max_amount").getAsString()),
                Uint128.fromHex(o.get("max_price_per_unit").getAsString()));
    }

    private static List<com.swmansion.starknet.data.types.Felt> snFelts(JsonArray a) {
        List<com.swmansion.starknet.data.types.Felt> out = new ArrayList<>();
        felts(a).forEach(f -> out.add(Felts.toSn(f)));
        return out;
    }

    /**
     * @param calldata Cairo 1 account {@code __execute__} calldata: {@code [n, (to, selector, len, data...) x n]}
     * @return its calls, in order
     * @throws RpcError {@code -32602} when it does not decode, or felts are left over
     */
    static List<ContractCall> decodeExecute(List<Felt> calldata) {
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
}
