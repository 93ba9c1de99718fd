package io.smainer.crypto.internal;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Precomputed tables for the public keys that verify sees again and again. A relayer checks every
 * receipt of a provider and every request of a demander against the same few keys, so a verify's
 * variable-base {@code u2*Q} (252 doublings and about 42 additions) can become a fixed-base product (51
 * mixed additions over a 5-bit-window table) once the key has a table.
 *
 * <p>A key gets a table on its second sighting, so keys seen once (a login, a stranger's bad signature)
 * cost only an entry in a bounded list of recent keys. Tables are kept least-recently-used first out,
 * at most {@code capacity} of them, each about 51 KiB; building one costs about as much as four
 * verifies. The table is built on the quadratic twist the verify already works on ({@code (c x, c^2)}
 * on {@code y^2 = x^3 + c^2 x + c^3 b} with {@code c = x^3 + x + b}), so the key's y is never needed.
 *
 * <p>Thread-safe: lookups take one short lock; tables are built outside it and are read-only after.
 * Not API.
 */
final class KeyTables {
    /** The system property naming how many keys keep a table; 0 turns the tables off. */
    static final String CAPACITY_PROPERTY = "smainer.crypto.keyTables";
    /** Tables kept by default: about 13 MiB when all are in use. */
    static final int DEFAULT_CAPACITY = 256;
    /** The window width of a key's table. */
    static final int WIDTH = 5;
    private static final int BITS = 252;
    private static final int SEEN_PER_TABLE = 4;

    /** One key's table, with the twist scale {@code c} its products live under. */
    static final class Entry {
        private final long[] c;
        private final FixedBaseTable table;

        private Entry(long[] c, FixedBaseTable table) {
            this.c = c;
            this.table = table;
        }

        /** @return {@code c = x^3 + x + b} of the key (Montgomery form); do not modify */
        long[] c() {
            return c;
        }

        /**
         * @param k a scalar below 2^252
         * @return {@code k * (c x, c^2)} on the twist
         */
        JacobianPoint multiple(BigInteger k) {
            JacobianPoint acc = new JacobianPoint();
            acc.setInfinity();
            table.addMultiple(acc, FixedBaseTable.recode(StarkField.words(k), 0, BITS, WIDTH));
            return acc;
        }

        /** @return the table's size in bytes */
        long bytes() {
            return table.bytes();
        }
    }

    private final int capacity;
    private final LinkedHashMap<BigInteger, Entry> tables;
    private final LinkedHashMap<BigInteger, Boolean> seen;

    /**
     * @param capacity the most keys that keep a table; 0 keeps none
     */
    KeyTables(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.tables = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<BigInteger, Entry> eldest) {
                return size() > KeyTables.this.capacity;
            }
        };
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<BigInteger, Boolean> eldest) {
                return size() > KeyTables.this.capacity * SEEN_PER_TABLE;
            }
        };
    }

    /**
     * The capacity named by {@value #CAPACITY_PROPERTY}, or {@link #DEFAULT_CAPACITY}.
     *
     * @return the configured capacity
     */
    static int configuredCapacity() {
        String value = System.getProperty(CAPACITY_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_CAPACITY;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + CAPACITY_PROPERTY
                    + ": expected a whole number of keys >= 0, got '" + value + "'", e);
        }
    }

    /**
     * @param key a public key
     * @return its table, when it has one
     */
    Entry find(BigInteger key) {
        if (capacity == 0) {
            return null;
        }
        synchronized (this) {
            return tables.get(key);
        }
    }

    /**
     * Records that a valid key (its {@code c} a non-zero square) was used, and builds its table on the
     * second sighting.
     *
     * @param key the public key
     * @param qx its x (Montgomery form)
     * @param c {@code x^3 + x + b} (Montgomery form)
     * @return the new table, or null while the key has none
     */
    Entry sighted(BigInteger key, long[] qx, long[] c) {
        if (capacity == 0) {
            return null;
        }
        synchronized (this) {
            if (seen.remove(key) == null) {
                seen.put(key, Boolean.TRUE);
                return null;
            }
        }
        Entry entry = build(qx, c);
        synchronized (this) {
            tables.put(key, entry);
        }
        return entry;
    }

    /** @return how many keys have a table now */
    synchronized int size() {
        return tables.size();
    }

    private static Entry build(long[] qx, long[] c) {
        long[] a = new long[4];
        StarkField.sqr(a, c);
        long[] tx = new long[4];
        StarkField.mul(tx, c, qx);
        return new Entry(c.clone(), new FixedBaseTable(tx, a, a, BITS, WIDTH));
    }
}
