package io.smainer.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.swmansion.starknet.crypto.Poseidon;
import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FastPoseidon} against starknet-jvm's native Poseidon, the oracle. */
class FastPoseidonTest {

    @Test
    void hashOfTwoMatchesStarknetJvmOnRandomAndEdgeInputs() {
        Random random = new Random(3);
        List<Felt> edges = List.of(Felt.ZERO, Felt.ONE, new Felt(Felt.PRIME.subtract(BigInteger.ONE)),
                new Felt(BigInteger.ONE.shiftLeft(251)));
        for (Felt a : edges) {
            for (Felt b : edges) {
                assertThat(FastPoseidon.hash(a, b)).isEqualTo(oracle(a, b));
            }
        }
        for (int i = 0; i < 500; i++) {
            Felt a = random(random);
            Felt b = random(random);
            assertThat(FastPoseidon.hash(a, b)).as("poseidon(%s, %s)", a, b).isEqualTo(oracle(a, b));
        }
    }

    @Test
    void hashManyMatchesStarknetJvmForEveryLengthUpToNine() {
        Random random = new Random(4);
        for (int n = 0; n <= 9; n++) {
            for (int trial = 0; trial < 30; trial++) {
                List<Felt> values = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    values.add(random(random));
                }
                List<com.swmansion.starknet.data.types.Felt> sn = values.stream().map(Felts::toSn).toList();
                assertThat(FastPoseidon.hashMany(values)).as("poseidon_many of %d", n)
                        .isEqualTo(Felts.fromSn(Poseidon.poseidonHash(sn)));
            }
        }
    }

    @Test
    void aPrefixedHashManyEqualsHashingThePrefixAgainForEveryLengthUpToSeven() {
        Random random = new Random(5);
        for (int n = 0; n <= 7; n++) {
            for (int trial = 0; trial < 20; trial++) {
                Felt first = random(random);
                Felt second = random(random);
                List<Felt> rest = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rest.add(random(random));
                }
                List<Felt> all = new ArrayList<>(List.of(first, second));
                all.addAll(rest);
                List<com.swmansion.starknet.data.types.Felt> sn = all.stream().map(Felts::toSn).toList();
                FastPoseidon.Prefix prefix = FastPoseidon.prefix(first, second);
                assertThat(FastPoseidon.hashMany(prefix, rest)).as("prefixed poseidon_many of 2 + %d", n)
                        .isEqualTo(Felts.fromSn(Poseidon.poseidonHash(sn)));
                // the prefix is not changed by use
                assertThat(FastPoseidon.hashMany(prefix, rest)).isEqualTo(FastPoseidon.hashMany(all));
            }
        }
    }

    private static Felt oracle(Felt a, Felt b) {
        return Felts.fromSn(Poseidon.poseidonHash(Felts.toSn(a), Felts.toSn(b)));
    }

    private static Felt random(Random random) {
        return Felt.reduce(new BigInteger(252, random));
    }
}
