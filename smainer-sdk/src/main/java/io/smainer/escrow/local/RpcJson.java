package io.smainer.escrow.local;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.RevertReasons;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The JSON shapes the local node's parts share: felts and addresses as hex, block hashes, revert texts. */
final class RpcJson {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final BigInteger BLOCK_HASH_STEP = BigInteger.valueOf(0x9e3779b97f4a7c15L);

    private RpcJson() {
    }

    /** A block's hash: a stable label derived from its number (there are no block headers to hash). */
    static Felt blockHash(long block) {
        return Felt.reduce(BigInteger.valueOf(block).multiply(BLOCK_HASH_STEP).add(BigInteger.ONE));
    }

    static Felt felt(JsonElement e) {
        return Felt.parse(e.getAsString());
    }

    static ContractAddress address(JsonElement e) {
        return ContractAddress.parse(e.getAsString());
    }

    static List<Felt> felts(JsonArray a) {
        List<Felt> out = new ArrayList<>(a == null ? 0 : a.size());
        if (a != null) {
            a.forEach(e -> out.add(felt(e)));
        }
        return out;
    }

    static JsonArray hexArray(List<Felt> felts) {
        JsonArray a = new JsonArray();
        felts.forEach(f -> a.add(f.hex()));
        return a;
    }

    /** A {@code starknet_call} that reverted: {@code 40 CONTRACT_ERROR} with the reason as a node writes it. */
    static LedgerRpcServer.RpcError contractError(String reason) {
        JsonObject data = new JsonObject();
        data.addProperty("revert_error", "Execution failed. Failure reason:\n" + RevertReasons.encode(reason) + ".\n");
        return new LedgerRpcServer.RpcError(40, "Contract error", data);
    }

    /** The revert text of a transaction as a Starknet node writes it: the reason, then each caller's wrapper. */
    static String failure(ContractAddress sender, String reason) {
        return "Transaction execution has failed:\n0: Error in the called contract (contract address: " + sender.hex()
                + ", class hash: " + LedgerRpcServer.ACCOUNT_CLASS_HASH.hex() + ", selector: "
                + Abi.selector(Abi.EXECUTE).hex() + "):\nExecution failed. Failure reason:\n("
                + RevertReasons.encode(reason) + ", " + RevertReasons.encode("ENTRYPOINT_FAILED") + ").\n";
    }
}
