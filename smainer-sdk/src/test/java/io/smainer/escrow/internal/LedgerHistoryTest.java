package io.smainer.escrow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.LedgerTransaction;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ledger's compact history: every transaction and event comes back as it went in (felts at the edges of
 * their encodings, table entries past one byte, felts that become accounts later), and {@code events()}
 * answers as a plain list of transactions would, checked on random histories and queries.
 */
class LedgerHistoryTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final List<Felt> EDGES = List.of(Felt.ZERO, Felt.ONE, Felt.of(TWO_64.subtract(BigInteger.ONE)),
            Felt.of(TWO_64), Felt.of(BigInteger.ONE.shiftLeft(128)), Felt.of(Felt.PRIME.subtract(BigInteger.ONE)),
            Felt.of(255), Felt.of(256), Felt.of(Long.MAX_VALUE), Felt.of(BigInteger.ONE.shiftLeft(63)),
            Felt.of(ContractAddress.BOUND.subtract(BigInteger.ONE)), Felt.of(ContractAddress.BOUND));
    private static final ContractAddress CONTRACT = ContractAddress.SMAINER_MAINNET;
    private static final ContractAddress TOKEN = ContractAddress.STRK_TOKEN;
    private static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123456789Z");

    private final Set<Felt> accounts = new HashSet<>();
    /** Keeps no transaction as an object: every read decodes. */
    private LedgerHistory history = new LedgerHistory(accounts::contains, 0);
    private List<LedgerTransaction> model = new ArrayList<>();

    private LedgerTransaction add(ContractAddress sender, Optional<String> reason, List<ChainEvent> events) {
        long block = model.size() + 1L;
        Felt hash = Felt.of(new BigInteger(250, new Random(block)));
        List<ChainEvent> placed = new ArrayList<>();
        Map<ContractAddress, Integer> perEmitter = new HashMap<>();
        for (ChainEvent e : events) {
            int index = perEmitter.merge(e.from(), 1, Integer::sum) - 1;
            placed.add(new ChainEvent(e.from(), e.keys(), e.data(), block, index, hash));
        }
        LedgerTransaction tx = new LedgerTransaction(hash, sender, block, T0.plusNanos(block * 1_000_003L), reason,
                placed);
        history.add(tx);
        model.add(tx);
        return tx;
    }

    private static ChainEvent event(ContractAddress from, List<Felt> keys, List<Felt> data) {
        return new ChainEvent(from, keys, data, 0, 0, Felt.ZERO);
    }

    private void assertSameAsModel() {
        assertThat(history.size()).isEqualTo(model.size());
        for (int row = 0; row < model.size(); row++) {
            assertThat(history.transaction(row)).isEqualTo(model.get(row));
            assertThat(history.byHash(model.get(row).hash())).contains(model.get(row));
        }
    }

    @Test
    void givesBackFeltsAtTheEdgesOfEveryEncoding() {
        ContractAddress account = new ContractAddress(Felt.of(new BigInteger(250, new Random(1))));
        accounts.add(account.felt());
        Felt selector = Abi.selector(Abi.TRANSFER_EVENT);
        List<Felt> all = new ArrayList<>(EDGES);
        all.add(account.felt());
        all.add(CONTRACT.felt());
        add(account, Optional.empty(), List.of(event(CONTRACT, all, all), event(TOKEN, List.of(selector), all),
                event(TOKEN, List.of(), List.of()), event(CONTRACT, List.of(selector, account.felt()), List.of()),
                event(CONTRACT, List.of(), EDGES)));
        assertSameAsModel();
        for (Felt f : all) {
            assertThat(history.events(1, 1, Optional.of(CONTRACT), List.of(List.of(), List.of(f)), 0, 100))
                    .as("events whose second key is %s", f).isEqualTo(expected(1, 1, Optional.of(CONTRACT),
                            List.of(List.of(), List.of(f)), 0, 100));
        }
        assertThat(history.events(1, 1, Optional.of(CONTRACT), List.of(List.of(), List.of(Felt.ONE)), 0, 100))
                .extracting(ChainEvent::index).containsExactly(0);
        assertThat(history.events(1, 1, Optional.of(CONTRACT), List.of(List.of(), List.of(account.felt())), 0, 100))
                .extracting(ChainEvent::index).containsExactly(1);
    }

    @Test
    void keepsARevertedTransactionWithItsReasonAndNoEvents() {
        LedgerTransaction tx = add(ContractAddress.of(7), Optional.of("Task cannot be cancelled"), List.of());
        assertThat(history.transaction(0)).isEqualTo(tx);
        assertThat(history.transaction(0).timestamp()).isEqualTo(T0.plusNanos(1_000_003L));
        assertThat(history.transaction(0).revertReason()).contains("Task cannot be cancelled");
        assertThat(history.events(0, Long.MAX_VALUE, Optional.empty(), List.of(), 0, 100)).isEmpty();
    }

    @Test
    void numbersManyEventsOfOneTransactionPerEmitter() {
        List<ChainEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            events.add(event(i % 3 == 0 ? TOKEN : CONTRACT, List.of(Abi.selector(Abi.TRANSFER_EVENT), Felt.of(i)),
                    List.of(Felt.of(BigInteger.valueOf(i).shiftLeft(200)))));
        }
        add(ContractAddress.of(7), Optional.empty(), events);
        assertSameAsModel();
        List<ChainEvent> token = history.events(1, 1, Optional.of(TOKEN), List.of(), 0, 10_000);
        assertThat(token).hasSize(1_000);
        assertThat(token.get(999).index()).isEqualTo(999);
        assertThat(history.events(1, 1, Optional.empty(), List.of(), 2_998, 10).get(1).index()).isEqualTo(1_999);
    }

    @Test
    void namesMoreThanAHundredAndTwentyEightTableEntries() {
        for (int i = 0; i < 300; i++) {
            ContractAddress emitter = ContractAddress.of(0x1000 + i);
            add(ContractAddress.of(0x9000 + i), Optional.empty(), List.of(event(emitter,
                    List.of(Felt.of(BigInteger.valueOf(i).shiftLeft(100)), Felt.of(i)), List.of(Felt.of(i)))));
        }
        assertSameAsModel();
        ContractAddress late = ContractAddress.of(0x1000 + 299);
        assertThat(history.events(1, 300, Optional.of(late), List.of(), 0, 10)).isEqualTo(model.get(299).events());
        assertThat(history.events(1, 300, Optional.empty(),
                List.of(List.of(Felt.of(BigInteger.valueOf(250).shiftLeft(100)))), 0, 10)).isEqualTo(
                model.get(250).events());
    }

    @Test
    void findsAFeltWrittenInlineBeforeItBecameAnAccountAndByIndexAfter() {
        Felt address = Felt.of(new BigInteger(250, new Random(9)));
        Felt selector = Abi.selector(Abi.TRANSFER_EVENT);
        add(ContractAddress.of(7), Optional.empty(), List.of(event(TOKEN, List.of(selector, address), List.of(address))));
        accounts.add(address);
        add(ContractAddress.of(7), Optional.empty(), List.of(event(TOKEN, List.of(selector, address), List.of(address))));
        assertSameAsModel();
        assertThat(history.events(1, 2, Optional.of(TOKEN), List.of(List.of(), List.of(address)), 0, 10))
                .extracting(ChainEvent::block).containsExactly(1L, 2L);
    }

    @Test
    void findsEveryTransactionByHashAmongThousands() {
        Random random = new Random(5);
        List<Felt> hashes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Felt hash = switch (i % 4) {
                case 0 -> Felt.of(i);
                case 1 -> Felt.of(Felt.PRIME.subtract(BigInteger.valueOf(i)));
                default -> Felt.of(new BigInteger(251, random));
            };
            hashes.add(hash);
            history.add(new LedgerTransaction(hash, ContractAddress.of(7), i + 1L, T0, Optional.empty(), List.of()));
        }
        for (int i = 0; i < hashes.size(); i++) {
            assertThat(history.contains(hashes.get(i))).isTrue();
            assertThat(history.byHash(hashes.get(i)).map(LedgerTransaction::block)).contains(i + 1L);
        }
        assertThat(history.contains(Felt.of(4_996))).isTrue();
        assertThat(history.contains(Felt.of(4_999))).isFalse();
        assertThat(history.byHash(Felt.of(new BigInteger(251, random)))).isEmpty();
    }

    @Test
    void refusesAUsedHashAndABlockOutOfTurn() {
        LedgerTransaction tx = add(ContractAddress.of(7), Optional.empty(), List.of());
        assertThatThrownBy(() -> history.add(new LedgerTransaction(tx.hash(), tx.sender(), 2, T0, Optional.empty(),
                List.of()))).isInstanceOf(InvalidFieldException.class).hasMessageContaining("transaction_hash");
        assertThatThrownBy(() -> history.add(new LedgerTransaction(Felt.of(99), tx.sender(), 3, T0, Optional.empty(),
                List.of()))).isInstanceOf(InvalidFieldException.class).hasMessageContaining("block");
        assertThat(history.size()).isEqualTo(1);
    }

    @Test
    void refusesEventsNumberedOtherThanTheHistoryNumbersThem() {
        Felt hash = Felt.of(5);
        List<Felt> keys = List.of(Abi.selector(Abi.TRANSFER_EVENT));
        for (ChainEvent bad : List.of(new ChainEvent(TOKEN, keys, List.of(), 1, 1, hash),
                new ChainEvent(TOKEN, keys, List.of(), 2, 0, hash), new ChainEvent(TOKEN, keys, List.of(), 1, 0, Felt.ONE))) {
            assertThatThrownBy(() -> history.add(new LedgerTransaction(hash, TOKEN, 1, T0, Optional.empty(), List.of(bad))))
                    .isInstanceOf(InvalidFieldException.class).hasMessageContaining("events");
        }
        assertThat(history.size()).isZero();
    }

    @Test
    void answersRandomEventQueriesAsAListOfTransactionsWould() {
        for (int recent : new int[] {0, 16, LedgerHistory.DEFAULT_RECENT}) {
            accounts.clear();
            history = new LedgerHistory(accounts::contains, recent);
            model = new ArrayList<>();
            randomHistoryAndQueries(new Random(20261125 + recent));
        }
    }

    private void randomHistoryAndQueries(Random random) {
        List<ContractAddress> emitters = List.of(CONTRACT, TOKEN, ContractAddress.of(0x77));
        List<Felt> pool = new ArrayList<>(EDGES);
        for (int i = 0; i < 6; i++) {
            pool.add(Felt.of(new BigInteger(250, random)));
        }
        List<Felt> selectors = List.of(Abi.selector(Abi.TRANSFER_EVENT), Abi.selector(Abi.TASK_CREATED),
                Abi.selector(Abi.PAYOUT_RELEASED));
        for (int t = 0; t < 400; t++) {
            if (random.nextInt(10) == 0) {
                accounts.add(pool.get(random.nextInt(pool.size()))); // some felts become accounts as it goes
            }
            if (random.nextInt(8) == 0) {
                add(ContractAddress.of(1 + random.nextInt(3)), Optional.of("reverted " + t), List.of());
                continue;
            }
            List<ChainEvent> events = new ArrayList<>();
            int n = random.nextInt(12);
            for (int e = 0; e < n; e++) {
                List<Felt> keys = new ArrayList<>();
                int k = random.nextInt(5);
                for (int i = 0; i < k; i++) {
                    keys.add(i == 0 ? selectors.get(random.nextInt(selectors.size())) : pick(random, pool));
                }
                List<Felt> data = new ArrayList<>();
                int d = random.nextInt(6);
                for (int i = 0; i < d; i++) {
                    data.add(pick(random, pool));
                }
                events.add(event(emitters.get(random.nextInt(emitters.size())), keys, data));
            }
            add(ContractAddress.of(1 + random.nextInt(3)), Optional.empty(), events);
        }
        assertSameAsModel();
        List<ContractAddress> filters = new ArrayList<>(emitters);
        filters.add(ContractAddress.of(0x78)); // emitted nothing
        for (int q = 0; q < 3_000; q++) {
            long fromBlock = random.nextInt(420) - 10;
            long toBlock = random.nextInt(4) == 0 ? Long.MAX_VALUE : fromBlock + random.nextInt(60);
            Optional<ContractAddress> from = random.nextBoolean() ? Optional.empty()
                    : Optional.of(filters.get(random.nextInt(filters.size())));
            List<List<Felt>> keys = new ArrayList<>();
            int positions = random.nextInt(4);
            for (int i = 0; i < positions; i++) {
                List<Felt> accepted = new ArrayList<>();
                int a = random.nextInt(3);
                for (int j = 0; j < a; j++) {
                    accepted.add(i == 0 && random.nextBoolean() ? selectors.get(random.nextInt(selectors.size()))
                            : pick(random, pool));
                }
                keys.add(accepted);
            }
            int skip = random.nextInt(3) == 0 ? 0 : random.nextInt(40);
            int max = random.nextInt(5) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(30);
            assertThat(history.events(fromBlock, toBlock, from, keys, skip, max))
                    .as("events(%d, %d, %s, %s, %d, %d)", fromBlock, toBlock, from, keys, skip, max)
                    .isEqualTo(expected(fromBlock, toBlock, from, keys, skip, max));
        }
    }

    private static Felt pick(Random random, List<Felt> pool) {
        return random.nextInt(4) == 0 ? Felt.of(random.nextInt(1_000)) : pool.get(random.nextInt(pool.size()));
    }

    /** What the machine answered when it kept a list of transactions: the straightforward model. */
    private List<ChainEvent> expected(long fromBlock, long toBlock, Optional<ContractAddress> from,
            List<List<Felt>> keys, int skip, int max) {
        List<ChainEvent> out = new ArrayList<>();
        long last = Math.min(toBlock, model.size());
        int skipped = 0;
        for (long b = Math.max(1, fromBlock); b <= last && out.size() < max; b++) {
            for (ChainEvent e : model.get((int) (b - 1)).events()) {
                if (from.isPresent() && !from.get().equals(e.from()) || !keysMatch(keys, e.keys())) {
                    continue;
                }
                if (skipped < skip) {
                    skipped++;
                    continue;
                }
                if (out.size() >= max) {
                    break;
                }
                out.add(e);
            }
        }
        return out;
    }

    private static boolean keysMatch(List<List<Felt>> filter, List<Felt> keys) {
        for (int i = 0; i < filter.size(); i++) {
            List<Felt> accepted = filter.get(i);
            if (!accepted.isEmpty() && (i >= keys.size() || !accepted.contains(keys.get(i)))) {
                return false;
            }
        }
        return true;
    }
}
