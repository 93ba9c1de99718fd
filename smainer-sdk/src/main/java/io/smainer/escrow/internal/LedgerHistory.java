package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.LedgerTransaction;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The ledger's executed transactions, one per block, kept compactly: a transaction is a row in paged
 * primitive columns (hash, sender, time) and its events are bytes in an append-only log; the public
 * {@link LedgerTransaction} and {@link ChainEvent} objects are made only when asked for. Before, the history
 * held about 20 small objects per event (lists, felts, big integers), two thirds of a local relayer's heap
 * and most of what its young collections copied.
 *
 * <p>Felts that repeat are kept once in a table and named by index: every emitter, every event's first
 * key (its selector), every sender, and any other felt wider than 8 bytes that the given predicate calls
 * an account (the machine's: an address with a token balance), so the table holds at most one entry per
 * account the machine already tracks. Any other felt is written inline as its minimal big-endian bytes,
 * so amounts and task ids take a few bytes. A felt may be inline in older events and in the table in newer
 * ones (an address that got its first balance later); the filters accept both forms.
 *
 * <p>The latest {@value #DEFAULT_RECENT} transactions are also kept as the objects they came as (bounded: a
 * few hundred kilobytes at most in practice), so that a poller reading the tail of the chain, or a receipt
 * asked for just after its transaction, costs what it did before; older ones are decoded when read.
 *
 * <p>Event bytes of a transaction: {@code varint count}, then per event {@code varint length} of the rest
 * of the event, the emitter, {@code varint keys}, the keys, {@code varint data}, the data. A felt is a tag
 * byte: {@code 0..32} inline with that many bytes following; {@code 0x80 | i} table entry {@code i < 128};
 * {@code 0x40} table entry with a varint index following.
 *
 * <p>Not thread-safe: the ledger's lock serialises every call, as for the rest of the machine. Not API.
 */
final class LedgerHistory {
    private static final int PAGE_BITS = 10;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int CHUNK = 256 * 1024;
    private static final int TAG_WIDE_REF = 0x40;
    private static final int TAG_REF = 0x80;
    private static final int MAX_INLINE = 32;
    /** How many of the latest transactions are also kept as objects, unless told: the tail a poller reads. */
    static final int DEFAULT_RECENT = 128;

    /** One page of transaction rows. */
    private static final class Page {
        final long[] hash = new long[4 * PAGE];
        final long[] seconds = new long[PAGE];
        final int[] nanos = new int[PAGE];
        final int[] sender = new int[PAGE];
        /** Where the events start in the log ({@code chunk << 32 | offset}), -1 for none. */
        final long[] events = new long[PAGE];
    }

    private final Predicate<Felt> account;
    // the felt table
    private final List<Felt> table = new ArrayList<>();
    private final List<ContractAddress> tableAddresses = new ArrayList<>();
    private final Map<Felt, Integer> tableIndex = new HashMap<>();
    // the rows
    private final List<Page> pages = new ArrayList<>();
    private final Map<Integer, String> revertReasons = new HashMap<>();
    private final int recentCount;
    private final LedgerTransaction[] recent;
    private int size;
    // hash -> row + 1, open addressing, at most half full
    private int[] slots = new int[1024];
    // the event log
    private final List<byte[]> chunks = new ArrayList<>();
    private int chunkUsed = CHUNK;
    // the encoder's scratch buffer
    private byte[] out = new byte[1024];
    private int outLen;

    /**
     * @param account whether a felt (wider than 8 bytes, below 2^251) is an account's address worth a table
     *     entry; read at the time a transaction is added
     */
    LedgerHistory(Predicate<Felt> account) {
        this(account, DEFAULT_RECENT);
    }

    /**
     * @param account as above
     * @param recentCount how many of the latest transactions to keep as objects too (0: none, every read decodes)
     */
    LedgerHistory(Predicate<Felt> account, int recentCount) {
        this.account = account;
        this.recentCount = recentCount;
        this.recent = new LedgerTransaction[Math.max(1, recentCount)];
    }

    /** @return how many transactions are kept */
    int size() {
        return size;
    }

    /**
     * @param hash a transaction hash
     * @return true when a kept transaction has it
     */
    boolean contains(Felt hash) {
        return find(words(hash)) >= 0;
    }

    /**
     * Keeps a transaction. Its block must be the next one ({@link #size()} + 1).
     *
     * @param tx the transaction
     */
    void add(LedgerTransaction tx) {
        if (tx.block() != size + 1L) {
            throw new InvalidFieldException("block", "block " + (size + 1L) + ", one transaction per block", tx.block());
        }
        long[] h = words(tx.hash());
        if (find(h) >= 0) {
            throw new InvalidFieldException("transaction_hash", "a hash not used before", tx.hash());
        }
        int row = size;
        if ((row & (PAGE - 1)) == 0) {
            pages.add(new Page());
        }
        Page p = pages.get(row >>> PAGE_BITS);
        int at = row & (PAGE - 1);
        System.arraycopy(h, 0, p.hash, 4 * at, 4);
        p.seconds[at] = tx.timestamp().getEpochSecond();
        p.nanos[at] = tx.timestamp().getNano();
        p.sender[at] = intern(tx.sender().felt());
        tx.revertReason().ifPresent(r -> revertReasons.put(row, r));
        p.events[at] = tx.events().isEmpty() ? -1 : append(encode(tx));
        if (recentCount > 0) {
            recent[row % recentCount] = tx;
        }
        size++;
        if (size * 2 > slots.length) {
            rehash(slots.length * 2); // takes the new row with the others
        } else {
            insert(h, row);
        }
    }

    /**
     * @param hash a transaction hash
     * @return the transaction with it
     */
    Optional<LedgerTransaction> byHash(Felt hash) {
        int row = find(words(hash));
        return row < 0 ? Optional.empty() : Optional.of(transaction(row));
    }

    /**
     * @param row from 0: the transaction of block {@code row + 1}
     * @return the transaction, with its events
     */
    LedgerTransaction transaction(int row) {
        LedgerTransaction cached = recent(row);
        if (cached != null) {
            return cached;
        }
        Page p = pages.get(row >>> PAGE_BITS);
        int at = row & (PAGE - 1);
        Felt hash = felt(p.hash, 4 * at);
        long block = row + 1L;
        List<ChainEvent> events = new ArrayList<>();
        if (p.events[at] >= 0) {
            Reader r = reader(p.events[at]);
            int count = r.varint();
            int[] perEmitter = new int[count * 2];
            int emitters = 0;
            for (int i = 0; i < count; i++) {
                r.varint(); // the event's length
                int emitter = r.ref();
                int index = 0;
                int e = 0;
                while (e < emitters && perEmitter[2 * e] != emitter) {
                    e++;
                }
                if (e == emitters) {
                    perEmitter[2 * e] = emitter;
                    emitters++;
                } else {
                    index = perEmitter[2 * e + 1];
                }
                perEmitter[2 * e + 1] = index + 1;
                events.add(new ChainEvent(address(emitter), r.felts(), r.felts(), block, index, hash));
            }
        }
        return new LedgerTransaction(hash, address(p.sender[at]), block,
                Instant.ofEpochSecond(p.seconds[at], p.nanos[at]), Optional.ofNullable(revertReasons.get(row)), events);
    }

    /** @return the transaction of a row when it is among the latest kept as objects, else null */
    private LedgerTransaction recent(int row) {
        return row >= size - recentCount ? recent[row % recentCount] : null;
    }

    /**
     * Events of blocks {@code [fromBlock, toBlock]} (clamped to the history), oldest first, filtered by
     * emitter and keys; only the events returned are made into objects.
     *
     * @param fromBlock first block
     * @param toBlock last block
     * @param from the emitter, or empty for all
     * @param keys per key position the accepted values (an empty list accepts any)
     * @param skip how many matching events to skip
     * @param max the most to return
     * @return the events
     */
    List<ChainEvent> events(long fromBlock, long toBlock, Optional<ContractAddress> from, List<List<Felt>> keys,
            int skip, int max) {
        List<ChainEvent> found = new ArrayList<>();
        int wanted = -1;
        if (from.isPresent()) {
            Integer i = tableIndex.get(from.get().felt());
            if (i == null) {
                return found; // every emitter is in the table: this one emitted nothing
            }
            wanted = i;
        }
        Matcher[] matchers = new Matcher[keys.size()];
        for (int k = 0; k < matchers.length; k++) {
            matchers[k] = keys.get(k).isEmpty() ? null : new Matcher(keys.get(k));
        }
        long last = Math.min(toBlock, size);
        int skipped = 0;
        int[] perEmitter = new int[16];
        for (long b = Math.max(1, fromBlock); b <= last && found.size() < max; b++) {
            int row = (int) (b - 1);
            LedgerTransaction cached = recent(row);
            if (cached != null) {
                for (ChainEvent e : cached.events()) {
                    if (found.size() >= max) {
                        break;
                    }
                    if (from.isPresent() && !from.get().equals(e.from()) || !keysMatch(keys, e.keys())) {
                        continue;
                    }
                    if (skipped < skip) {
                        skipped++;
                        continue;
                    }
                    found.add(e);
                }
                continue;
            }
            Page p = pages.get(row >>> PAGE_BITS);
            int at = row & (PAGE - 1);
            if (p.events[at] < 0) {
                continue;
            }
            Reader r = reader(p.events[at]);
            int count = r.varint();
            int emitters = 0;
            Felt hash = null;
            for (int i = 0; i < count && found.size() < max; i++) {
                int length = r.varint();
                int end = r.pos + length;
                int emitter = r.ref();
                int index;
                if (wanted >= 0) {
                    if (emitter != wanted) {
                        r.pos = end;
                        continue;
                    }
                    index = emitters++;
                } else {
                    int e = 0;
                    while (e < emitters && perEmitter[2 * e] != emitter) {
                        e++;
                    }
                    if (e == emitters) {
                        if (2 * e + 1 >= perEmitter.length) {
                            perEmitter = Arrays.copyOf(perEmitter, perEmitter.length * 2);
                        }
                        perEmitter[2 * e] = emitter;
                        perEmitter[2 * e + 1] = 0;
                        emitters++;
                    }
                    index = perEmitter[2 * e + 1]++;
                }
                int keysAt = r.pos;
                if (!keysMatch(r, matchers)) {
                    r.pos = end;
                    continue;
                }
                if (skipped < skip) {
                    skipped++;
                    r.pos = end;
                    continue;
                }
                r.pos = keysAt;
                if (hash == null) {
                    hash = felt(p.hash, 4 * at);
                }
                found.add(new ChainEvent(address(emitter), r.felts(), r.felts(), b, index, hash));
                r.pos = end;
            }
        }
        return found;
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

    private boolean keysMatch(Reader r, Matcher[] matchers) {
        if (matchers.length == 0) {
            return true;
        }
        int n = r.varint();
        for (int k = 0; k < matchers.length; k++) {
            if (matchers[k] == null) {
                if (k < n) {
                    r.skipFelt();
                }
                continue;
            }
            if (k >= n || !matchers[k].matches(r)) {
                return false;
            }
        }
        return true;
    }

    /** The accepted values of one key position, in both forms a felt can have in the log. */
    private final class Matcher {
        private final int[] refs;
        private final byte[][] inline;

        Matcher(List<Felt> accepted) {
            refs = accepted.stream().map(tableIndex::get).filter(i -> i != null).mapToInt(Integer::intValue).toArray();
            inline = accepted.stream().map(f -> magnitude(f.value())).toArray(byte[][]::new);
        }

        /** Reads one felt and tells whether it is accepted. */
        boolean matches(Reader r) {
            int tag = r.buf[r.pos] & 0xff;
            if (tag <= MAX_INLINE) {
                int start = r.pos + 1;
                r.pos = start + tag;
                for (byte[] m : inline) {
                    if (m.length == tag && Arrays.equals(m, 0, tag, r.buf, start, start + tag)) {
                        return true;
                    }
                }
                return false;
            }
            int ref = r.ref();
            for (int i : refs) {
                if (i == ref) {
                    return true;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes a transaction's events, checking that they are numbered as the history will number them. */
    private byte[] encode(LedgerTransaction tx) {
        List<ChainEvent> events = tx.events();
        outLen = 0;
        writeVarint(events.size());
        int[] perEmitter = new int[events.size() * 2];
        int emitters = 0;
        for (ChainEvent e : events) {
            int emitter = intern(e.from().felt());
            int seen = 0;
            while (seen < emitters && perEmitter[2 * seen] != emitter) {
                seen++;
            }
            if (seen == emitters) {
                perEmitter[2 * seen] = emitter;
                emitters++;
            }
            int index = perEmitter[2 * seen + 1]++;
            if (e.index() != index || e.block() != tx.block() || !e.txHash().equals(tx.hash())) {
                throw new InvalidFieldException("events", "events of the transaction's block and hash, numbered from 0 "
                        + "per emitter", e);
            }
            int start = outLen;
            writeRef(emitter);
            writeVarint(e.keys().size());
            for (int k = 0; k < e.keys().size(); k++) {
                writeFelt(e.keys().get(k), k == 0);
            }
            writeVarint(e.data().size());
            for (Felt f : e.data()) {
                writeFelt(f, false);
            }
            // the length goes before the body: move the body up by the length's varint size, then write it
            int length = outLen - start;
            int lengthBytes = (38 - Integer.numberOfLeadingZeros(length | 1)) / 7;
            ensure(lengthBytes);
            System.arraycopy(out, start, out, start + lengthBytes, length);
            outLen = start;
            writeVarint(length);
            outLen += length;
        }
        return Arrays.copyOf(out, outLen);
    }

    private void writeFelt(Felt f, boolean alwaysIntern) {
        BigInteger v = f.value();
        if (alwaysIntern) {
            writeRef(intern(f));
            return;
        }
        Integer ref = tableIndex.get(f);
        if (ref == null && v.bitLength() > 64 && v.bitLength() <= 251 && account.test(f)) {
            ref = intern(f);
        }
        if (ref != null) {
            writeRef(ref);
            return;
        }
        if (v.bitLength() < 64) {
            long x = v.longValue();
            int n = (71 - Long.numberOfLeadingZeros(x)) >>> 3; // bytes needed, 0 for zero
            ensure(n + 1);
            out[outLen++] = (byte) n;
            for (int i = n - 1; i >= 0; i--) {
                out[outLen++] = (byte) (x >>> (8 * i));
            }
            return;
        }
        byte[] m = magnitude(v);
        ensure(m.length + 1);
        out[outLen++] = (byte) m.length;
        System.arraycopy(m, 0, out, outLen, m.length);
        outLen += m.length;
    }

    private void writeRef(int ref) {
        if (ref < TAG_REF) {
            ensure(1);
            out[outLen++] = (byte) (TAG_REF | ref);
        } else {
            ensure(1);
            out[outLen++] = (byte) TAG_WIDE_REF;
            writeVarint(ref);
        }
    }

    private void writeVarint(int v) {
        ensure(5);
        while ((v & ~0x7f) != 0) {
            out[outLen++] = (byte) (v & 0x7f | 0x80);
            v >>>= 7;
        }
        out[outLen++] = (byte) v;
    }

    private void ensure(int more) {
        if (outLen + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLen + more));
        }
    }

    private int intern(Felt f) {
        Integer i = tableIndex.get(f);
        if (i != null) {
            return i;
        }
        int next = table.size();
        table.add(f);
        tableAddresses.add(null);
        tableIndex.put(f, next);
        return next;
    }

    private ContractAddress address(int ref) {
        ContractAddress a = tableAddresses.get(ref);
        if (a == null) {
            a = new ContractAddress(table.get(ref));
            tableAddresses.set(ref, a);
        }
        return a;
    }

    /** @return the minimal big-endian bytes of a non-negative value (none for zero) */
    static byte[] magnitude(BigInteger v) {
        byte[] b = v.toByteArray();
        int lead = 0;
        while (lead < b.length && b[lead] == 0) {
            lead++;
        }
        return lead == 0 ? b : Arrays.copyOfRange(b, lead, b.length);
    }

    // ------------------------------------------------------------------ the log

    private long append(byte[] bytes) {
        if (chunks.isEmpty() || chunkUsed + bytes.length > chunks.get(chunks.size() - 1).length) {
            chunks.add(new byte[Math.max(CHUNK, bytes.length)]);
            chunkUsed = 0;
        }
        int chunk = chunks.size() - 1;
        System.arraycopy(bytes, 0, chunks.get(chunk), chunkUsed, bytes.length);
        long at = (long) chunk << 32 | chunkUsed;
        chunkUsed += bytes.length;
        return at;
    }

    private Reader reader(long at) {
        return new Reader(chunks.get((int) (at >>> 32)), (int) at);
    }

    /** Reads the log from a position. */
    private final class Reader {
        final byte[] buf;
        int pos;

        Reader(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        int varint() {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                int b = buf[pos++];
                v |= (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
        }

        int ref() {
            int tag = buf[pos++] & 0xff;
            if (tag >= TAG_REF) {
                return tag & 0x7f;
            }
            if (tag == TAG_WIDE_REF) {
                return varint();
            }
            throw new IllegalStateException("a table entry expected in the ledger's event log, found tag " + tag);
        }

        void skipFelt() {
            int tag = buf[pos] & 0xff;
            if (tag <= MAX_INLINE) {
                pos += 1 + tag;
            } else {
                ref();
            }
        }

        Felt felt() {
            int tag = buf[pos] & 0xff;
            if (tag > MAX_INLINE) {
                return table.get(ref());
            }
            pos++;
            Felt f;
            if (tag == 0) {
                f = Felt.ZERO;
            } else if (tag < 8 || tag == 8 && buf[pos] >= 0) {
                long x = 0;
                for (int i = 0; i < tag; i++) {
                    x = x << 8 | (buf[pos + i] & 0xff);
                }
                f = x == 1 ? Felt.ONE : Felt.of(x);
            } else {
                f = new Felt(new BigInteger(1, buf, pos, tag));
            }
            pos += tag;
            return f;
        }

        List<Felt> felts() {
            int n = varint();
            Felt[] fs = new Felt[n];
            for (int i = 0; i < n; i++) {
                fs[i] = felt();
            }
            return List.of(fs);
        }
    }

    // ------------------------------------------------------------------ the hash index

    private static long[] words(Felt f) {
        BigInteger v = f.value();
        return new long[] {v.longValue(), v.shiftRight(64).longValue(), v.shiftRight(128).longValue(),
                v.shiftRight(192).longValue()};
    }

    private static Felt felt(long[] words, int at) {
        if (words[at + 1] == 0 && words[at + 2] == 0 && words[at + 3] == 0 && words[at] >= 0) {
            return Felt.of(words[at]);
        }
        byte[] b = new byte[32];
        for (int w = 0; w < 4; w++) {
            long x = words[at + w];
            for (int i = 0; i < 8; i++) {
                b[31 - 8 * w - i] = (byte) (x >>> (8 * i));
            }
        }
        return new Felt(new BigInteger(1, b));
    }

    private static int slot(long[] h, int mask) {
        long x = h[0] ^ h[1] * 0x9E3779B97F4A7C15L ^ h[2] * 0xC2B2AE3D27D4EB4FL ^ h[3] * 0x165667B19E3779F9L;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 32;
        return (int) x & mask;
    }

    private int find(long[] h) {
        int mask = slots.length - 1;
        for (int s = slot(h, mask); ; s = s + 1 & mask) {
            int v = slots[s];
            if (v == 0) {
                return -1;
            }
            int row = v - 1;
            long[] words = pages.get(row >>> PAGE_BITS).hash;
            int at = 4 * (row & (PAGE - 1));
            if (words[at] == h[0] && words[at + 1] == h[1] && words[at + 2] == h[2] && words[at + 3] == h[3]) {
                return row;
            }
        }
    }

    private void insert(long[] h, int row) {
        int mask = slots.length - 1;
        int s = slot(h, mask);
        while (slots[s] != 0) {
            s = s + 1 & mask;
        }
        slots[s] = row + 1;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        long[] h = new long[4];
        for (int row = 0; row < size; row++) {
            long[] words = pages.get(row >>> PAGE_BITS).hash;
            System.arraycopy(words, 4 * (row & (PAGE - 1)), h, 0, 4);
            insert(h, row);
        }
    }
}
