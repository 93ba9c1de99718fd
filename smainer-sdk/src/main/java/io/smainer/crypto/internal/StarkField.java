package io.smainer.crypto.internal;

import java.math.BigInteger;
import org.bouncycastle.math.raw.Mod;

/**
 * Arithmetic modulo the Stark prime {@code p = 2^251 + 17*2^192 + 1} on four 64-bit limbs
 * (little-endian) in Montgomery form with {@code R = 2^256}. Every value is kept fully reduced in
 * {@code [0, p)}, so equal elements have equal limbs.
 *
 * <p>The prime's shape makes Montgomery reduction cheap: {@code p = 1 (mod 2^64)}, so the reduction
 * factor of each round is just the negated low limb, and {@code p}'s middle limbs are zero, so each
 * round costs one 64x64-bit multiplication ({@code m * p[3]}) instead of four.
 *
 * <p>Operations write into their first argument, which may be the same array as an input. Not API.
 */
final class StarkField {
    /** The Stark prime. */
    static final BigInteger P = BigInteger.TWO.pow(251).add(BigInteger.valueOf(17).shiftLeft(192)).add(BigInteger.ONE);
    /** The top limb of p; the others are {1, 0, 0}. */
    static final long P3 = 0x0800000000000011L;
    private static final BigInteger R = BigInteger.ONE.shiftLeft(256);
    private static final long[] R2 = words(R.multiply(R).mod(P));
    private static final long[] R3 = words(R.pow(3).mod(P));
    private static final int[] P_INTS = ints(words(P));
    /** 1 in Montgomery form (R mod p). */
    static final long[] ONE = words(R.mod(P));
    private static final long MIN = Long.MIN_VALUE;

    private StarkField() {
    }

    /** @return a new zero element */
    static long[] create() {
        return new long[4];
    }

    /**
     * @param v an integer in {@code [0, p)}
     * @return its Montgomery form
     */
    static long[] fromBigInteger(BigInteger v) {
        long[] r = words(v);
        mul(r, r, R2);
        return r;
    }

    /**
     * @param a an element
     * @return its standard value
     */
    static BigInteger toBigInteger(long[] a) {
        long[] t = new long[4];
        toStandard(t, a);
        return bigInteger(t);
    }

    /**
     * Leaves Montgomery form.
     *
     * @param r the standard value's limbs
     * @param a the element
     */
    static void toStandard(long[] r, long[] a) {
        mul(r, a, new long[] {1, 0, 0, 0});
    }

    /**
     * @param v a non-negative integer below {@code 2^256}
     * @return its four little-endian limbs
     */
    static long[] words(BigInteger v) {
        long[] w = new long[4];
        byte[] b = v.toByteArray();
        for (int i = 0; i < b.length && i < 32; i++) {
            int limb = i >>> 3;
            w[limb] |= (b[b.length - 1 - i] & 0xFFL) << ((i & 7) << 3);
        }
        return w;
    }

    /**
     * @param w four little-endian limbs
     * @return the non-negative integer they hold
     */
    static BigInteger bigInteger(long[] w) {
        byte[] b = new byte[33];
        for (int i = 0; i < 32; i++) {
            b[32 - i] = (byte) (w[i >>> 3] >>> ((i & 7) << 3));
        }
        return new BigInteger(b);
    }

    private static int[] ints(long[] w) {
        int[] r = new int[8];
        for (int i = 0; i < 4; i++) {
            r[2 * i] = (int) w[i];
            r[2 * i + 1] = (int) (w[i] >>> 32);
        }
        return r;
    }

    /** Unsigned {@code x < y}. */
    private static boolean ult(long x, long y) {
        return (x + MIN) < (y + MIN);
    }

