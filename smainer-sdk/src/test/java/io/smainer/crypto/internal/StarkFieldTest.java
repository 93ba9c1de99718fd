package io.smainer.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StarkFieldTest {
    private static final BigInteger P = StarkField.P;
    private static final SplittableRandom RANDOM = new SplittableRandom(20261124L);

    /** Random elements plus the values where limb carries and the reduction's edges live. */
    private static List<BigInteger> samples(int randomCount) {
        List<BigInteger> values = new ArrayList<>();
        values.add(BigInteger.ZERO);
        values.add(BigInteger.ONE);
        values.add(BigInteger.TWO);
        values.add(P.subtract(BigInteger.ONE));
        values.add(P.subtract(BigInteger.TWO));
        values.add(P.shiftRight(1));
        values.add(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        values.add(BigInteger.ONE.shiftLeft(64));
        values.add(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        values.add(BigInteger.ONE.shiftLeft(192).subtract(BigInteger.ONE));
        values.add(BigInteger.ONE.shiftLeft(251));
        values.add(BigInteger.ONE.shiftLeft(251).subtract(BigInteger.ONE));
        values.add(BigInteger.ONE.shiftLeft(192).multiply(BigInteger.valueOf(17)));
        for (int i = 0; i < randomCount; i++) {
            values.add(random());
        }
        return values;
    }

    private static BigInteger random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new BigInteger(1, bytes).mod(P);
    }

    @Test
    void multipliesAddsSubtractsAndNegatesLikeBigIntegerModP() {
        List<BigInteger> xs = samples(3_000);
        List<BigInteger> ys = samples(3_000);
        Collections.reverse(ys);
        long[] r = new long[4];
        int checked = 0;
        for (int i = 0; i < xs.size(); i++) {
            BigInteger x = xs.get(i);
            for (BigInteger y : List.of(ys.get(i), xs.get((i * 7) % xs.size()), x)) {
                long[] xm = StarkField.fromBigInteger(x);
                long[] ym = StarkField.fromBigInteger(y);
                StarkField.mul(r, xm, ym);
                assertThat(StarkField.toBigInteger(r)).as("%s * %s", x, y).isEqualTo(x.multiply(y).mod(P));
                StarkField.sqr(r, xm);
                assertThat(StarkField.toBigInteger(r)).as("%s^2", x).isEqualTo(x.multiply(x).mod(P));
                StarkField.add(r, xm, ym);
                assertThat(StarkField.toBigInteger(r)).as("%s + %s", x, y).isEqualTo(x.add(y).mod(P));
                StarkField.sub(r, xm, ym);
                assertThat(StarkField.toBigInteger(r)).as("%s - %s", x, y).isEqualTo(x.subtract(y).mod(P));
                StarkField.neg(r, xm);
                assertThat(StarkField.toBigInteger(r)).as("-%s", x).isEqualTo(x.negate().mod(P));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(9_000);
    }

    @Test
    void resultsMayOverwriteTheirInputs() {
        BigInteger x = random();
        BigInteger y = random();
        long[] a = StarkField.fromBigInteger(x);
        StarkField.mul(a, a, StarkField.fromBigInteger(y));
        assertThat(StarkField.toBigInteger(a)).isEqualTo(x.multiply(y).mod(P));
        long[] b = StarkField.fromBigInteger(x);
        StarkField.sub(b, b, b);
        assertThat(StarkField.isZero(b)).isTrue();
    }

    @Test
    void invertsEveryNonZeroElementAndRefusesZero() {
        long[] r = new long[4];
        for (BigInteger x : samples(500)) {
            if (x.signum() == 0) {
                continue;
            }
            StarkField.inv(r, StarkField.fromBigInteger(x));
            assertThat(StarkField.toBigInteger(r)).as("1/%s", x).isEqualTo(x.modInverse(P));
        }
        assertThatThrownBy(() -> StarkField.inv(r, new long[4])).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void recognisesSquaresByEulersCriterion() {
        BigInteger half = P.subtract(BigInteger.ONE).shiftRight(1);
        int squares = 0;
        for (BigInteger x : samples(300)) {
            boolean expected = x.signum() != 0 && x.modPow(half, P).equals(BigInteger.ONE);
            assertThat(StarkField.isNonZeroSquare(StarkField.fromBigInteger(x))).as("%s", x).isEqualTo(expected);
            squares += expected ? 1 : 0;
            BigInteger square = x.multiply(x).mod(P);
            assertThat(StarkField.isNonZeroSquare(StarkField.fromBigInteger(square))).isEqualTo(x.signum() != 0);
        }
        assertThat(squares).isBetween(100, 220);
    }

    @Test
    void signedWindowDigitsAddUpToTheScalar() {
        for (int i = 0; i < 2_000; i++) {
            BigInteger k = i == 0 ? BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE) : new BigInteger(252, new Random(i));
            long[] words = StarkField.words(k);
            assertThat(sum(FixedBaseTable.recode(words, 0, 252), 8)).isEqualTo(k);
            assertThat(sum(FixedBaseTable.recode(words, 0, 248), 8)).isEqualTo(k.mod(BigInteger.ONE.shiftLeft(248)));
            assertThat(sum(FixedBaseTable.recode(words, 248, 4), 8)).isEqualTo(k.shiftRight(248));
            for (int d : FixedBaseTable.recode(words, 0, 252)) {
                assertThat(d).isBetween(-128, 127);
            }
        }
    }

    @Test
    void nonAdjacentFormDigitsAreOddAndAddUpToTheScalar() {
        for (int i = 0; i < 2_000; i++) {
            BigInteger k = i == 0 ? FastStarkCrypto.N.subtract(BigInteger.ONE) : new BigInteger(252, new Random(i)).mod(FastStarkCrypto.N);
            int[] naf = FastStarkCrypto.wnaf(k);
            BigInteger sum = BigInteger.ZERO;
            int lastNonZero = Integer.MAX_VALUE;
            for (int j = naf.length - 1; j >= 0; j--) {
                sum = sum.shiftLeft(1).add(BigInteger.valueOf(naf[j]));
                if (naf[j] != 0) {
                    assertThat(Math.abs(naf[j]) % 2).isEqualTo(1);
                    assertThat(Math.abs(naf[j])).isLessThanOrEqualTo(15);
                    assertThat(lastNonZero - j).as("digits apart").isGreaterThanOrEqualTo(5);
                    lastNonZero = j;
                }
            }
            assertThat(sum).isEqualTo(k);
        }
    }

    private static BigInteger sum(int[] digits, int width) {
        BigInteger s = BigInteger.ZERO;
        for (int i = digits.length - 1; i >= 0; i--) {
            s = s.shiftLeft(width).add(BigInteger.valueOf(digits[i]));
        }
        return s;
    }
}
