package io.smainer.crypto.internal;

import java.math.BigInteger;

/**
 * Precomputed multiples of one fixed point, for scalar multiplication by signed windows of {@code w}
 * bits: entry {@code (i, j)} is {@code j * 2^(w*i) * B} for {@code j} in {@code [1, 2^(w-1)]}, in affine
 * coordinates (Montgomery form), so {@code k * B} costs one mixed addition per window and no doubling.
 * The generator's table for secret scalars uses 8-bit windows (256 KiB for 252 bits; a masked read scans
 * a window); the tables for public scalars (the generator in verify, Pedersen's two 248-bit points) use
 * 12-bit windows (2.6 MiB each); the per-key tables of {@link KeyTables} use 5-bit windows (51 KiB).
 * Built once, then read-only and shared by all threads.
 * Not API.
 */
final class FixedBaseTable {
    /** The window width of the generator's table for secret scalars (and the default). */
    static final int WIDE = 8;
    private static final int POINT = 8; // longs per affine point: x[4], y[4]

    private final int width;
    private final int entries;
    private final int windows;
    private final long[] a;
    private final long[] table;

    /**
     * An 8-bit-window table on the Stark curve.
     *
     * @param x the point's affine x
     * @param y the point's affine y
     * @param bits the largest scalar length this table serves
     */
    FixedBaseTable(BigInteger x, BigInteger y, int bits) {
        this(StarkField.fromBigInteger(x), StarkField.fromBigInteger(y), null, bits, WIDE);
    }

    /**
     * @param x the point's affine x (Montgomery form)
     * @param y the point's affine y (Montgomery form)
     * @param a the curve's {@code a} (Montgomery form), or null for the Stark curve's 1
     * @param bits the largest scalar length this table serves
     * @param width the window width in bits, 2 to 12
     */
    FixedBaseTable(long[] x, long[] y, long[] a, int bits, int width) {
        if (width < 2 || width > 12) {
            throw new IllegalArgumentException("window width must be 2 to 12 bits, got " + width);
        }
        this.width = width;
        this.entries = 1 << (width - 1);
        this.windows = windowsFor(bits, width);
        this.a = a == null ? null : a.clone();
        this.table = new long[windows * entries * POINT];
        JacobianPoint[] points = new JacobianPoint[windows * entries];
        JacobianPoint base = new JacobianPoint();
        base.setAffine(x, y);
        for (int w = 0; w < windows; w++) {
            JacobianPoint acc = new JacobianPoint();
            acc.copyFrom(base);
            points[w * entries] = acc;
            for (int j = 1; j < entries; j++) {
                JacobianPoint next = new JacobianPoint();
                next.copyFrom(points[w * entries + j - 1]);
                next.addPoint(base, this.a);
                points[w * entries + j] = next;
            }
            for (int d = 0; d < width; d++) {
                base.twice(this.a);
            }
        }
        normalize(points);
    }

    /**
     * @param bits a scalar length
     * @return the number of signed 8-bit digits a scalar of that length needs (one more for the carry)
     */
    static int windowsFor(int bits) {
        return windowsFor(bits, WIDE);
    }

    /**
     * @param bits a scalar length
     * @param width the window width
     * @return the number of signed digits a scalar of that length needs (room for the last carry)
     */
    static int windowsFor(int bits, int width) {
        return (bits + 1 + width - 1) / width;
    }

    /** @return the table's size in bytes (its entries only) */
    long bytes() {
        return (long) table.length * Long.BYTES;
    }

    /** Batch affine conversion (Montgomery's trick: one inversion for all points). */
    private void normalize(JacobianPoint[] points) {
        int n = points.length;
        long[][] prefix = new long[n][];
        long[] acc = StarkField.ONE.clone();
        for (int i = 0; i < n; i++) {
            prefix[i] = acc.clone();
            StarkField.mul(acc, acc, points[i].z);
        }
        long[] inv = new long[4];
        StarkField.inv(inv, acc);
        long[] zi = new long[4];
        long[] zi2 = new long[4];
        long[] ax = new long[4];
        long[] ay = new long[4];
        for (int i = n - 1; i >= 0; i--) {
            StarkField.mul(zi, inv, prefix[i]); // 1 / Z_i
            StarkField.mul(inv, inv, points[i].z);
            StarkField.sqr(zi2, zi);
            StarkField.mul(ax, points[i].x, zi2);
            StarkField.mul(zi2, zi2, zi);
            StarkField.mul(ay, points[i].y, zi2);
            System.arraycopy(ax, 0, table, i * POINT, 4);
            System.arraycopy(ay, 0, table, i * POINT + 4, 4);
        }
    }

    /** @return the number of windows */
    int windows() {
        return windows;
    }

    /** @return the window width in bits */
    int width() {
        return width;
    }

