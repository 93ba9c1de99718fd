package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random operations by several actors on the ledger (creates, cancels, flat, effort and
 * affiliate settlements with valid and forged receipts, replays, batches, registry and pause changes),
 * each checked against a small model of the contract: the outcome (or the revert reason), and after
 * every operation the invariants: the token supply is constant, the contract holds exactly the sum of the
 * open escrows, every balance is what the model expects, and no task is paid twice.
 */
class LedgerRandomizedTest {
    private static final int OPERATIONS = 10_000;
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress OWNER = ContractAddress.of(0x0a11);
    private static final ContractAddress RELAYER = ContractAddress.of(0x0a12);
    private static final ContractAddress TREASURY = ContractAddress.of(0x0a13);
    private static final ContractAddress AFFILIATE = ContractAddress.of(0x0a18);
    private static final ContractAddress STRANGER = ContractAddress.of(0x0a19);
    private static final List<ContractAddress> DEMANDERS =
            List.of(ContractAddress.of(0x0d01), ContractAddress.of(0x0d02), ContractAddress.of(0x0d03));
    private static final ContractAddress POOR = ContractAddress.of(0x0d04);
    private static final List<ContractAddress> PROVIDERS =
            List.of(ContractAddress.of(0x0e01), ContractAddress.of(0x0e02), ContractAddress.of(0x0e03));

    /** The model of the contract, to predict outcomes. */
    private static final class Model {
        record Task(ContractAddress creator, BigInteger amount, EscrowStatus status) {
        }

        final Map<ContractAddress, BigInteger> balances = new HashMap<>();
        final Map<U256, Task> tasks = new LinkedHashMap<>();
        final Map<ContractAddress, NodeStatus> nodes = new HashMap<>();
        final Map<ContractAddress, Felt> keys = new HashMap<>();
        final Set<Signature> used = new HashSet<>();
        final Set<U256> paid = new HashSet<>();
        boolean paused;

        private final ArrayDeque<Runnable> undo = new ArrayDeque<>();
        BigInteger open = BigInteger.ZERO;

        /** Forgets the undo log: what was applied stays. */
        void commit() {
            undo.clear();
        }

        /** Undoes everything applied since the last commit. */
        void rollback() {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
        }

        void move(ContractAddress from, ContractAddress to, BigInteger amount) {
            balances.merge(from, amount.negate(), BigInteger::add);
            balances.merge(to, amount, BigInteger::add);
            undo.push(() -> {
                balances.merge(to, amount.negate(), BigInteger::add);
                balances.merge(from, amount, BigInteger::add);
            });
        }

        void putTask(U256 id, Task t) {
            Task old = tasks.put(id, t);
            BigInteger before = open;
            if (old != null && old.status == EscrowStatus.CREATED) {
                open = open.subtract(old.amount);
            }
            if (t.status == EscrowStatus.CREATED) {
                open = open.add(t.amount);
            }
            undo.push(() -> {
                if (old == null) {
                    tasks.remove(id);
                } else {
                    tasks.put(id, old);
                }
                open = before;
            });
        }

