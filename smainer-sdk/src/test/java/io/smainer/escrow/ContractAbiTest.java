package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.CallEscrow;
import io.smainer.escrow.internal.EntryPoints;
import io.smainer.escrow.internal.LedgerMachine;
import io.smainer.fee.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clients' calldata and the ledger's contract checked against {@code contracts/*.abi.json}. */
class ContractAbiTest {
    private static final ContractAbi CONTRACT = ContractAbi.repositoryFile("smainer_contract.abi.json");
    private static final ContractAbi TOKEN = ContractAbi.repositoryFile("erc20.abi.json");
    private static final ContractAddress C = Ledger.DEFAULT_CONTRACT;
    private static final ContractAddress T = Ledger.DEFAULT_TOKEN;
    private static final Signature SIG = new Signature(Felt.of(1), Felt.of(2));

    @Test
    void theAbiHasTheRealInterface() { // src/interfaces.cairo ISmainer, and OpenZeppelin's IOwnable
        assertThat(CONTRACT.functionNames()).containsExactly(Abi.REGISTER_NODE, Abi.SET_PROVIDER_PUBLIC_KEY,
                Abi.GET_PROVIDER_PUBLIC_KEY, Abi.DEACTIVATE_NODE, Abi.SUSPEND_NODE, Abi.GET_NODE_STATUS, Abi.CREATE_TASK,
                Abi.CREATE_TIERED_TASK, Abi.PULL_AND_EXECUTE, Abi.CANCEL_TASK, Abi.GET_TASK, Abi.SUBMIT_PROOF_AND_CLAIM,
                Abi.SETTLE_WITH_EFFORT, Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE, Abi.SET_RELAYER, Abi.GET_RELAYER,
                Abi.SET_TREASURY, Abi.GET_TREASURY, Abi.PAUSE, Abi.UNPAUSE, Abi.IS_PAUSED, Abi.UPGRADE, Abi.GET_FEE_PERCENT,
                Abi.GET_GAS_SUBSIDY_PERCENT, Abi.SET_TIER_MULTIPLIERS, Abi.GET_TIER_MULTIPLIER, Abi.GET_TASK_COUNT,
                Abi.OWNER, Abi.TRANSFER_OWNERSHIP, Abi.RENOUNCE_OWNERSHIP);
        assertThat(CONTRACT.function(Abi.GET_TASK).orElseThrow().outputFelts()).isEqualTo(13);
        assertThat(CONTRACT.function(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE).orElseThrow().inputFelts()).isEqualTo(11);
        assertThat(CONTRACT.events().values()).extracting(ContractAbi.Event::name).containsExactlyInAnyOrder(
                "NodeRegistered", "NodeDeactivated", "NodeSuspended", "TaskCreated", "TaskExecuted", "TaskCancelled",
                "TaskCompleted", "PayoutReleased", "RelayerSet", "TreasurySet", "FeeCollected", "EffortSettlement",
                "EffortSettlementV2", "TierMultipliersSet", "OwnershipTransferred", "OwnershipTransferStarted", "Paused",
                "Unpaused", "Upgraded");
        // keys count the selector: TaskCancelled is the id only, PayoutReleased carries the token, not a fee
        assertThat(CONTRACT.events().get(Abi.selector(Abi.TASK_CANCELLED))).extracting(ContractAbi.Event::keyFelts,
                ContractAbi.Event::dataFelts).containsExactly(3, 0);
        assertThat(CONTRACT.events().get(Abi.selector(Abi.PAYOUT_RELEASED))).extracting(ContractAbi.Event::keyFelts,
                ContractAbi.Event::dataFelts).containsExactly(4, 3);
        assertThat(CONTRACT.events().get(Abi.selector(Abi.FEE_COLLECTED))).extracting(ContractAbi.Event::keyFelts,
                ContractAbi.Event::dataFelts).containsExactly(3, 6);
        assertThat(CONTRACT.events().get(Abi.selector(Abi.TASK_COMPLETED))).extracting(ContractAbi.Event::keyFelts,
                ContractAbi.Event::dataFelts).containsExactly(4, 1);
    }

    @Test
    void bothFilesHaveTheShapeOfACompiledClass() {
        assertThat(CONTRACT.shapeProblems()).isEmpty();
        assertThat(TOKEN.shapeProblems()).isEmpty();
    }

    @Test
    void theShapeCheckFindsAnEventNoEnumListsAndAFunctionNoImplEmbeds(@TempDir Path dir) throws Exception {
        JsonArray abi = JsonParser.parseString(Files.readString(ContractAbi.repositoryPath("smainer_contract.abi.json")))
                .getAsJsonArray();
        JsonObject orphan = new JsonObject();
        orphan.addProperty("type", "event");
        orphan.addProperty("name", "smainer::smainer::SmainerContract::Orphan");
        orphan.addProperty("kind", "struct");
        orphan.add("members", new JsonArray());
        JsonArray broken = new JsonArray();
        broken.add(orphan); // before the contract's Event enum, which stays the last event entry
        broken.addAll(abi);
        JsonObject stray = new JsonObject();
        stray.addProperty("type", "interface");
        stray.addProperty("name", "smainer::Stray");
        stray.add("items", new JsonArray());
        broken.add(stray);
        Path file = dir.resolve("broken.abi.json");
        Files.writeString(file, broken.toString());
        assertThat(ContractAbi.load(file).shapeProblems()).anySatisfy(p -> assertThat(p).contains("Orphan"))
                .anySatisfy(p -> assertThat(p).contains("interface smainer::Stray embedded by no impl"));
    }

    @Test
    void theLedgersEntryPointTablesAreTheAbis() {
        LedgerMachine machine = LedgerMachine.create(C, T, Ledger.DEFAULT_CHAIN_ID, StarkCrypto.defaultCrypto(),
                Clock.systemUTC(), ContractAddress.of(1), ContractAddress.of(2), ContractAddress.of(3));
        for (ContractAbi abi : List.of(CONTRACT, TOKEN)) {
            Map<String, String> table = new LinkedHashMap<>();
            machine.contractAt(abi == CONTRACT ? C : T).orElseThrow().entryPoints().functions()
                    .forEach((name, m) -> table.put(name, m == EntryPoints.Mutability.VIEW ? "view" : "external"));
            assertThat(table).isEqualTo(abi.functionMutability());
        }
    }

    @Test
    void everyCallTheClientsBuildHasTheAbisSelectorAndArgumentCount() {
        List<ContractCall> contractCalls = List.of(
                CallEscrow.createTieredTask(C, T, TokenAmount.ONE_STRK, Tier.PRO, Felt.of(3)),
                CallEscrow.settlement(C, new Settlement.Flat(U256.of(1), C, Felt.of(2), SIG)),
                CallEscrow.settlement(C, new Settlement.Effort(U256.of(1), C, Felt.of(2), TokenAmount.ONE_STRK, 10_000, SIG)),
                CallEscrow.settlement(C, new Settlement.EffortWithAffiliate(U256.of(1), C, T, Felt.of(2),
                        TokenAmount.ONE_STRK, 10_000, SIG)));
        for (ContractCall call : contractCalls) {
            assertThat(CONTRACT.check(call)).as(call.toString()).isEmpty();
        }
        assertThat(TOKEN.check(CallEscrow.approve(T, C, TokenAmount.ONE_STRK))).isEmpty();
    }

    @Test
    void theLedgerImplementsEveryFunctionWithTheAbisShape() {
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
                .treasury(ContractAddress.of(3)).build();
        for (ContractAbi abi : List.of(CONTRACT, TOKEN)) {
            ContractAddress to = abi == CONTRACT ? ledger.contract() : ledger.token();
            for (ContractAbi.Function f : abi.functions().values()) {
                List<Felt> zeros = Collections.nCopies(f.inputFelts(), Felt.ZERO);
                if (f.view()) {
                    List<Felt> args = f.name().equals(Abi.GET_TIER_MULTIPLIER) ? List.of(Felt.ONE) : zeros;
                    assertThat(ledger.call(new ContractCall(to, f.selector(), args))).as(f.name())
                            .hasSize(f.outputFelts());
                } else {
                    LedgerTransaction tx = ledger.execute(ContractAddress.of(9),
                            List.of(new ContractCall(to, f.selector(), zeros)), Optional.empty());
                    assertThat(tx.revertReason()).as(f.name()).isNotEqualTo(
                            Optional.of(EscrowRevertedException.ENTRYPOINT_NOT_FOUND));
                    assertThat(tx.revertReason().orElse("")).as(f.name()).doesNotStartWith("Failed to deserialize");
                    LedgerTransaction tooMany = ledger.execute(ContractAddress.of(9), List.of(new ContractCall(to,
                            f.selector(), Collections.nCopies(f.inputFelts() + 1, Felt.ZERO))), Optional.empty());
                    assertThat(tooMany.revertReason().orElse("")).as(f.name() + " with one felt too many")
                            .startsWith("Failed to deserialize");
                }
            }
        }
    }
}
