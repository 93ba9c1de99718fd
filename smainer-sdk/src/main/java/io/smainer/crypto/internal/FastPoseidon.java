package io.smainer.crypto.internal;

import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Starknet's Poseidon hash (the Hades permutation over the Stark field with a state of 3, 8 full and 83
 * partial rounds, the cube as S-box, the MDS matrix {@code [[3,1,1],[1,-1,1],[1,1,-2]]}, and round keys
 * {@code sha256("Hades" + i) mod p}), on {@link StarkField}'s Montgomery arithmetic. starknet-jvm's
 * native Poseidon costs about 200 us a permutation on our machine; this one a few microseconds.
 * {@code FastPoseidonTest} checks it against starknet-jvm on random inputs. Not API.
 */
public final class FastPoseidon {
    private static final int FULL_ROUNDS = 8;
    private static final int PARTIAL_ROUNDS = 83;
    private static final int ROUNDS = FULL_ROUNDS + PARTIAL_ROUNDS;
    /**
     * Round keys in Montgomery form, three per round, with the partial rounds' first two keys folded
     * forward (see {@link #foldPartialKeys}): a partial round adds only its third.
     */
    private static final long[][][] KEYS = foldPartialKeys(roundKeys());
    private static final long[] TWO = StarkField.fromBigInteger(BigInteger.TWO);

    private FastPoseidon() {
    }

    /**
     * {@code poseidon_hash(x, y)}: the permutation of {@code [x, y, 2]}, first element.
     *
     * @param x first input
     * @param y second input
     * @return the hash
     */
    public static Felt hash(Felt x, Felt y) {
        long[][] s = {mont(x), mont(y), TWO.clone()};
        permute(s);
        return out(s[0]);
    }

    /**
     * {@code poseidon_hash_many(values)}: a sponge of rate 2 over the values padded with 1 (and a 0 to
     * make the count even), first element of the final state.
     *
     * @param values the inputs
     * @return the hash
     */
    public static Felt hashMany(List<Felt> values) {
        long[][] s = {StarkField.create(), StarkField.create(), StarkField.create()};
        return absorb(s, values);
    }

    private static Felt absorb(long[][] s, List<Felt> values) {
        int n = values.size();
        int i = 0;
        for (; i + 1 < n; i += 2) {
            StarkField.add(s[0], s[0], mont(values.get(i)));
            StarkField.add(s[1], s[1], mont(values.get(i + 1)));
            permute(s);
        }
        if (i < n) {
            StarkField.add(s[0], s[0], mont(values.get(i)));
            StarkField.add(s[1], s[1], StarkField.ONE);
        } else {
            StarkField.add(s[0], s[0], StarkField.ONE);
        }
        permute(s);
        return out(s[0]);
    }


    /**
     * The sponge after absorbing one fixed pair, for {@link #hashMany(Prefix, List)} calls that all start
     * with it (a SNIP-12 message starts with "StarkNet Message" and the domain's hash).
     */
    public static final class Prefix {
        private final long[][] state;

        private Prefix(long[][] state) {
            this.state = state;
        }
    }

    /**
     * @param first the first value hashed
     * @param second the second
     * @return the sponge after absorbing them
     */
    public static Prefix prefix(Felt first, Felt second) {
        long[][] s = {mont(first), mont(second), StarkField.create()};
        permute(s);
        return new Prefix(s);
    }

    /**
     * {@code hashMany} of the prefix's two values followed by {@code rest}, without hashing the prefix
     * again.
     *
     * @param prefix the absorbed first pair
     * @param rest the values after it
     * @return {@code poseidon_hash_many(first, second, rest...)}
     */
    public static Felt hashMany(Prefix prefix, List<Felt> rest) {
        long[][] s = {prefix.state[0].clone(), prefix.state[1].clone(), prefix.state[2].clone()};
        return absorb(s, rest);
    }

    private static void permute(long[][] s) {
        long[] t = StarkField.create();
        long[] u = StarkField.create();
        int round = 0;
        for (int r = 0; r < FULL_ROUNDS / 2; r++, round++) {
            fullRound(s, round, t, u);
        }
        for (int r = 0; r < PARTIAL_ROUNDS; r++, round++) {
            StarkField.add(s[2], s[2], KEYS[round][2]);
            cube(s[2], t);
            mix(s, t, u);
        }
        for (int r = 0; r < FULL_ROUNDS / 2; r++, round++) {
            fullRound(s, round, t, u);
        }
    }

    private static void fullRound(long[][] s, int round, long[] t, long[] u) {
        long[][] k = KEYS[round];
        for (int i = 0; i < 3; i++) {
            StarkField.add(s[i], s[i], k[i]);
            cube(s[i], t);
        }
        mix(s, t, u);
    }

    /**
     * {@code s = M s} with {@code M = [[3,1,1],[1,-1,1],[1,1,-2]]}: with {@code e = s0+s2} and
     * {@code t = e+s1}, {@code (t+2s0, e-s1, (t-s2)-2s2)}, eight additions.
     */
    private static void mix(long[][] s, long[] t, long[] u) {
        StarkField.add(u, s[0], s[2]); // e
        StarkField.add(t, u, s[1]); // t = s0 + s1 + s2
        StarkField.sub(s[1], u, s[1]); // s0 - s1 + s2
        StarkField.sub(u, t, s[2]); // s0 + s1
        StarkField.dbl(s[2], s[2]);
        StarkField.sub(s[2], u, s[2]); // s0 + s1 - 2 s2
        StarkField.dbl(u, s[0]);
        StarkField.add(s[0], t, u); // 3 s0 + s1 + s2
    }

    private static void cube(long[] a, long[] t) {
        StarkField.sqr(t, a);
        StarkField.mul(a, a, t);
    }

    private static long[] mont(Felt f) {
        return StarkField.fromBigInteger(f.value());
    }

    private static Felt out(long[] a) {
        return new Felt(StarkField.toBigInteger(a));
    }

    /**
     * A partial round cubes only the third element, so the keys it adds to the first two pass the S-box
     * unchanged and the mix linearly: adding {@code (k0, k1, 0)} before the round is the same as adding
     * {@code M (k0, k1, 0)} after it, which is folded into the next round's keys. The last partial
     * round's remainder lands in the first of the closing full rounds, which adds all three keys anyway.
     * {@code FastPoseidonTest} checks the result against starknet-jvm.
     */
    private static long[][][] foldPartialKeys(long[][][] keys) {
        long[] t = StarkField.create();
        long[] u = StarkField.create();
        for (int round = FULL_ROUNDS / 2; round < FULL_ROUNDS / 2 + PARTIAL_ROUNDS; round++) {
            long[][] carry = {keys[round][0].clone(), keys[round][1].clone(), StarkField.create()};
            keys[round][0] = StarkField.create();
            keys[round][1] = StarkField.create();
            mix(carry, t, u);
            for (int i = 0; i < 3; i++) {
                StarkField.add(keys[round + 1][i], keys[round + 1][i], carry[i]);
            }
        }
        return keys;
    }

    private static long[][][] roundKeys() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long[][][] keys = new long[ROUNDS][3][];
            for (int round = 0; round < ROUNDS; round++) {
                for (int j = 0; j < 3; j++) {
                    byte[] d = sha.digest(("Hades" + (3 * round + j)).getBytes(StandardCharsets.US_ASCII));
                    keys[round][j] = StarkField.fromBigInteger(new BigInteger(1, d).mod(StarkField.P));
                }
            }
            return keys;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