        /** Applies one settlement as the contract would; returns the revert reason, if any. */
        Optional<String> settle(ContractAddress caller, Settlement s, boolean validSignature, ContractAddress contract,
                ContractAddress treasury) {
            if (paused) {
                return Optional.of(EscrowRevertedException.PAUSED);
            }
            if (!caller.equals(RELAYER)) {
                return Optional.of(EscrowRevertedException.UNAUTHORIZED_RELAYER);
            }
            // smainer.cairo's order: status (an unknown id reads CREATED with amount 0), effort cost, provider,
            // the (r, s) replay guard, the key, the signature
            Task t = tasks.get(s.taskId());
            EscrowStatus status = t == null ? EscrowStatus.CREATED : t.status;
            if (status != EscrowStatus.CREATED) {
                return Optional.of(EscrowRevertedException.INVALID_TASK_STATUS);
            }
            TokenAmount escrow = TokenAmount.ofBaseUnits(t == null ? BigInteger.ZERO : t.amount);
            if (s instanceof Settlement.Effort e && e.actualCost().compareTo(escrow) > 0
                    || s instanceof Settlement.EffortWithAffiliate a && a.actualCost().compareTo(escrow) > 0) {
                return Optional.of(EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
            }
            if (nodes.getOrDefault(s.provider(), NodeStatus.INACTIVE) != NodeStatus.ACTIVE) {
                return Optional.of(EscrowRevertedException.PROVIDER_NOT_ACTIVE);
            }
            Signature sig = s.signature();
            if (used.contains(sig)) {
                return Optional.of(EscrowRevertedException.SIGNATURE_ALREADY_USED);
            }
            if (!keys.containsKey(s.provider())) {
                return Optional.of(EscrowRevertedException.PUBLIC_KEY_NOT_SET);
            }
            if (!validSignature) {
                return Optional.of(EscrowRevertedException.INVALID_SIGNATURE);
            }
            if (t == null) {
                // an unknown task's token is address 0: the first token call finds no contract
                return Optional.of(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
            }
            used.add(sig);
            undo.push(() -> used.remove(sig));
            if (!paid.add(s.taskId())) {
                fail("the model would pay task " + s.taskId() + " twice");
            }
            undo.push(() -> paid.remove(s.taskId()));
            putTask(s.taskId(), new Task(t.creator, t.amount,
                    s instanceof Settlement.Flat ? EscrowStatus.COMPLETED : EscrowStatus.SETTLED));
            if (s instanceof Settlement.Flat) {
                FlatSplit f = FeeMath.flatSplit(escrow);
                move(contract, treasury, f.treasury().baseUnits());
                move(contract, s.provider(), f.providerTotal().baseUnits());
            } else {
                boolean withAffiliate = s instanceof Settlement.EffortWithAffiliate a && !a.affiliate().isZero();
                TokenAmount cost = s instanceof Settlement.Effort e ? e.actualCost()
                        : ((Settlement.EffortWithAffiliate) s).actualCost();
                EffortSplit split = withAffiliate ? FeeMath.affiliateSplit(escrow, cost) : FeeMath.effortSplit(escrow, cost);
                move(contract, s.provider(), split.provider().baseUnits());
                if (withAffiliate) {
                    move(contract, ((Settlement.EffortWithAffiliate) s).affiliate(), split.affiliate().baseUnits());
                }
                move(contract, treasury, split.treasury().baseUnits());
                move(contract, t.creator, split.refund().baseUnits());
            }
            return Optional.empty();
        }
    }

    private static final Map<Settlement, Felt> HASHES = new HashMap<>();

    static Felt receiptHash(Settlement s) {
        Felt known = HASHES.get(s);
        if (known != null) {
            return known;
        }
        if (s instanceof Settlement.Flat) {
            return Receipts.flatHash(CRYPTO, s.taskId(), s.provider(), s.resultHash());
        }
        TokenAmount cost = s instanceof Settlement.Effort e ? e.actualCost() : ((Settlement.EffortWithAffiliate) s).actualCost();
        return Receipts.effortHash(CRYPTO, s.taskId(), s.provider(), s.resultHash(), cost);
    }

    private final long seed = Long.getLong("smainer.random.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).crypto(CRYPTO).build();
    private final Model model = new Model();
    private final Map<ContractAddress, KeyPair> providerKeys = new HashMap<>();
    private final Map<ContractAddress, FixedNonceSigner> signers = new HashMap<>();
    private final FixedNonceSigner forger = new FixedNonceSigner(CRYPTO,
            KeyPair.fromPrivateKey(Felt.parse("0xf0f0f0"), CRYPTO), BigInteger.valueOf(0xabcdef12345L));
    private final List<Settlement> accepted = new ArrayList<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private BigInteger supply = BigInteger.ZERO;
    private int step;

    private Escrow as(ContractAddress a) {
        return ledger.client(a);
    }

    private void mint(ContractAddress a, BigInteger units) {
        ledger.mint(a, TokenAmount.ofBaseUnits(units));
        model.balances.merge(a, units, BigInteger::add);
        supply = supply.add(units);
    }

    @Test
    void tenThousandRandomOperationsKeepTheBooksExact() {
        for (ContractAddress d : DEMANDERS) {
            mint(d, BigInteger.TEN.pow(24));
        }
        mint(POOR, BigInteger.valueOf(5_000_000));
        for (int i = 0; i < PROVIDERS.size(); i++) {
            ContractAddress p = PROVIDERS.get(i);
            KeyPair key = KeyPair.fromPrivateKey(Felt.of(0x7000 + i), CRYPTO);
            providerKeys.put(p, key);
            signers.put(p, new FixedNonceSigner(CRYPTO, key, BigInteger.valueOf(0x1234567 + i)));
            as(p).registerNode();
            as(p).setProviderPublicKey(key.publicKey());
            model.nodes.put(p, NodeStatus.ACTIVE);
            model.keys.put(p, key.publicKey());
        }
        ledger.suspendNode(OWNER, PROVIDERS.get(2));
        model.nodes.put(PROVIDERS.get(2), NodeStatus.SUSPENDED);

        long start = System.nanoTime();
        for (step = 0; step < OPERATIONS; step++) {
            if (model.paused ? random.nextInt(4) == 0 : random.nextInt(400) == 0) {
                togglePause();
            }
            int dice = random.nextInt(100);
            if (dice < 30) {
                create();
            } else if (dice < 38) {
                cancel();
            } else if (dice < 77) {
                settleOne();
            } else if (dice < 85) {
                replay();
            } else if (dice < 99) {
                batch();
            } else {
                toggleProvider();
            }
            checkInvariants(step % 500 == 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        checkInvariants(true);
        checkNoTaskPaidTwiceInTheEvents();
        System.out.printf("LedgerRandomizedTest: %d operations (%d transactions) in %.2f s = %.0f ops/s, seed %d,"
                + " %d tasks, outcomes %s%n", OPERATIONS, ledger.blockNumber(), seconds, OPERATIONS / seconds, seed,
                model.tasks.size(), outcomes);
        assertThat(outcomes.getOrDefault("settle ok", 0)).as("settlements that went through").isGreaterThan(500);
        assertThat(outcomes.getOrDefault("settle " + EscrowRevertedException.INVALID_SIGNATURE, 0)).isPositive();
        assertThat(outcomes.getOrDefault("replay " + EscrowRevertedException.SIGNATURE_ALREADY_USED, 0)).isPositive();
        assertThat(outcomes.getOrDefault("batch ok", 0)).isPositive();
        assertThat(outcomes.keySet().stream().filter(k -> k.startsWith("batch ") && !k.equals("batch ok")).count())
                .isPositive();
    }

    private void count(String what) {
        outcomes.merge(what, 1, Integer::sum);
    }

    private void expectOutcome(String what, Optional<String> expected, Runnable call) {
        try {
            call.run();
            if (expected.isPresent()) {
                fail("step " + step + " (seed " + seed + "): " + what + " went through, expected '" + expected.get() + "'");
            }
            count(what + " ok");
        } catch (EscrowRevertedException e) {
            if (expected.isEmpty() || !expected.get().equals(e.reason())) {
                fail("step " + step + " (seed " + seed + "): " + what + " reverted with '" + e.reason() + "', expected "
                        + expected.map(r -> "'" + r + "'").orElse("success"));
            }
            count(what + " " + e.reason());
        }
    }

    private void create() {
        boolean poor = random.nextInt(10) == 0;
        ContractAddress demander = poor ? POOR : DEMANDERS.get(random.nextInt(DEMANDERS.size()));
        Tier tier = Tier.values()[random.nextInt(3)];
        BigInteger base = switch (random.nextInt(4)) {
            case 0 -> BigInteger.valueOf(random.nextInt(1_000));
            case 1 -> BigInteger.valueOf(random.nextInt(3_000_000));
            default -> new BigInteger(70, random);
        };
        BigInteger adjusted = FeeMath.adjust(TokenAmount.ofBaseUnits(base), tier).baseUnits();
        Optional<String> expected = model.paused ? Optional.of(EscrowRevertedException.PAUSED)
                : base.signum() == 0 ? Optional.of(EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE)
                : model.balances.getOrDefault(demander, BigInteger.ZERO).compareTo(adjusted) < 0
                        ? Optional.of(EscrowRevertedException.INSUFFICIENT_BALANCE) : Optional.empty();
        expectOutcome("create", expected, () -> {
            CreatedTask t = as(demander).createTask(ledger.token(), TokenAmount.ofBaseUnits(base), tier,
                    Felt.of(random.nextInt(Integer.MAX_VALUE)));
            assertThat(t.escrowed().baseUnits()).isEqualTo(adjusted);
            assertThat(t.escrowId()).isEqualTo(U256.of(model.tasks.size() + 1));
            model.putTask(t.escrowId(), new Model.Task(demander, adjusted, EscrowStatus.CREATED));
            model.move(demander, ledger.contract(), adjusted);
            model.commit();
        });
    }

    private U256 pickTask() {
        int n = model.tasks.size();
        if (n == 0 || random.nextInt(20) == 0) {
            return U256.of(n + 1 + random.nextInt(3));
        }
        if (random.nextInt(3) != 0) {
            // mostly an open one among the recent tasks
            List<U256> open = new ArrayList<>();
            for (long id = n; id > Math.max(0, n - 60); id--) {
                if (model.tasks.get(U256.of(id)).status() == EscrowStatus.CREATED) {
                    open.add(U256.of(id));
                }
            }
            if (!open.isEmpty()) {
                return open.get(random.nextInt(open.size()));
            }
        }
        return U256.of(1 + random.nextInt(n));
    }

    private void cancel() {
        U256 id = pickTask();
        Model.Task t = model.tasks.get(id);
        ContractAddress caller = t != null && random.nextInt(5) != 0 ? t.creator()
                : DEMANDERS.get(random.nextInt(DEMANDERS.size()));
        Optional<String> expected;
        if (model.paused) {
            expected = Optional.of(EscrowRevertedException.PAUSED);
        } else if (t == null || !t.creator().equals(caller)) {
            expected = Optional.of(EscrowRevertedException.ONLY_CREATOR_CAN_CANCEL);
        } else if (t.status() != EscrowStatus.CREATED) {
            expected = Optional.of(EscrowRevertedException.TASK_CANNOT_BE_CANCELLED);
        } else {
            expected = Optional.empty();
        }
        expectOutcome("cancel", expected, () -> {
            as(caller).cancelTask(id);
            model.putTask(id, new Model.Task(t.creator(), t.amount(), EscrowStatus.CANCELLED));
            model.move(ledger.contract(), t.creator(), t.amount());
            model.commit();
        });
    }

    /** A settlement and whether its signature is the registered key's. */
    private record Receipt(Settlement settlement, boolean valid) {
    }

    private Receipt randomReceipt() {
        U256 id = pickTask();
        ContractAddress provider = PROVIDERS.get(random.nextInt(10) < 8 ? random.nextInt(2) : 2);
        boolean forged = random.nextInt(8) == 0;
        FixedNonceSigner signer = forged ? forger : signers.get(provider);
        Felt result = Felt.of(random.nextLong() & Long.MAX_VALUE);
        Model.Task t = model.tasks.get(id);
        BigInteger escrow = t == null ? BigInteger.valueOf(1_000) : t.amount();
        BigInteger cost = random.nextInt(10) == 0 ? escrow.add(BigInteger.ONE)
                : escrow.signum() == 0 ? BigInteger.ZERO : new BigInteger(escrow.bitLength() + 1, random).mod(escrow.add(BigInteger.ONE));
        int score = 10_000 + random.nextInt(65_001);
        TokenAmount actual = TokenAmount.ofBaseUnits(cost);
        Felt h1 = Receipts.flatHash(CRYPTO, id, provider, result);
        int kind = random.nextInt(3);
        Felt hash = kind == 0 ? h1 : CRYPTO.pedersen(h1, Felt.of(cost.mod(Felt.PRIME)));
        Signature sig = signer.sign(hash);
        Settlement s = switch (kind) {
            case 0 -> new Settlement.Flat(id, provider, result, sig);
            case 1 -> new Settlement.Effort(id, provider, result, actual, score, sig);
            default -> new Settlement.EffortWithAffiliate(id, provider,
                    random.nextInt(4) == 0 ? ContractAddress.ZERO : AFFILIATE, result, actual, score, sig);
        };
        HASHES.put(s, hash);
        boolean valid = !forged && model.keys.containsKey(provider)
                && model.keys.get(provider).equals(providerKeys.get(provider).publicKey());
        return new Receipt(s, valid);
    }

    private void settleOne() {
        Receipt r = randomReceipt();
        ContractAddress caller = random.nextInt(25) == 0 ? STRANGER : RELAYER;
        Optional<String> expected = model.settle(caller, r.settlement(), r.valid(), ledger.contract(), TREASURY);
        settleOnChain("settle", expected, () -> as(caller).settle(r.settlement()), List.of(r.settlement()));
    }

    /** The model applied the settlements already when {@code expected} is empty; keep or undo that. */
    private void settleOnChain(String what, Optional<String> expected, Runnable call, List<Settlement> settlements) {
        try {
            expectOutcome(what, expected, () -> {
                call.run();
                accepted.addAll(settlements);
            });
        } finally {
            if (expected.isPresent()) {
                model.rollback();
            } else {
                model.commit();
            }
        }
    }

    private void replay() {
        if (accepted.isEmpty()) {
            return;
        }
        Settlement paid = accepted.get(random.nextInt(accepted.size()));
        // the receipt again (its task is paid: 'Invalid task status'), or its (r, s) on another task, where the
        // replay guard answers if the status lets the call get that far
        Settlement s = random.nextBoolean() ? paid
                : new Settlement.Flat(pickTask(), paid.provider(), paid.resultHash(), paid.signature());
        Optional<String> expected = model.settle(RELAYER, s, s == paid, ledger.contract(), TREASURY);
        assertThat(expected).as("a replay never goes through").isPresent();
        model.rollback();
        expectOutcome("replay", expected, () -> as(RELAYER).settle(s));
    }

    private void batch() {
        int size = 2 + random.nextInt(5);
        List<Settlement> settlements = new ArrayList<>();
        Optional<String> expected = Optional.empty();
        for (int i = 0; i < size; i++) {
            Receipt r = random.nextInt(12) == 0 && !accepted.isEmpty()
                    ? new Receipt(accepted.get(random.nextInt(accepted.size())), true) : randomReceipt();
            settlements.add(r.settlement());
            if (expected.isEmpty()) {
                expected = model.settle(RELAYER, r.settlement(), r.valid(), ledger.contract(), TREASURY);
            }
        }
        settleOnChain("batch", expected, () -> as(RELAYER).settleBatch(settlements), settlements);
    }

    private void toggleProvider() {
        ContractAddress p = PROVIDERS.get(1);
        if (model.nodes.get(p) == NodeStatus.ACTIVE) {
            // deactivate_node is pause-gated (smainer.cairo 311)
            expectOutcome("deactivate", model.paused ? Optional.of(EscrowRevertedException.PAUSED) : Optional.empty(), () -> {
                as(p).deactivateNode();
                model.nodes.put(p, NodeStatus.INACTIVE);
            });
        } else {
            expectOutcome("register", model.paused ? Optional.of(EscrowRevertedException.PAUSED) : Optional.empty(), () -> {
                as(p).registerNode();
                model.nodes.put(p, NodeStatus.ACTIVE);
            });
        }
    }

    private void togglePause() {
        if (model.paused) {
            ledger.unpause(OWNER);
        } else {
            ledger.pause(OWNER);
        }
        model.paused = !model.paused;
        count(model.paused ? "pause" : "unpause");
    }

    private void checkInvariants(boolean full) {
        BigInteger total = BigInteger.ZERO;
        for (Map.Entry<ContractAddress, BigInteger> e : model.balances.entrySet()) {
            BigInteger onChain = ledger.balanceOf(e.getKey()).baseUnits();
            if (!onChain.equals(e.getValue())) {
                fail("step " + step + " (seed " + seed + "): balance of " + e.getKey() + " is " + onChain + ", expected "
                        + e.getValue());
            }
            total = total.add(onChain);
        }
        if (!total.equals(supply) || !ledger.totalSupply().baseUnits().equals(supply)) {
            fail("step " + step + ": the supply moved: " + total + " held, " + ledger.totalSupply() + " minted, " + supply);
        }
        BigInteger open = model.open;
        if (!ledger.balanceOf(ledger.contract()).baseUnits().equals(open)) {
            fail("step " + step + ": the contract holds " + ledger.balanceOf(ledger.contract()) + ", open escrows " + open);
        }
        if (full) {
            BigInteger onChainOpen = BigInteger.ZERO;
            Escrow reader = as(STRANGER);
            assertThat(reader.taskCount()).isEqualTo(U256.of(model.tasks.size()));
            for (Map.Entry<U256, Model.Task> e : model.tasks.entrySet()) {
                EscrowTask t = reader.getTask(e.getKey()).orElseThrow();
                assertThat(t.status()).as("status of task " + e.getKey()).isEqualTo(e.getValue().status());
                if (t.status() == EscrowStatus.CREATED) {
                    onChainOpen = onChainOpen.add(t.amount().baseUnits());
                }
            }
            assertThat(onChainOpen).isEqualTo(ledger.balanceOf(ledger.contract()).baseUnits());
        }
    }

    private void checkNoTaskPaidTwiceInTheEvents() {
        Set<U256> paid = new HashSet<>();
        Set<U256> cancelled = new HashSet<>();
        for (EscrowEvent e : as(STRANGER).eventsAfter(EventCursor.START)) {
            if (e instanceof EscrowEvent.TaskSettled s) {
                assertThat(paid.add(s.taskId())).as("task " + s.taskId() + " paid once").isTrue();
                assertThat(cancelled).doesNotContain(s.taskId());
            } else if (e instanceof EscrowEvent.TaskCancelled c) {
                assertThat(cancelled.add(c.taskId())).isTrue();
                assertThat(paid).doesNotContain(c.taskId());
            }
        }
        assertThat(paid).isEqualTo(model.paid);
    }
}