    /** The high 64 bits of the unsigned 128-bit product. */
    private static long umulhi(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    /**
     * Montgomery multiplication: {@code r = a * b / R mod p}. CIOS without the extra carry words (p's top
     * limb leaves enough headroom), unrolled; with {@code p = [1, 0, 0, P3]} each round's reduction is
     * one 64x64-bit product.
     *
     * @param r the result
     * @param a a factor
     * @param b a factor
     */
    static void mul(long[] r, long[] a, long[] b) {
        final long a0 = a[0];
        final long a1 = a[1];
        final long a2 = a[2];
        final long a3 = a[3];
        final long b0 = b[0];
        final long b1 = b[1];
        final long b2 = b[2];
        final long b3 = b[3];
        long t0;
        long t1 = 0;
        long t2 = 0;
        long t3 = 0;
        long lo;
        long hi;
        long s;
        long ca;
        long cm;
        long m;
        // round 0: t += a * b0, then t = (t + m p) / 2^64 with m = -t0
        lo = a0 * b0;
        hi = umulhi(a0, b0);
        t0 = lo;
        ca = hi;
        m = -t0;
        cm = t0 != 0 ? 1 : 0;
        lo = a1 * b0;
        hi = umulhi(a1, b0);
        s = lo + ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t0 = s + cm;
        cm = ult(t0, cm) ? 1 : 0;
        lo = a2 * b0;
        hi = umulhi(a2, b0);
        s = lo + ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t1 = s + cm;
        cm = ult(t1, cm) ? 1 : 0;
        lo = a3 * b0;
        hi = umulhi(a3, b0);
        s = lo + ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s += lo;
        hi += ult(s, lo) ? 1 : 0;
        t2 = s + cm;
        hi += ult(t2, cm) ? 1 : 0;
        t3 = hi + ca;
        // round 1: t += a * b1, then t = (t + m p) / 2^64 with m = -t0
        lo = a0 * b1;
        hi = umulhi(a0, b1);
        s = t0 + lo;
        hi += ult(s, lo) ? 1 : 0;
        t0 = s;
        ca = hi;
        m = -t0;
        cm = t0 != 0 ? 1 : 0;
        lo = a1 * b1;
        hi = umulhi(a1, b1);
        s = t1 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t0 = s + cm;
        cm = ult(t0, cm) ? 1 : 0;
        lo = a2 * b1;
        hi = umulhi(a2, b1);
        s = t2 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t1 = s + cm;
        cm = ult(t1, cm) ? 1 : 0;
        lo = a3 * b1;
        hi = umulhi(a3, b1);
        s = t3 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s += lo;
        hi += ult(s, lo) ? 1 : 0;
        t2 = s + cm;
        hi += ult(t2, cm) ? 1 : 0;
        t3 = hi + ca;
        // round 2: t += a * b2, then t = (t + m p) / 2^64 with m = -t0
        lo = a0 * b2;
        hi = umulhi(a0, b2);
        s = t0 + lo;
        hi += ult(s, lo) ? 1 : 0;
        t0 = s;
        ca = hi;
        m = -t0;
        cm = t0 != 0 ? 1 : 0;
        lo = a1 * b2;
        hi = umulhi(a1, b2);
        s = t1 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t0 = s + cm;
        cm = ult(t0, cm) ? 1 : 0;
        lo = a2 * b2;
        hi = umulhi(a2, b2);
        s = t2 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t1 = s + cm;
        cm = ult(t1, cm) ? 1 : 0;
        lo = a3 * b2;
        hi = umulhi(a3, b2);
        s = t3 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s += lo;
        hi += ult(s, lo) ? 1 : 0;
        t2 = s + cm;
        hi += ult(t2, cm) ? 1 : 0;
        t3 = hi + ca;
        // round 3: t += a * b3, then t = (t + m p) / 2^64 with m = -t0
        lo = a0 * b3;
        hi = umulhi(a0, b3);
        s = t0 + lo;
        hi += ult(s, lo) ? 1 : 0;
        t0 = s;
        ca = hi;
        m = -t0;
        cm = t0 != 0 ? 1 : 0;
        lo = a1 * b3;
        hi = umulhi(a1, b3);
        s = t1 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t0 = s + cm;
        cm = ult(t0, cm) ? 1 : 0;
        lo = a2 * b3;
        hi = umulhi(a2, b3);
        s = t2 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        t1 = s + cm;
        cm = ult(t1, cm) ? 1 : 0;
        lo = a3 * b3;
        hi = umulhi(a3, b3);
        s = t3 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += ca;
        hi += ult(s, ca) ? 1 : 0;
        ca = hi;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s += lo;
        hi += ult(s, lo) ? 1 : 0;
        t2 = s + cm;
        hi += ult(t2, cm) ? 1 : 0;
        t3 = hi + ca;
        reduceOnce(r, t0, t1, t2, t3);
    }

    /**
     * Montgomery squaring: the ten distinct limb products, doubled, then the same four reduction rounds.
     *
     * @param r the result, {@code a^2 / R mod p}
     * @param a the element
     */
    static void sqr(long[] r, long[] a) {
        final long a0 = a[0];
        final long a1 = a[1];
        final long a2 = a[2];
        final long a3 = a[3];
        long lo;
        long hi;
        long s;
        long c;
        // cross products a_i a_j (i < j) into c1..c6
        lo = a0 * a1;
        hi = umulhi(a0, a1);
        long c1 = lo;
        c = hi;
        lo = a0 * a2;
        hi = umulhi(a0, a2);
        long c2 = lo + c;
        hi += ult(c2, c) ? 1 : 0;
        c = hi;
        lo = a0 * a3;
        hi = umulhi(a0, a3);
        long c3 = lo + c;
        hi += ult(c3, c) ? 1 : 0;
        long c4 = hi;

        lo = a1 * a2;
        hi = umulhi(a1, a2);
        s = c3 + lo;
        hi += ult(s, lo) ? 1 : 0;
        c3 = s;
        c = hi;
        lo = a1 * a3;
        hi = umulhi(a1, a3);
        s = c4 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += c;
        hi += ult(s, c) ? 1 : 0;
        c4 = s;
        long c5 = hi;

        lo = a2 * a3;
        hi = umulhi(a2, a3);
        s = c5 + lo;
        hi += ult(s, lo) ? 1 : 0;
        c5 = s;
        long c6 = hi;

        // double them
        long c7 = c6 >>> 63;
        c6 = (c6 << 1) | (c5 >>> 63);
        c5 = (c5 << 1) | (c4 >>> 63);
        c4 = (c4 << 1) | (c3 >>> 63);
        c3 = (c3 << 1) | (c2 >>> 63);
        c2 = (c2 << 1) | (c1 >>> 63);
        c1 <<= 1;

        // add the squares a_i^2 at word 2i
        long t0 = a0 * a0;
        hi = umulhi(a0, a0);
        s = c1 + hi;
        c = ult(s, hi) ? 1 : 0;
        long t1 = s;
        lo = a1 * a1;
        hi = umulhi(a1, a1);
        s = c2 + lo;
        long cc = ult(s, lo) ? 1 : 0;
        s += c;
        cc += ult(s, c) ? 1 : 0;
        long t2 = s;
        s = c3 + hi;
        c = ult(s, hi) ? 1 : 0;
        s += cc;
        c += ult(s, cc) ? 1 : 0;
        long t3 = s;
        lo = a2 * a2;
        hi = umulhi(a2, a2);
        s = c4 + lo;
        cc = ult(s, lo) ? 1 : 0;
        s += c;
        cc += ult(s, c) ? 1 : 0;
        long t4 = s;
        s = c5 + hi;
        c = ult(s, hi) ? 1 : 0;
        s += cc;
        c += ult(s, cc) ? 1 : 0;
        long t5 = s;
        lo = a3 * a3;
        hi = umulhi(a3, a3);
        s = c6 + lo;
        cc = ult(s, lo) ? 1 : 0;
        s += c;
        cc += ult(s, c) ? 1 : 0;
        long t6 = s;
        long t7 = c7 + hi + cc; // a^2 < 2^504: no carry out

        // Montgomery reduction, four rounds of t += m p 2^(64 i) with m = -t_i; the carry out of word
        // i + 4 waits in 'pend' for the next round, which adds into that word anyway.
        long pend = 0;
        long m;
        // round 0
        m = -t0;
        c = t0 != 0 ? 1 : 0;
        t1 += c;
        c = ult(t1, c) ? 1 : 0;
        t2 += c;
        c = ult(t2, c) ? 1 : 0;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s = t3 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += c;
        hi += ult(s, c) ? 1 : 0;
        t3 = s;
        s = t4 + hi;
        pend = ult(s, hi) ? 1 : 0;
        t4 = s;
        // round 1
        m = -t1;
        c = t1 != 0 ? 1 : 0;
        t2 += c;
        c = ult(t2, c) ? 1 : 0;
        t3 += c;
        c = ult(t3, c) ? 1 : 0;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s = t4 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += c;
        hi += ult(s, c) ? 1 : 0;
        t4 = s;
        s = t5 + hi;
        c = ult(s, hi) ? 1 : 0;
        s += pend;
        c += ult(s, pend) ? 1 : 0;
        t5 = s;
        pend = c;
        // round 2
        m = -t2;
        c = t2 != 0 ? 1 : 0;
        t3 += c;
        c = ult(t3, c) ? 1 : 0;
        t4 += c;
        c = ult(t4, c) ? 1 : 0;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s = t5 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += c;
        hi += ult(s, c) ? 1 : 0;
        t5 = s;
        s = t6 + hi;
        c = ult(s, hi) ? 1 : 0;
        s += pend;
        c += ult(s, pend) ? 1 : 0;
        t6 = s;
        pend = c;
        // round 3
        m = -t3;
        c = t3 != 0 ? 1 : 0;
        t4 += c;
        c = ult(t4, c) ? 1 : 0;
        t5 += c;
        c = ult(t5, c) ? 1 : 0;
        lo = m * P3;
        hi = Math.multiplyHigh(m, P3) + ((m >> 63) & P3);
        s = t6 + lo;
        hi += ult(s, lo) ? 1 : 0;
        s += c;
        hi += ult(s, c) ? 1 : 0;
        t6 = s;
        t7 += hi + pend; // the result is below 2p: nothing carries out of word 7
        reduceOnce(r, t4, t5, t6, t7);
    }

    /** r = t mod p for t < 2p. */
    private static void reduceOnce(long[] r, long t0, long t1, long t2, long t3) {
        long d0 = t0 - 1;
        long borrow = t0 == 0 ? 1 : 0;
        long d1 = t1 - borrow;
        borrow = ult(t1, borrow) ? 1 : 0;
        long d2 = t2 - borrow;
        borrow = ult(t2, borrow) ? 1 : 0;
        long d3 = t3 - P3 - borrow;
        if (d3 < 0) { // t < p: t3 < 2^60, so a negative top limb means a borrow
            r[0] = t0;
            r[1] = t1;
            r[2] = t2;
            r[3] = t3;
        } else {
            r[0] = d0;
            r[1] = d1;
            r[2] = d2;
            r[3] = d3;
        }
    }

    /**
     * @param r the result
     * @param a a summand
     * @param b a summand
     */
    static void add(long[] r, long[] a, long[] b) {
        long s0 = a[0] + b[0];
        long c = ult(s0, a[0]) ? 1 : 0;
        long s1 = a[1] + b[1];
        long c1 = ult(s1, a[1]) ? 1 : 0;
        s1 += c;
        c1 += ult(s1, c) ? 1 : 0;
        long s2 = a[2] + b[2];
        long c2 = ult(s2, a[2]) ? 1 : 0;
        s2 += c1;
        c2 += ult(s2, c1) ? 1 : 0;
        long s3 = a[3] + b[3] + c2;
        reduceOnce(r, s0, s1, s2, s3);
    }

    /**
     * @param r the result
     * @param a the minuend
     * @param b the subtrahend
     */
    static void sub(long[] r, long[] a, long[] b) {
        long d0 = a[0] - b[0];
        long borrow = ult(a[0], b[0]) ? 1 : 0;
        long d1 = a[1] - b[1];
        long bw1 = ult(a[1], b[1]) ? 1 : 0;
        bw1 += ult(d1, borrow) ? 1 : 0;
        d1 -= borrow;
        long d2 = a[2] - b[2];
        long bw2 = ult(a[2], b[2]) ? 1 : 0;
        bw2 += ult(d2, bw1) ? 1 : 0;
        d2 -= bw1;
        long d3 = a[3] - b[3] - bw2;
        if (d3 < 0) { // a < b: add p back
            long s0 = d0 + 1;
            long c = s0 == 0 ? 1 : 0;
            long s1 = d1 + c;
            c = ult(s1, c) ? 1 : 0;
            long s2 = d2 + c;
            c = ult(s2, c) ? 1 : 0;
            r[0] = s0;
            r[1] = s1;
            r[2] = s2;
            r[3] = d3 + P3 + c;
        } else {
            r[0] = d0;
            r[1] = d1;
            r[2] = d2;
            r[3] = d3;
        }
    }

    /**
     * @param r the result, {@code -a}
     * @param a the element
     */
    static void neg(long[] r, long[] a) {
        if (isZero(a)) {
            set(r, a);
            return;
        }
        long d0 = 1 - a[0];
        long borrow = ult(1, a[0]) ? 1 : 0;
        long d1 = -a[1] - borrow;
        long bw1 = (a[1] != 0 || borrow != 0) ? 1 : 0;
        long d2 = -a[2] - bw1;
        long bw2 = (a[2] != 0 || bw1 != 0) ? 1 : 0;
        r[0] = d0;
        r[1] = d1;
        r[2] = d2;
        r[3] = P3 - a[3] - bw2;
    }

    /**
     * @param r the result, {@code 2a}
     * @param a the element
     */
    static void dbl(long[] r, long[] a) {
        add(r, a, a);
    }

    /**
     * @param a an element
     * @return whether it is zero
     */
    static boolean isZero(long[] a) {
        return (a[0] | a[1] | a[2] | a[3]) == 0;
    }

    /**
     * @param a an element
     * @param b an element
     * @return whether they are equal
     */
    static boolean equal(long[] a, long[] b) {
        return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
    }

    /**
     * @param r the copy
     * @param a the source
     */
    static void set(long[] r, long[] a) {
        r[0] = a[0];
        r[1] = a[1];
        r[2] = a[2];
        r[3] = a[3];
    }

    /**
     * The inverse, by the safegcd algorithm in variable time: for public values (see the three-argument form).
     *
     * @param r the result, {@code 1/a}
     * @param a a non-zero element
     */
    static void inv(long[] r, long[] a) {
        inv(r, a, false);
    }

    /**
     * The inverse, by the safegcd algorithm: in constant time for a value derived from a secret (the
     * {@code Z} of {@code k*G} when signing or deriving a public key), in variable time otherwise.
     *
     * @param r the result, {@code 1/a}
     * @param a a non-zero element
     * @param secret whether {@code a}'s value must not leak through timing
     */
    static void inv(long[] r, long[] a, boolean secret) {
        int[] x = ints(a);
        int[] z = new int[8];
        boolean invertible = secret ? Mod.modOddInverse(P_INTS, x, z) != 0 : Mod.modOddInverseVar(P_INTS, x, z);
        if (!invertible) {
            throw new ArithmeticException("zero has no inverse modulo the Stark prime");
        }
        // z = (aR)^-1 = a^-1 R^-1 (as a plain integer); Montgomery-multiplying by R^3 gives a^-1 R.
        long[] w = new long[4];
        for (int i = 0; i < 4; i++) {
            w[i] = (z[2 * i] & 0xFFFFFFFFL) | ((long) z[2 * i + 1] << 32);
        }
        mul(r, w, R3);
    }

    /**
     * Euler's criterion.
     *
     * @param a an element
     * @return whether {@code a} is a non-zero square modulo p
     */
    static boolean isNonZeroSquare(long[] a) {
        // (p - 1) / 2 = (2^59 + 17) * 2^191
        long[] t = new long[4];
        set(t, a);
        for (int i = 0; i < 55; i++) {
            sqr(t, t);
        }
        mul(t, t, a); // a^(2^55 + 1)
        sqr(t, t);
        sqr(t, t);
        sqr(t, t);
        sqr(t, t); // a^(2^59 + 16)
        mul(t, t, a); // a^(2^59 + 17)
        for (int i = 0; i < 191; i++) {
            sqr(t, t);
        }
        return equal(t, ONE);
    }
}