    /**
     * Recodes {@code bits} bits of a scalar, starting at bit {@code from}, into signed 8-bit digits in
     * {@code [-128, 127]} (least significant first), so that the scalar is {@code sum d_i * 256^i}.
     *
     * @param words the scalar's little-endian 64-bit limbs
     * @param from the first bit
     * @param bits how many bits
     * @return the digits, {@link #windowsFor(int)} of them
     */
    static int[] recode(long[] words, int from, int bits) {
        return recode(words, from, bits, WIDE);
    }

    /**
     * Recodes {@code bits} bits of a scalar, starting at bit {@code from}, into signed {@code width}-bit
     * digits in {@code [-2^(width-1), 2^(width-1))} (least significant first), so that the scalar is
     * {@code sum d_i * 2^(width*i)}.
     *
     * @param words the scalar's little-endian 64-bit limbs
     * @param from the first bit
     * @param bits how many bits
     * @param width the window width
     * @return the digits, {@link #windowsFor(int, int)} of them
     */
    static int[] recode(long[] words, int from, int bits, int width) {
        int n = windowsFor(bits, width);
        int half = 1 << (width - 1);
        int[] digits = new int[n];
        int carry = 0;
        for (int i = 0; i < n; i++) {
            int lo = i * width;
            int v = 0;
            for (int b = 0; b < width && lo + b < bits; b++) {
                int bit = from + lo + b;
                v |= (int) ((words[bit >>> 6] >>> (bit & 63)) & 1) << b;
            }
            v += carry;
            carry = (half - 1 - v) >>> 31; // 1 when v >= half, without a branch (the scalar may be secret)
            v -= carry << width;
            digits[i] = v;
        }
        return digits;
    }

    /**
     * Adds {@code sum d_i * 2^(w*i) * B} to {@code acc}, reading each entry directly (for public
     * scalars).
     *
     * @param acc the accumulator
     * @param digits signed digits of this table's width, from {@link #recode}
     */
    void addMultiple(JacobianPoint acc, int[] digits) {
        long[] px = new long[4];
        long[] py = new long[4];
        for (int i = 0; i < digits.length; i++) {
            int d = digits[i];
            if (d == 0) {
                continue;
            }
            int at = (i * entries + Math.abs(d) - 1) * POINT;
            System.arraycopy(table, at, px, 0, 4);
            System.arraycopy(table, at + 4, py, 0, 4);
            if (d < 0) {
                StarkField.neg(py, py);
            }
            acc.addAffine(px, py, a);
        }
    }

    /**
     * Adds {@code sum d_i * 256^i * B} to {@code acc} for a secret scalar: each window's entry is
     * selected by reading the whole window under masks, so no memory address depends on the digit, and a
     * zero digit adds the window's first entry like any other and then takes back the accumulator it had
     * (a masked select), so every window costs one addition. The accumulator must start at a point of
     * unknown discrete logarithm (not infinity), so that the group law's exceptional cases (infinity,
     * doubling) are never met in practice; see {@link FastStarkCrypto}.
     *
     * @param acc the accumulator, not at infinity
     * @param digits signed digits from {@link #recode}
     */
    void addMultipleMasked(JacobianPoint acc, int[] digits) {
        JacobianPoint before = new JacobianPoint();
        long[] px = new long[4];
        long[] py = new long[4];
        long[] ny = new long[4];
        for (int i = 0; i < digits.length; i++) {
            int d = digits[i];
            int sign = d >> 31; // -1 when negative
            int abs = (d ^ sign) - sign;
            long zero = (abs - 1) >> 31; // all ones when the digit is 0
            int pick = abs | (int) (zero & 1); // a zero digit reads entry 1, then takes nothing
            long x0 = 0;
            long x1 = 0;
            long x2 = 0;
            long x3 = 0;
            long y0 = 0;
            long y1 = 0;
            long y2 = 0;
            long y3 = 0;
            int base = i * entries * POINT;
            for (int j = 1; j <= entries; j++) {
                long mask = ((j ^ pick) - 1) >> 31; // all ones when j == pick
                int at = base + (j - 1) * POINT;
                x0 |= table[at] & mask;
                x1 |= table[at + 1] & mask;
                x2 |= table[at + 2] & mask;
                x3 |= table[at + 3] & mask;
                y0 |= table[at + 4] & mask;
                y1 |= table[at + 5] & mask;
                y2 |= table[at + 6] & mask;
                y3 |= table[at + 7] & mask;
            }
            px[0] = x0;
            px[1] = x1;
            px[2] = x2;
            px[3] = x3;
            py[0] = y0;
            py[1] = y1;
            py[2] = y2;
            py[3] = y3;
            StarkField.neg(ny, py);
            long neg = sign;
            for (int k = 0; k < 4; k++) {
                py[k] = (py[k] & ~neg) | (ny[k] & neg);
            }
            before.copyFrom(acc);
            acc.addAffine(px, py, a);
            acc.select(before, zero);
        }
    }
}
