package io.smainer.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The public-scalar tables start with 8-bit windows and widen to 12 bits after {@link FastStarkCrypto#WIDEN_AFTER}
 * uses: Pedersen hashes and verdicts are starknet-jvm's before and after the widening, edge inputs included.
 */
class WideningTablesTest {
    private static final StarkCrypto FAST = StarkCrypto.fast();
    private static final StarkCrypto ORACLE = StarkCrypto.starknetJvm();

    @Test
    void pedersenAndVerifyAgreeWithStarknetJvmBeforeAndAfterTheTablesWiden() {
        List<Felt[]> pairs = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (BigInteger edge : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.shiftLeft(248).subtract(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(248), Felt.PRIME.subtract(BigInteger.ONE))) {
            pairs.add(new Felt[] {new Felt(edge), new Felt(edge)});
        }
        for (int i = 0; i < 40; i++) {
            pairs.add(new Felt[] {new Felt(new BigInteger(251, new Random(random.nextLong()))),
                new Felt(new BigInteger(251, new Random(random.nextLong())))});
        }
        KeyPair key = KeyPair.fromPrivateKey(Felt.parse("0x1234567"), FAST);
        Felt hash = Felt.parse("0x3f2a");
        Signature sig = FAST.sign(key.privateKey(), hash);

        List<Felt> before = new ArrayList<>();
        for (Felt[] p : pairs) {
            before.add(FAST.pedersen(p[0], p[1]));
        }
        boolean verifiedBefore = FAST.verify(key.publicKey(), hash, sig);
        int[] widths = FastStarkCrypto.widenPublicTables();

        assertThat(widths).containsOnly(FastStarkCrypto.PUBLIC_WIDTH);
        for (int i = 0; i < pairs.size(); i++) {
            Felt expected = ORACLE.pedersen(pairs.get(i)[0], pairs.get(i)[1]);
            assertThat(before.get(i)).as("pedersen #%d before widening", i).isEqualTo(expected);
            assertThat(FAST.pedersen(pairs.get(i)[0], pairs.get(i)[1])).as("pedersen #%d after widening", i)
                    .isEqualTo(expected);
        }
        assertThat(verifiedBefore).isTrue();
        assertThat(FAST.verify(key.publicKey(), hash, sig)).isTrue();
        assertThat(FAST.verify(key.publicKey(), Felt.parse("0x3f2b"), sig)).isFalse();
        assertThat(ORACLE.verify(key.publicKey(), hash, sig)).isTrue();
    }
}
