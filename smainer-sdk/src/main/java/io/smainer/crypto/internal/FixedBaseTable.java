package io.smainer.crypto.internal;

import java.math.BigInteger;

/**
 * Precomputed multiples of one fixed point, for scalar multiplication by signed 8-bit windows: entry
 * {@code (i, j)} is {@code j * 256^i * B} for {@code j} in {@code [1, 128]}, in affine coordinates
 * (Montgomery form), so {@code k * B} costs one mixed addition per window and no doubling. Built once,
 * then read-only and shared by all threads. Not API.
 */
final class FixedBaseTable {
    /** Entries per window: digits are in {@code [-128, 128]}. */
    static final int ENTRIES = 128;
    private static final int POINT = 8; // longs per affine point: x[4], y[4]

    private final int windows;
    private final long[] table;

    /**
     * @param x the point's affine x
     * @param y the point's affine y
     * @param bits the largest scalar length this table serves
     */
    FixedBaseTable(BigInteger x, BigInteger y, int bits) {
        this.windows = windowsFor(bits);
        this.table = new long[windows * ENTRIES * POINT];
        JacobianPoint[] points = new JacobianPoint[windows * ENTRIES];
        JacobianPoint base = new JacobianPoint();
        base.setAffine(StarkField.fromBigInteger(x), StarkField.fromBigInteger(y));
        for (int w = 0; w < windows; w++) {
            JacobianPoint acc = new JacobianPoint();
            acc.copyFrom(base);
            points[w * ENTRIES] = acc;
            for (int j = 1; j < ENTRIES; j++) {
                JacobianPoint next = new JacobianPoint();
                next.copyFrom(points[w * ENTRIES + j - 1]);
                next.addPoint(base, null);
                points[w * ENTRIES + j] = next;
            }
            for (int d = 0; d < 8; d++) {
                base.twice(null);
            }
        }
        normalize(points);
    }

    /**
     * @param bits a scalar length
     * @return the number of signed 8-bit digits a scalar of that length needs (one more for the carry)
     */
    static int windowsFor(int bits) {
        return (bits + 1 + 7) / 8;
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
        int n = windowsFor(bits);
        int[] digits = new int[n];
        int carry = 0;
        for (int i = 0; i < n; i++) {
            int lo = i * 8;
            int v = 0;
            for (int b = 0; b < 8 && lo + b < bits; b++) {
                int bit = from + lo + b;
                v |= (int) ((words[bit >>> 6] >>> (bit & 63)) & 1) << b;
            }
            v += carry;
            if (v >= 128) {
                v -= 256;
                carry = 1;
            } else {
                carry = 0;
            }
            digits[i] = v;
        }
        return digits;
    }

    /**
     * Adds {@code sum d_i * 256^i * B} to {@code acc}, reading each entry directly (for public scalars).
     *
     * @param acc the accumulator
     * @param digits signed digits from {@link #recode}
     */
    void addMultiple(JacobianPoint acc, int[] digits) {
        long[] px = new long[4];
        long[] py = new long[4];
        for (int i = 0; i < digits.length; i++) {
            int d = digits[i];
            if (d == 0) {
                continue;
            }
            int at = (i * ENTRIES + Math.abs(d) - 1) * POINT;
            System.arraycopy(table, at, px, 0, 4);
            System.arraycopy(table, at + 4, py, 0, 4);
            if (d < 0) {
                StarkField.neg(py, py);
            }
            acc.addAffine(px, py, null);
        }
    }

    /**
     * Adds {@code sum d_i * 256^i * B} to {@code acc} for a secret scalar: each window's entry is
     * selected by reading the whole window under masks, so no memory address depends on the digit.
     * Zero digits and the rare exceptional sums still branch; see {@link FastStarkCrypto}.
     *
     * @param acc the accumulator
     * @param digits signed digits from {@link #recode}
     */
    void addMultipleMasked(JacobianPoint acc, int[] digits) {
        long[] px = new long[4];
        long[] py = new long[4];
        long[] ny = new long[4];
        for (int i = 0; i < digits.length; i++) {
            int d = digits[i];
            int sign = d >> 31; // -1 when negative
            int abs = (d ^ sign) - sign;
            long x0 = 0;
            long x1 = 0;
            long x2 = 0;
            long x3 = 0;
            long y0 = 0;
            long y1 = 0;
            long y2 = 0;
            long y3 = 0;
            int base = i * ENTRIES * POINT;
            for (int j = 1; j <= ENTRIES; j++) {
                long mask = ((j ^ abs) - 1) >> 31; // all ones when j == abs
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
            if (abs == 0) {
                continue;
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
            acc.addAffine(px, py, null);
        }
    }
}
