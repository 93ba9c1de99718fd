package io.smainer.crypto.internal;

import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.raw.Mod;
import org.bouncycastle.math.raw.Nat256;

/**
 * The SDK's own {@link StarkCrypto}: plain Java on a Montgomery field for the Stark prime
 * ({@link StarkField}), precomputed signed-window tables for the generator and the four Pedersen
 * points ({@link FixedBaseTable}), and a width-5 NAF for the one variable-base multiplication of
 * verification. It reproduces StarkWare's reference signer (cairo-lang, @scure/starknet, the signer of
 * starknet.js and wallets) bit for bit, and starknet-jvm 0.18.0 (its bundled crypto-cpp) everywhere but in
 * the nonce of a 249- to 251-bit hash:
 *
 * <ul>
 *   <li><b>sign</b>: the nonce is BouncyCastle's RFC 6979 {@code HMacDSAKCalculator} over SHA-256,
 *       initialised as cairo-lang's {@code generate_k_rfc6979}: {@code init(n, key, bytes)} where {@code bytes}
 *       is the hash's minimal unsigned big-endian encoding, of the hash times 16 where it has 249 to 251 bits
 *       ({@link #nonceSeed}; starknet-jvm leaves out the factor, so for those hashes its nonce, and so its
 *       signature, differs from the reference's, both valid); crypto-cpp
 *       asks for another nonce (at most three, as starknet-jvm) when {@code r} is 0 or {@code >= n},
 *       {@code s} is 0, or {@code w = s^-1 mod n >= 2^251}; the signature is {@code (r, s)} with
 *       {@code s = k^-1 (z + r*key) mod n}, not normalised to low s.</li>
 *   <li><b>verify</b>: false unless {@code s} is invertible mod n, {@code 0 < z, r, w < 2^251} and the
 *       public key is the x of a curve point; true when {@code x(u1*G + u2*Q)} or
 *       {@code x(u1*G - u2*Q)} is {@code r}. Like crypto-cpp it is false when {@code u1*G} and
 *       {@code u2*Q} share their x (crypto-cpp's affine addition refuses that case). The public key's
 *       y is never computed: {@code u2*Q} is formed on the quadratic twist by {@code c = x^3 + x + b},
 *       where {@code (c*x, c^2)} is a point, and both sums' x are tested at once as the roots of
 *       {@code (x1 - x2)^2 X^2 - 2((x1 x2 + 1)(x1 + x2) + 2b) X + (x1 x2 - 1)^2 - 4b(x1 + x2)}.</li>
 *   <li><b>pedersen</b>: {@code x(P0 + a_low*P1 + a_high*P2 + b_low*P3 + b_high*P4)} with the
 *       248-bit low and 4-bit high parts, as the Starknet specification defines it.</li>
 * </ul>
 *
 * <p>Private keys must lie in {@code [1, n)}; starknet-jvm also accepts larger ones (it reduces them)
 * and 0 (for signing), which this implementation refuses. Message hashes to sign must lie in
 * {@code [1, 2^251)}, as crypto-cpp requires.
 *
 * <p>Side channels, for secret scalars (key derivation and the nonce): the generator table is read under
 * masks, so no memory address depends on a secret; the digit recoding has no branch; every window costs
 * one addition (a zero digit adds a stand-in and is taken back by a masked select); the sum starts at
 * a point of unknown discrete logarithm, so the group law's exceptional branches are not met in
 * practice; the inverses of the nonce mod n and of the result's Z mod p use Bouncy Castle's
 * constant-time safegcd. Not constant-time: the nonce's RFC 6979 derivation and the BigInteger
 * arithmetic of {@code s = k^-1 (z + r key) mod n} (BigInteger's cost follows its length), and whatever
 * the JIT does. This is best effort in Java, not an audited constant-time implementation.
 * starknet-jvm's crypto-cpp (double-and-add branching on every key bit) is not constant-time either.
 */
public final class FastStarkCrypto implements StarkCrypto {
    /**
     * The one instance; its tables are built on first use and shared. It keeps per-key verify tables
     * for up to {@code smainer.crypto.keyTables} keys (system property, default 256; 0 turns them off).
     */
    public static final FastStarkCrypto INSTANCE = new FastStarkCrypto(KeyTables.configuredCapacity());

