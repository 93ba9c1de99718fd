package io.smainer.escrow.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.escrow.TxResult;
import io.smainer.escrow.internal.Abi;
import io.smainer.fee.Tier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The product node's JSON-RPC methods as a standard client sees them, over real HTTP: blocks with hashes,
 * transactions and receipts, transactions by hash, classes with the real ABIs, storage where the model can
 * name the slot, {@code syncing}, simulation, and the spec-conformant refusals.
 */
class LedgerRpcServerIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    private static final Felt DEMANDER_KEY = Felt.parse("0x1234abcd");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0xa11)).relayer(ContractAddress.of(0xa12))
            .treasury(ContractAddress.of(0xa13)).build();
    private final LedgerRpcServer node = LedgerRpcServer.builder().ledger(ledger).start()
            .addAccount(DEMANDER, CRYPTO.publicKey(DEMANDER_KEY));

    @AfterEach
    void close() {
        node.close();
    }

    private static JsonObject rpc(URI url, String method, String params) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private JsonElement result(String method, String params) throws Exception {
        JsonObject o = rpc(node.url(), method, params);
        assertThat(o.has("error")).as("%s answered %s", method, o).isFalse();
        return o.get("result");
    }

    private int errorCode(String method, String params) throws Exception {
        JsonObject o = rpc(node.url(), method, params);
        assertThat(o.has("error")).as("%s answered %s", method, o).isTrue();
        return o.getAsJsonObject("error").get("code").getAsInt();
    }

    private TxResult createTask() {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        try (StarknetEscrow demander = StarknetEscrow.builder().rpcUrl(node.url()).account(DEMANDER).privateKey(DEMANDER_KEY)
                .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId()).pollInterval(Duration.ofMillis(5))
                .build()) {
            return demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.BASIC, Felt.of(7)).tx();
        }
    }

    @Test
    void blocksAndTransactionsInTheSpecsShapes() throws Exception {
        assertThat(result("starknet_syncing", "[]").getAsBoolean()).isFalse();
        JsonObject genesis = result("starknet_getBlockWithTxHashes", "{\"block_id\":{\"block_number\":0}}").getAsJsonObject();
        assertThat(genesis.get("block_number").getAsLong()).isZero();
        assertThat(genesis.getAsJsonArray("transactions")).isEmpty();
        assertThat(genesis.get("status").getAsString()).isEqualTo("ACCEPTED_ON_L2");

        TxResult tx = createTask();
        long block = tx.blockNumber();
        JsonObject latest = result("starknet_getBlockWithTxs", "{\"block_id\":\"latest\"}").getAsJsonObject();
        assertThat(latest.get("block_number").getAsLong()).isEqualTo(block);
        assertThat(latest.get("parent_hash").getAsString())
                .isEqualTo(result("starknet_getBlockWithTxHashes", "[{\"block_number\":" + (block - 1) + "}]")
                        .getAsJsonObject().get("block_hash").getAsString());
        JsonObject t = latest.getAsJsonArray("transactions").get(0).getAsJsonObject();
        assertThat(t.get("transaction_hash").getAsString()).isEqualTo(tx.hash().hex());
        assertThat(t.get("type").getAsString()).isEqualTo("INVOKE");
        assertThat(t.get("version").getAsString()).isEqualTo("0x3");
        assertThat(ContractAddress.parse(t.get("sender_address").getAsString())).isEqualTo(DEMANDER);
        assertThat(t.getAsJsonArray("signature")).hasSize(2);
        assertThat(t.getAsJsonArray("calldata").get(0).getAsString()).as("two calls: approve, create").isEqualTo("0x2");
        assertThat(t.get("tip").getAsString()).startsWith("0x");

        JsonObject byHash = result("starknet_getTransactionByHash", "{\"transaction_hash\":\"" + tx.hash().hex() + "\"}")
                .getAsJsonObject();
        assertThat(byHash).isEqualTo(t);
        assertThat(result("starknet_getBlockTransactionCount", "{\"block_id\":{\"block_number\":" + block + "}}").getAsInt())
                .isEqualTo(1);
        assertThat(result("starknet_getBlockTransactionCount", "{\"block_id\":{\"block_number\":0}}").getAsInt()).isZero();
        JsonObject withReceipts = result("starknet_getBlockWithReceipts", "{\"block_id\":\"latest\"}").getAsJsonObject();
        assertThat(withReceipts.getAsJsonArray("transactions").get(0).getAsJsonObject().getAsJsonObject("receipt")
                .get("execution_status").getAsString()).isEqualTo("SUCCEEDED");
        JsonObject pre = result("starknet_getBlockWithTxHashes", "{\"block_id\":\"pre_confirmed\"}").getAsJsonObject();
        assertThat(pre.get("block_number").getAsLong()).isEqualTo(block + 1);
        assertThat(pre.has("block_hash")).isFalse();

        assertThat(errorCode("starknet_getBlockWithTxs", "{\"block_id\":{\"block_number\":" + (block + 5) + "}}")).isEqualTo(24);
        assertThat(errorCode("starknet_getTransactionByHash", "{\"transaction_hash\":\"0x123\"}")).isEqualTo(29);
        assertThat(errorCode("starknet_getStateUpdate", "{\"block_id\":\"latest\"}")).isEqualTo(-32601);
    }

    @Test
    void classesCarryTheRealAbisAndStorageIsReadWhereTheModelNamesTheSlot() throws Exception {
        for (ContractAddress a : new ContractAddress[] {ledger.contract(), ledger.token(), DEMANDER}) {
            String at = "{\"block_id\":\"latest\",\"contract_address\":\"" + a.hex() + "\"}";
            JsonObject c = result("starknet_getClassAt", at).getAsJsonObject();
            assertThat(c.getAsJsonArray("sierra_program")).isEmpty();
            JsonArray abi = JsonParser.parseString(c.get("abi").getAsString()).getAsJsonArray();
            assertThat(abi.toString()).contains("\"interface\"");
            String hash = result("starknet_getClassHashAt", at).getAsString();
            assertThat(result("starknet_getClass", "{\"block_id\":\"latest\",\"class_hash\":\"" + hash + "\"}")).isEqualTo(c);
        }
        String contractAbi = result("starknet_getClassAt", "[\"latest\",\"" + ledger.contract().hex() + "\"]").getAsJsonObject()
                .get("abi").getAsString();
        assertThat(contractAbi).contains("create_tiered_task").contains("TaskCreated");
        assertThat(errorCode("starknet_getClassAt", "{\"block_id\":\"latest\",\"contract_address\":\"0x999\"}")).isEqualTo(20);

        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(123_456));
        Felt slot = CRYPTO.pedersen(Abi.selector("ERC20_balances"), DEMANDER.felt());
        assertThat(Felt.parse(result("starknet_getStorageAt", "{\"contract_address\":\"" + ledger.token().hex() + "\",\"key\":\""
                + slot.hex() + "\",\"block_id\":\"latest\"}").getAsString())).isEqualTo(Felt.of(123_456));
        assertThat(Felt.parse(result("starknet_getStorageAt", "[\"" + DEMANDER.hex() + "\",\"" + Abi.selector("Account_public_key")
                .hex() + "\",\"latest\"]").getAsString())).isEqualTo(CRYPTO.publicKey(DEMANDER_KEY));
        assertThat(errorCode("starknet_getStorageAt", "{\"contract_address\":\"" + ledger.contract().hex()
                + "\",\"key\":\"0x5\",\"block_id\":\"latest\"}")).isEqualTo(-32603);
    }

    @Test
    void aSimulatedRevertIsReportedInTheTraceWithTheContractsReason() throws Exception {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000));
        TestRpcNode recorder = TestRpcNode.builder().ledger(ledger).start().addAccount(DEMANDER, CRYPTO.publicKey(DEMANDER_KEY));
        try (recorder; StarknetEscrow demander = StarknetEscrow.builder().rpcUrl(recorder.url()).account(DEMANDER)
                .privateKey(DEMANDER_KEY).contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId())
                .pollInterval(Duration.ofMillis(5)).build()) {
            demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.of(1));
        }
        // the signed invoke as a template, its calls replaced by one that reverts: cancelling a task that does not exist
        JsonObject sent = result("starknet_getBlockWithTxs", "[\"latest\"]").getAsJsonObject()
                .getAsJsonArray("transactions").get(0).getAsJsonObject();
        sent.remove("transaction_hash");
        JsonArray calldata = new JsonArray();
        for (Felt f : new Felt[] {Felt.ONE, ledger.contract().felt(), Abi.selector(Abi.CANCEL_TASK), Felt.of(2), Felt.of(0x99),
                Felt.ZERO}) {
            calldata.add(f.hex());
        }
        sent.add("calldata", calldata);
        JsonArray sims = result("starknet_simulateTransactions", "{\"block_id\":\"latest\",\"transactions\":[" + sent
                + "],\"simulation_flags\":[\"SKIP_VALIDATE\"]}").getAsJsonArray();
        JsonObject trace = sims.get(0).getAsJsonObject().getAsJsonObject("transaction_trace");
        assertThat(trace.get("type").getAsString()).isEqualTo("INVOKE");
        assertThat(trace.getAsJsonObject("execute_invocation").get("revert_reason").getAsString()).contains("Transaction execution has failed").contains("0x");
        assertThat(sims.get(0).getAsJsonObject().getAsJsonObject("fee_estimation").get("unit").getAsString()).isEqualTo("FRI");
    }
}
