package io.smainer.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Verify through a key's precomputed table must say exactly what verify without one says, and what
 * starknet-jvm says, for valid, tampered and edge-case signatures; and the tables must be kept only for
 * keys seen twice, within their bound.
 */
class KeyTablesTest {
    private static final BigInteger N = KeyPair.CURVE_ORDER;
    private static final BigInteger BOUND = BigInteger.ONE.shiftLeft(251);
    private static final StarkCrypto ORACLE = StarkCrypto.starknetJvm();

    private static BigInteger randomBelow(SplittableRandom random, BigInteger bound) {
        byte[] bytes = new byte[32];
        while (true) {
            random.nextBytes(bytes);
            BigInteger v = new BigInteger(1, bytes).mod(BigInteger.ONE.shiftLeft(bound.bitLength()));
            if (v.signum() > 0 && v.compareTo(bound) < 0) {
                return v;
            }
        }
    }

    /** Each case: a key's public key, a hash and a signature, valid or tampered. */
    private record Case(Felt publicKey, Felt hash, Signature signature) {
    }

    private static List<Case> casesOverReusedKeys(int keys, int perKey, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StarkCrypto fast = StarkCrypto.fast();
        List<Case> cases = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            Felt key = new Felt(randomBelow(random, N));
            Felt publicKey = fast.publicKey(key);
            for (int i = 0; i < perKey; i++) {
                Felt hash = new Felt(randomBelow(random, BOUND));
                Signature sig = fast.sign(key, hash);
                BigInteger r = sig.r().value();
                BigInteger s = sig.s().value();
                cases.add(new Case(publicKey, hash, sig));
                switch (i % 5) {
                    case 0 -> cases.add(new Case(publicKey, new Felt(hash.value().add(BigInteger.ONE).mod(BOUND)), sig));
                    case 1 -> cases.add(new Case(publicKey, hash, new Signature(sig.r(), new Felt(s.add(BigInteger.ONE)))));
                    case 2 -> cases.add(new Case(publicKey, hash, new Signature(new Felt(r.add(BigInteger.ONE)), sig.s())));
                    case 3 -> cases.add(new Case(publicKey, hash, new Signature(sig.r(), new Felt(N.subtract(s)))));
                    default -> cases.add(new Case(publicKey, hash,
                            new Signature(new Felt(randomBelow(random, BOUND)), new Felt(randomBelow(random, BOUND)))));
                }
            }
        }
        return cases;
    }

    @Test
    void verdictsThroughAKeysTableEqualThoseWithoutAndStarknetJvms() {
        FastStarkCrypto withTables = FastStarkCrypto.withKeyTables(64);
        FastStarkCrypto without = FastStarkCrypto.withKeyTables(0);
        List<Case> cases = casesOverReusedKeys(8, 40, 0x7AB1E5L);
        int valid = 0;
        for (Case c : cases) {
            boolean expected = without.verify(c.publicKey(), c.hash(), c.signature());
            assertThat(withTables.verify(c.publicKey(), c.hash(), c.signature()))
                    .as("with tables: key %s, hash %s, %s", c.publicKey().hex(), c.hash().hex(), c.signature())
                    .isEqualTo(expected);
            if (expected) {
                valid++;
            }
        }
        assertThat(withTables.keyTablesInUse()).isEqualTo(8);
        assertThat(without.keyTablesInUse()).isZero();
        // 8 keys x 40 signatures, plus the high-s twin of one in five: the rest of the tampering must fail
        assertThat(valid).isEqualTo(8 * 40 + 8 * 8);
        // starknet-jvm agrees on every case, now that every key has a table
        for (Case c : cases) {
            assertThat(withTables.verify(c.publicKey(), c.hash(), c.signature()))
                    .as("against starknet-jvm: key %s, hash %s, %s", c.publicKey().hex(), c.hash().hex(), c.signature())
                    .isEqualTo(ORACLE.verify(c.publicKey(), c.hash(), c.signature()));
        }
    }

    @Test
    void aSignatureWhoseTwoProductsShareTheirXFailsThroughTheTableToo() {
        // z = +-r*d makes u1*G = +-u2*Q; crypto-cpp refuses equal x (see StarkCryptoEdgeCaseTest)
        FastStarkCrypto withTables = FastStarkCrypto.withKeyTables(4);
        BigInteger d = new BigInteger("2dccce1da22003777062ee0870e9881b", 16);
        Felt publicKey = withTables.publicKey(new Felt(d));
        Felt hash = Felt.parse("0x1234");
        withTables.verify(publicKey, hash, withTables.sign(new Felt(d), hash)); // first sighting
        withTables.verify(publicKey, hash, withTables.sign(new Felt(d), hash)); // second: the table is built
        assertThat(withTables.keyTablesInUse()).isEqualTo(1);
        int found = 0;
        for (long t = 1; found < 4 && t < 200; t++) {
            BigInteger r = ORACLE.publicKey(new Felt(BigInteger.valueOf(2 * t))).value();
            for (int sign : new int[] {1, -1}) {
                BigInteger z = r.multiply(d).multiply(BigInteger.valueOf(sign)).mod(N);
                if (r.compareTo(BOUND) >= 0 || z.signum() == 0 || z.compareTo(BOUND) >= 0) {
                    continue;
                }
                BigInteger w = BigInteger.valueOf(t).multiply(z.modInverse(N)).mod(N);
                if (w.compareTo(BOUND) >= 0) {
                    continue;
                }
                found++;
                Signature sig = new Signature(new Felt(r), new Felt(w.modInverse(N)));
                assertThat(withTables.verify(publicKey, new Felt(z), sig)).isFalse();
                assertThat(ORACLE.verify(publicKey, new Felt(z), sig)).isFalse();
            }
        }
        assertThat(found).isEqualTo(4);
    }

    @Test
    void aKeyGetsItsTableOnItsSecondSightingAndOnlyThen() {
        FastStarkCrypto crypto = FastStarkCrypto.withKeyTables(8);
        Felt key = Felt.parse("0x5eed");
        Felt publicKey = crypto.publicKey(key);
        Felt hash = Felt.parse("0xabc");
        Signature sig = crypto.sign(key, hash);
        assertThat(crypto.verify(publicKey, hash, sig)).isTrue();
        assertThat(crypto.keyTablesInUse()).isZero();
        assertThat(crypto.verify(publicKey, hash, sig)).isTrue();
        assertThat(crypto.keyTablesInUse()).isEqualTo(1);
        assertThat(crypto.verify(publicKey, hash, sig)).isTrue();
        assertThat(crypto.keyTablesInUse()).isEqualTo(1);
    }

    @Test
    void aKeyThatIsNoCurvePointNeverGetsATable() {
        FastStarkCrypto crypto = FastStarkCrypto.withKeyTables(8);
        Felt hash = Felt.parse("0x77");
        Signature sig = crypto.sign(Felt.parse("0x2"), hash);
        BigInteger p = StarkField.P;
        int offCurve = 0;
        for (long x = 1; offCurve < 3; x++) {
            BigInteger c = BigInteger.valueOf(x).pow(3).add(BigInteger.valueOf(x)).add(FastStarkCrypto.BETA).mod(p);
            if (c.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE)) {
                continue;
            }
            offCurve++;
            for (int i = 0; i < 3; i++) {
                assertThat(crypto.verify(Felt.of(x), hash, sig)).isFalse();
            }
        }
        assertThat(crypto.keyTablesInUse()).isZero();
    }

    @Test
    void keepsAtMostItsCapacityOfTablesDroppingTheLeastRecentlyUsed() {
        FastStarkCrypto crypto = FastStarkCrypto.withKeyTables(3);
        Felt hash = Felt.parse("0x99");
        List<Felt> keys = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            keys.add(Felt.of(1000 + i));
        }
        for (Felt key : keys) {
            Felt publicKey = crypto.publicKey(key);
            Signature sig = crypto.sign(key, hash);
            assertThat(crypto.verify(publicKey, hash, sig)).isTrue();
            assertThat(crypto.verify(publicKey, hash, sig)).isTrue();
        }
        assertThat(crypto.keyTablesInUse()).isEqualTo(3);
        // the first key lost its table: it is seen once more before a new one is built, and still verifies
        Felt first = keys.get(0);
        assertThat(crypto.verify(crypto.publicKey(first), hash, crypto.sign(first, hash))).isTrue();
        assertThat(crypto.keyTablesInUse()).isEqualTo(3);
    }

    @Test
    void aCapacityOfZeroTurnsTheTablesOffAndANegativeOneIsRefusedByName() {
        FastStarkCrypto crypto = FastStarkCrypto.withKeyTables(0);
        Felt key = Felt.parse("0x5eed");
        Felt hash = Felt.parse("0xabc");
        for (int i = 0; i < 3; i++) {
            assertThat(crypto.verify(crypto.publicKey(key), hash, crypto.sign(key, hash))).isTrue();
        }
        assertThat(crypto.keyTablesInUse()).isZero();
        assertThatThrownBy(() -> new KeyTables(-1)).hasMessageContaining("capacity");

        String before = System.getProperty(KeyTables.CAPACITY_PROPERTY);
        try {
            System.setProperty(KeyTables.CAPACITY_PROPERTY, "lots");
            assertThatThrownBy(KeyTables::configuredCapacity)
                    .hasMessageContaining(KeyTables.CAPACITY_PROPERTY)
                    .hasMessageContaining("'lots'");
            System.setProperty(KeyTables.CAPACITY_PROPERTY, "12");
            assertThat(KeyTables.configuredCapacity()).isEqualTo(12);
        } finally {
            if (before == null) {
                System.clearProperty(KeyTables.CAPACITY_PROPERTY);
            } else {
                System.setProperty(KeyTables.CAPACITY_PROPERTY, before);
            }
        }
    }

    @Test
    void signedDigitsOfEveryWidthAddUpToTheScalar() {
        SplittableRandom random = new SplittableRandom(5);
        for (int width = 2; width <= 8; width++) {
            int half = 1 << (width - 1);
            for (int i = 0; i < 500; i++) {
                BigInteger k = i == 0 ? BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE) : randomBelow(random, N);
                int[] digits = FixedBaseTable.recode(StarkField.words(k), 0, 252, width);
                assertThat(digits).hasSize(FixedBaseTable.windowsFor(252, width));
                BigInteger sum = BigInteger.ZERO;
                for (int j = digits.length - 1; j >= 0; j--) {
                    assertThat(digits[j]).isBetween(-half, half - 1);
                    sum = sum.shiftLeft(width).add(BigInteger.valueOf(digits[j]));
                }
                assertThat(sum).as("width %d, k %s", width, k.toString(16)).isEqualTo(k);
            }
        }
    }
}