    static final BigInteger N = KeyPair.CURVE_ORDER;
    private static final int[] N_INTS = Nat256.fromBigInteger(N);
    static final BigInteger BOUND = BigInteger.ONE.shiftLeft(251);
    static final BigInteger BETA = hex("6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
    static final BigInteger GX = hex("1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca");
    static final BigInteger GY = hex("5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f");
    /** The Pedersen points P0..P4 (x, y) of the Starknet specification. */
    static final BigInteger[][] PEDERSEN = {
        {hex("49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"),
            hex("3ca0cfe4b3bc6ddf346d49d06ea0ed34e621062c0e056c1d0405d266e10268a")},
        {hex("234287dcbaffe7f969c748655fca9e58fa8120b6d56eb0c1080d17957ebe47b"),
            hex("3b056f100f96fb21e889527d41f4e39940135dd7a6c94cc6ed0268ee89e5615")},
        {hex("4fa56f376c83db33f9dab2656558f3399099ec1de5e3018b7a6932dba8aa378"),
            hex("3fa0984c931c9e38113e0c0e47e4401562761f92a7a23b45168f4e80ff5b54d")},
        {hex("4ba4cc166be8dec764910f75b45f74b40c690c74709e90f3aa372f0bd2d6997"),
            hex("40301cf5c1751f4b971e46c4ede85fcac5c59a5ce5ae7c48151f27b24b219c")},
        {hex("54302dcb0e6cc1c6e44cca8f61a63bb2ca65048d53fb325d36ff12c49a58202"),
            hex("1b77b3e37d13504b348046268d8ae25ce98ad783c25561a879dcc77e99c2426")},
    };
    private static final long[] BETA_M = StarkField.fromBigInteger(BETA);
    private static final int NONCE_ATTEMPTS = 3;
    private static final int WNAF_WIDTH = 5;

    static {
        if (!onCurve(GX, GY)) {
            throw new ExceptionInInitializerError("the Stark generator is not on the curve");
        }
        for (BigInteger[] p : PEDERSEN) {
            if (!onCurve(p[0], p[1])) {
                throw new ExceptionInInitializerError("a Pedersen point is not on the curve: 0x" + p[0].toString(16));
            }
        }
    }

    private final KeyTables keyTables;

    private FastStarkCrypto(int keyTableCapacity) {
        this.keyTables = new KeyTables(keyTableCapacity);
    }

    /**
     * An instance with its own per-key verify tables (for tests and benchmarks comparing the two paths).
     *
     * @param keyTableCapacity the most keys that keep a table; 0 keeps none
     * @return the instance
     */
    static FastStarkCrypto withKeyTables(int keyTableCapacity) {
        return new FastStarkCrypto(keyTableCapacity);
    }

    /** @return how many keys have a verify table now */
    int keyTablesInUse() {
        return keyTables.size();
    }

    /** The generator's table, built when a key is first derived, a hash signed or a signature checked. */
    /**
     * The window width of the tables that only public scalars read (Pedersen's inputs, verify's
     * {@code u1}): 12 bits, 21 windows of 2,048 points (2.6 MiB a table), so a 248-bit multiple is 21
     * additions instead of 32 with 8-bit windows. Pedersen went from 37.6 to 25.2 us. Secret scalars keep
     * the 8-bit generator table, because a masked read scans a whole window.
     */
    static final int PUBLIC_WIDTH = 12;

    private static FixedBaseTable wide(BigInteger[] point, int bits) {
        return new FixedBaseTable(StarkField.fromBigInteger(point[0]), StarkField.fromBigInteger(point[1]), null, bits,
                PUBLIC_WIDTH);
    }

    /**
     * How many uses of a public-scalar table come before its 12-bit form is built. A 12-bit table takes about
     * ten times as long to build as the 8-bit one (43,008 points against 4,096: about a second of CPU for the
     * three) and saves about 12 us a use, so it pays only after tens of thousands of uses: a short-lived JVM (a
     * test, a CLI command) keeps the 8-bit tables and starts in a fraction of the time, a server widens them
     * while it warms up.
     */
    static final long WIDEN_AFTER = 10_000;

    /**
     * A table for public scalars that starts with 8-bit windows and, after {@link #WIDEN_AFTER} uses, swaps in
     * {@link #PUBLIC_WIDTH}-bit ones built on a short-lived daemon thread (the 8-bit one serves meanwhile).
     */
    static final class WideningTable {
        private final BigInteger[] point;
        private final int bits;
        private final AtomicLong uses = new AtomicLong();
        private volatile FixedBaseTable table;

        WideningTable(FixedBaseTable narrow, BigInteger[] point, int bits) {
            this.table = narrow;
            this.point = point;
            this.bits = bits;
        }

        /** @return the table to use now; digits must be recoded at its {@link FixedBaseTable#width()} */
        FixedBaseTable get() {
            FixedBaseTable t = table;
            if (t.width() != PUBLIC_WIDTH && uses.incrementAndGet() == WIDEN_AFTER) {
                Thread widen = new Thread(() -> table = wide(point, bits), "stark-table-widen");
                widen.setDaemon(true);
                widen.setPriority(Thread.MIN_PRIORITY);
                widen.start();
            }
            return t;
        }

        /** Builds and swaps in the wide table on this thread (what the background thread does). */
        void widenNow() {
            if (table.width() != PUBLIC_WIDTH) {
                table = wide(point, bits);
            }
        }

        /**
         * @param acc the sum to add to
         * @param words the scalar's words
         * @param from its first bit
         */
        void addMultiple(JacobianPoint acc, long[] words, int from) {
            FixedBaseTable t = get();
            t.addMultiple(acc, FixedBaseTable.recode(words, from, bits, t.width()));
        }
    }

    /**
     * Widens every public-scalar table now, on this thread (tests check both widths against the oracle).
     *
     * @return the widths now in use: the generator's and Pedersen's two
     */
    static int[] widenPublicTables() {
        PublicGenerator.TABLE.widenNow();
        Pedersen.LOW_A.widenNow();
        Pedersen.LOW_B.widenNow();
        return new int[] {PublicGenerator.TABLE.get().width(), Pedersen.LOW_A.get().width(), Pedersen.LOW_B.get().width()};
    }

    /** The generator's table for public scalars (verify's {@code u1}): the secret-scalar table until it widens. */
    private static final class PublicGenerator {
        static final WideningTable TABLE = new WideningTable(Generator.TABLE, new BigInteger[] {GX, GY}, 252);
    }

    private static final class Generator {
        static final FixedBaseTable TABLE = new FixedBaseTable(GX, GY, 252);
        /**
         * Where a secret scalar's sum starts and what is taken off at the end: the Pedersen shift point,
         * whose discrete logarithm to G nobody knows, so the masked additions never meet infinity or a
         * doubling.
         */
        static final long[] OFFSET_X = StarkField.fromBigInteger(PEDERSEN[0][0]);
        static final long[] OFFSET_Y = StarkField.fromBigInteger(PEDERSEN[0][1]);
        static final long[] MINUS_OFFSET_Y = StarkField.fromBigInteger(StarkField.P.subtract(PEDERSEN[0][1]));
    }

    /** The Pedersen points' tables, built on the first hash. */
    private static final class Pedersen {
        static final long[] P0X = StarkField.fromBigInteger(PEDERSEN[0][0]);
        static final long[] P0Y = StarkField.fromBigInteger(PEDERSEN[0][1]);
        static final WideningTable LOW_A = new WideningTable(new FixedBaseTable(PEDERSEN[1][0], PEDERSEN[1][1], 248),
                PEDERSEN[1], 248);
        static final FixedBaseTable HIGH_A = new FixedBaseTable(PEDERSEN[2][0], PEDERSEN[2][1], 4);
        static final WideningTable LOW_B = new WideningTable(new FixedBaseTable(PEDERSEN[3][0], PEDERSEN[3][1], 248),
                PEDERSEN[3], 248);
        static final FixedBaseTable HIGH_B = new FixedBaseTable(PEDERSEN[4][0], PEDERSEN[4][1], 4);
    }

    @Override
    public Felt publicKey(Felt privateKey) {
        BigInteger d = checkPrivateKey(privateKey);
        JacobianPoint p = generatorMultiple(d, true);
        long[] x = new long[4];
        p.affineX(x, true);
        return new Felt(StarkField.toBigInteger(x));
    }

    @Override
    public Signature sign(Felt privateKey, Felt messageHash) {
        BigInteger d = checkPrivateKey(privateKey);
        if (messageHash == null) {
            throw new InvalidFieldException("message_hash", "a hash in [1, 2^251)", null);
        }
        BigInteger z = messageHash.value();
        if (z.signum() == 0 || z.compareTo(BOUND) >= 0) {
            throw new InvalidFieldException("message_hash", "a hash in [1, 2^251)", "0x" + z.toString(16));
        }
        HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
        nonces.init(N, d, nonceSeed(z));
        for (int attempt = 0; attempt < NONCE_ATTEMPTS; attempt++) {
            BigInteger k = nonces.nextK();
            JacobianPoint kg = generatorMultiple(k, true);
            long[] x = new long[4];
            kg.affineX(x, true);
            BigInteger r = StarkField.toBigInteger(x);
            if (r.signum() == 0 || r.compareTo(N) >= 0) {
                continue;
            }
            BigInteger s = r.multiply(d).mod(N).add(z).multiply(inverseModN(k, true)).mod(N);
            if (s.signum() == 0) {
                continue;
            }
            if (inverseModN(s, false).compareTo(BOUND) >= 0) {
                continue;
            }
            return new Signature(new Felt(r), new Felt(s));
        }
        throw new SmainerException("no usable RFC 6979 nonce in " + NONCE_ATTEMPTS + " attempts for this key and hash");
    }

    /**
     * {@code v^-1 mod n} by Bernstein and Yang's safegcd (Bouncy Castle's {@code Mod}): about 2 us where
     * {@code BigInteger.modInverse} took 10, and in constant time for a secret such as a signing nonce.
     *
     * @param v a value in {@code [1, n)}
     * @param secret whether {@code v} must not leak through timing
     * @return its inverse modulo the curve order
     */
    private static BigInteger inverseModN(BigInteger v, boolean secret) {
        int[] z = new int[8];
        int[] x = Nat256.fromBigInteger(v);
        boolean invertible = secret ? Mod.modOddInverse(N_INTS, x, z) != 0 : Mod.modOddInverseVar(N_INTS, x, z);
        if (!invertible) {
            throw new ArithmeticException("0 has no inverse modulo the curve order");
        }
        return Nat256.toBigInteger(z);
    }

    @Override
    public boolean verify(Felt publicKey, Felt messageHash, Signature signature) {
        if (publicKey == null || messageHash == null || signature == null) {
            return false;
        }
        BigInteger s = signature.s().value();
        if (s.mod(N).signum() == 0) {
            return false; // starknet-jvm cannot invert s
        }
        BigInteger w = inverseModN(s.mod(N), false);
        BigInteger z = messageHash.value();
        BigInteger r = signature.r().value();
        if (!inSignatureRange(z) || !inSignatureRange(r) || !inSignatureRange(w)) {
            return false;
        }
        BigInteger key = publicKey.value();
        KeyTables.Entry table = keyTables.find(key);
        long[] c;
        long[] qx = null;
        if (table != null) {
            c = table.c(); // the key was checked when its table was built
        } else {
            // The public key must be the x of a curve point: c = x^3 + x + b must be a square.
            qx = StarkField.fromBigInteger(key);
            c = new long[4];
            StarkField.sqr(c, qx);
            StarkField.add(c, c, StarkField.ONE);
            StarkField.mul(c, c, qx);
            StarkField.add(c, c, BETA_M);
            if (!StarkField.isNonZeroSquare(c)) {
                return false; // (c = 0 would need a point of order 2; the curve's order is prime)
            }
            table = keyTables.sighted(key, qx, c);
        }
        BigInteger u1 = z.multiply(w).mod(N);
        BigInteger u2 = r.multiply(w).mod(N);

        JacobianPoint p1 = generatorMultiple(u1, false);
        // u2 * Q on y^2 = x^3 + c^2 x + c^3 b, which holds (c x, c^2) and maps x' -> x'/c onto the curve.
        JacobianPoint p2;
        if (table != null) {
            p2 = table.multiple(u2);
        } else {
            long[] a2 = new long[4];
            StarkField.sqr(a2, c);
            long[] tx = new long[4];
            StarkField.mul(tx, c, qx);
            p2 = variableMultiple(tx, a2, a2, u2);
        }
        if (p1.isInfinity() || p2.isInfinity()) {
            return false; // crypto-cpp refuses a zero product; u1 and u2 are in [1, n), so it cannot happen
        }
        // x1 = A / B, x2 = C / D
        long[] bb = new long[4];
        StarkField.sqr(bb, p1.z);
        long[] aa = p1.x;
        long[] dd = new long[4];
        StarkField.sqr(dd, p2.z);
        StarkField.mul(dd, dd, c);
        long[] cc = p2.x;
        long[] ad = new long[4];
        long[] cb = new long[4];
        StarkField.mul(ad, aa, dd);
        StarkField.mul(cb, cc, bb);
        if (StarkField.equal(ad, cb)) {
            return false; // u1*G = +-u2*Q: crypto-cpp's addition refuses equal x
        }
        long[] rr = StarkField.fromBigInteger(r);
        long[] ac = new long[4];
        long[] bd = new long[4];
        StarkField.mul(ac, aa, cc);
        StarkField.mul(bd, bb, dd);
        long[] sum = new long[4];
        StarkField.add(sum, ad, cb); // AD + CB
        // quadratic coefficient: (AD - CB)^2
        long[] q2 = new long[4];
        StarkField.sub(q2, ad, cb);
        StarkField.sqr(q2, q2);
        // linear: 2 * ((AC + BD)(AD + CB) + 2b BD^2)
        long[] q1 = new long[4];
        long[] t = new long[4];
        StarkField.add(q1, ac, bd);
        StarkField.mul(q1, q1, sum);
        StarkField.sqr(t, bd);
        StarkField.mul(t, t, BETA_M);
        StarkField.dbl(t, t);
        StarkField.add(q1, q1, t);
        StarkField.dbl(q1, q1);
        // constant: (AC - BD)^2 - 4b BD (AD + CB)
        long[] q0 = new long[4];
        StarkField.sub(q0, ac, bd);
        StarkField.sqr(q0, q0);
        StarkField.mul(t, bd, sum);
        StarkField.mul(t, t, BETA_M);
        StarkField.dbl(t, t);
        StarkField.dbl(t, t);
        StarkField.sub(q0, q0, t);
        // q2 r^2 - q1 r + q0 == 0 (Horner)
        StarkField.mul(q2, q2, rr);
        StarkField.sub(q2, q2, q1);
        StarkField.mul(q2, q2, rr);
        StarkField.add(q2, q2, q0);
        return StarkField.isZero(q2);
    }

    @Override
    public Felt pedersen(Felt a, Felt b) {
        if (a == null || b == null) {
            throw new InvalidFieldException(a == null ? "a" : "b", "a felt", null);
        }
        long[] aw = StarkField.words(a.value());
        long[] bw = StarkField.words(b.value());
        JacobianPoint acc = new JacobianPoint();
        acc.setAffine(Pedersen.P0X, Pedersen.P0Y);
        Pedersen.LOW_A.addMultiple(acc, aw, 0);
        Pedersen.HIGH_A.addMultiple(acc, FixedBaseTable.recode(aw, 248, 4));
        Pedersen.LOW_B.addMultiple(acc, bw, 0);
        Pedersen.HIGH_B.addMultiple(acc, FixedBaseTable.recode(bw, 248, 4));
        long[] x = new long[4];
        acc.affineX(x);
        return new Felt(StarkField.toBigInteger(x));
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public String toString() {
        return "StarkCrypto[fast]";
    }

    private static JacobianPoint generatorMultiple(BigInteger k, boolean secret) {
        JacobianPoint acc = new JacobianPoint();
        long[] words = StarkField.words(k);
        if (secret) {
            acc.setAffine(Generator.OFFSET_X, Generator.OFFSET_Y);
            Generator.TABLE.addMultipleMasked(acc, FixedBaseTable.recode(words, 0, 252));
            acc.addAffine(Generator.OFFSET_X, Generator.MINUS_OFFSET_Y, null);
        } else {
            acc.setInfinity();
            PublicGenerator.TABLE.addMultiple(acc, words, 0);
        }
        return acc;
    }

    /**
     * {@code k * (qx, qy)} on {@code y^2 = x^3 + a x + b'} by a width-5 NAF over the odd multiples
     * {@code Q, 3Q, ..., 15Q}.
     */
    static JacobianPoint variableMultiple(long[] qx, long[] qy, long[] a, BigInteger k) {
        int half = 1 << (WNAF_WIDTH - 2); // 8 odd multiples
        JacobianPoint[] odd = new JacobianPoint[half];
        odd[0] = new JacobianPoint();
        odd[0].setAffine(qx, qy);
        JacobianPoint twice = new JacobianPoint();
        twice.copyFrom(odd[0]);
        twice.twice(a);
        for (int i = 1; i < half; i++) {
            odd[i] = new JacobianPoint();
            odd[i].copyFrom(odd[i - 1]);
            odd[i].addPoint(twice, a);
        }
        JacobianPoint neg = new JacobianPoint();
        int[] naf = wnaf(k);
        JacobianPoint acc = new JacobianPoint();
        acc.setInfinity();
        for (int i = naf.length - 1; i >= 0; i--) {
            acc.twice(a);
            int d = naf[i];
            if (d > 0) {
                acc.addPoint(odd[d >> 1], a);
            } else if (d < 0) {
                neg.copyFrom(odd[(-d) >> 1]);
                neg.negate();
                acc.addPoint(neg, a);
            }
        }
        return acc;
    }

    /** Width-5 non-adjacent form, least significant digit first; digits are 0 or odd in [-15, 15]. */
    static int[] wnaf(BigInteger k) {
        long[] w = StarkField.words(k);
        long w4 = 0; // room for the carry of a negative digit
        int[] out = new int[258];
        int len = 0;
        while ((w[0] | w[1] | w[2] | w[3] | w4) != 0) {
            int d = 0;
            if ((w[0] & 1) != 0) {
                d = (int) (w[0] & 31);
                if (d >= 16) {
                    d -= 32;
                }
                // w -= d
                if (d > 0) {
                    long prev = w[0];
                    w[0] -= d;
                    if (Long.compareUnsigned(prev, d) < 0) {
                        borrow(w, 1);
                    }
                } else {
                    long prev = w[0];
                    w[0] += -d;
                    if (Long.compareUnsigned(w[0], prev) < 0) {
                        for (int i = 1; i < 4; i++) {
                            if (++w[i] != 0) {
                                break;
                            }
                            if (i == 3) {
                                w4++;
                            }
                        }
                    }
                }
            }
            out[len++] = d;
            w[0] = (w[0] >>> 1) | (w[1] << 63);
            w[1] = (w[1] >>> 1) | (w[2] << 63);
            w[2] = (w[2] >>> 1) | (w[3] << 63);
            w[3] = (w[3] >>> 1) | (w4 << 63);
            w4 >>>= 1;
        }
        return Arrays.copyOf(out, len);
    }

    private static void borrow(long[] w, int from) {
        for (int i = from; i < 4; i++) {
            if (w[i]-- != 0) {
                return;
            }
        }
    }

    /**
     * The message bytes that seed RFC 6979, as StarkWare's reference ({@code generate_k_rfc6979} in cairo-lang) forms
     * them: the hash's minimal unsigned big-endian bytes, after multiplying a hash of 249 to 251 bits (one nibble
     * short of 32 bytes) by 16. RFC 6979's {@code bits2int} then shifts those 32 bytes right by 4 (the order has 252
     * bits), so such a hash seeds the nonce whole. Without the factor (starknet-jvm 0.18.0) it would lose its last
     * nibble, and the signature would differ from the reference family's (cairo-lang, @scure/starknet, starknet.js).
     */
    static byte[] nonceSeed(BigInteger z) {
        int bits = z.bitLength();
        return unsignedBytes(bits >= 249 && bits % 8 >= 1 && bits % 8 <= 4 ? z.shiftLeft(4) : z);
    }

    /** The value's minimal unsigned big-endian bytes, as starknet-jvm's {@code BigInteger.toBytes()} gives them. */
    static byte[] unsignedBytes(BigInteger v) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            return Arrays.copyOfRange(b, 1, b.length);
        }
        return b;
    }

    private static boolean inSignatureRange(BigInteger v) {
        return v.signum() > 0 && v.compareTo(BOUND) < 0;
    }

    private static BigInteger checkPrivateKey(Felt privateKey) {
        if (privateKey == null) {
            throw new InvalidFieldException("private_key", "an integer in [1, n) for the Stark curve order n", null);
        }
        BigInteger d = privateKey.value();
        if (d.signum() <= 0 || d.compareTo(N) >= 0) {
            throw new InvalidFieldException("private_key", "an integer in [1, n) for the Stark curve order n", "(hidden)");
        }
        return d;
    }

    private static boolean onCurve(BigInteger x, BigInteger y) {
        BigInteger p = StarkField.P;
        return y.multiply(y).subtract(x.pow(3)).subtract(x).subtract(BETA).mod(p).signum() == 0;
    }

    private static BigInteger hex(String s) {
        return new BigInteger(s, 16);
    }
}
