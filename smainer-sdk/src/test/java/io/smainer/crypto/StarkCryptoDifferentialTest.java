package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The fast implementation against starknet-jvm (the oracle) on random inputs, on every core.
 *
 * <p>The default counts keep the normal build short (about 20 s on a quiet 2-core machine) and still reach
 * every edge-case branch of the generators below several times (tiny keys and keys next to n, tiny hashes,
 * 248-bit hashes and hashes next to 2^251, felts next to P and at Pedersen's 248-bit split, every tamper kind).
 * {@code -Dsmainer.crypto.differential.long=true} runs the long defaults (10,000 cases and 2,000 signatures,
 * about 3 minutes on a quiet machine), e.g.
 * {@code mvn -pl smainer-sdk test -Dtest=StarkCryptoDifferentialTest -Dsmainer.crypto.differential.long=true}.
 * Counts and seed can also be set one by one:
 * <ul>
 *   <li>{@code smainer.crypto.differential.cases} (default 1,000; long 10,000): random keys, hashes and felt
 *       pairs; public key and Pedersen compared, the fast signature verified by both, and a tampered variant
 *       judged the same by both;</li>
 *   <li>{@code smainer.crypto.differential.signatures} (default 200; long 2,000, about 100 s on a quiet 2-core
 *       machine; starknet-jvm signs in 66 to 86 ms, so 10,000 take about 7 minutes): signatures
 *       compared byte for byte where both derive the nonce alike (hashes of at most 248 bits; see
 *       {@link #signsByteForByteAsStarknetJvmWhereTheNonceDerivationsAgreeAndEachVerifiesTheOther}), and
 *       the oracle's verified by the fast implementation;</li>
 *   <li>{@code smainer.crypto.differential.seed}: the random seed (printed with the results).</li>
 * </ul>
 */
class StarkCryptoDifferentialTest {
    private static final boolean LONG = Boolean.getBoolean("smainer.crypto.differential.long");
    private static final int CASES = Integer.getInteger("smainer.crypto.differential.cases", LONG ? 10_000 : 1_000);
    private static final int SIGNATURES = Integer.getInteger("smainer.crypto.differential.signatures", LONG ? 2_000 : 200);
    private static final long SEED = Long.getLong("smainer.crypto.differential.seed", 0x51A1_4E4CL);
    private static final StarkCrypto FAST = StarkCrypto.fast();
    private static final StarkCrypto ORACLE = StarkCrypto.starknetJvm();
    private static final BigInteger N = KeyPair.CURVE_ORDER;
    private static final BigInteger HASH_BOUND = BigInteger.ONE.shiftLeft(251);
    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** One worker's share of the cases, with its own random stream. */
    private interface Slice {
        void run(SplittableRandom random, int index, Queue<String> failures, AtomicLong checks);
    }

    @Test
    void agreesWithStarknetJvmOnPublicKeysPedersenAndVerdictsForRandomInputs() throws Exception {
        long checks = runParallel("keys, pedersen, verify", CASES, (random, i, failures, count) -> {
            Felt key = new Felt(randomKey(random, i));
            Felt hash = new Felt(randomHash(random, i));
            Felt a = new Felt(randomFelt(random, i));
            Felt b = new Felt(randomFelt(random, i + 1));

            Felt publicKey = FAST.publicKey(key);
            expectEqual(failures, "public key of " + key.hex(), publicKey, ORACLE.publicKey(key));
            expectEqual(failures, "pedersen(" + a.hex() + ", " + b.hex() + ")", FAST.pedersen(a, b), ORACLE.pedersen(a, b));

            Signature signature = FAST.sign(key, hash);
            String what = "fast signature by key " + key.hex() + " on " + hash.hex();
            expectEqual(failures, what + " verified by starknet-jvm", ORACLE.verify(publicKey, hash, signature), true);
            expectEqual(failures, what + " verified by fast", FAST.verify(publicKey, hash, signature), true);

            Felt[] tamperedKey = {publicKey};
            Felt[] tamperedHash = {hash};
            Signature tampered = tamper(random, i, publicKey, hash, signature, tamperedKey, tamperedHash);
            expectEqual(failures, "verdict on " + tampered + " for key " + tamperedKey[0].hex() + ", hash " + tamperedHash[0].hex(),
                    FAST.verify(tamperedKey[0], tamperedHash[0], tampered), ORACLE.verify(tamperedKey[0], tamperedHash[0], tampered));
            count.addAndGet(6);
        });
        assertThat(checks).isEqualTo(6L * CASES);
    }

    /**
     * Byte for byte equal where the two nonce derivations agree: hashes of at most 248 bits. On 249 to 251 bits the
     * fast implementation follows StarkWare's reference (cairo-lang's {@code generate_k_rfc6979} multiplies such a
     * hash by 16 before seeding RFC 6979) and starknet-jvm does not (Bouncy Castle's bits2int then shifts it right
     * by 4), so there the signatures differ by design: {@link StarkSignVectorsTest} checks the fast ones against
     * @scure/starknet's, and here each implementation verifies the other's.
     */
    @Test
    void signsByteForByteAsStarknetJvmWhereTheNonceDerivationsAgreeAndEachVerifiesTheOther() throws Exception {
        long checks = runParallel("signatures", SIGNATURES, (random, i, failures, count) -> {
            Felt key = new Felt(randomKey(random, i));
            Felt hash = new Felt(randomHash(random, i));
            Signature oracle = ORACLE.sign(key, hash);
            Signature fast = FAST.sign(key, hash);
            String what = "signature by key " + key.hex() + " on the " + hash.value().bitLength() + "-bit hash " + hash.hex();
            if (hash.value().bitLength() <= 248) {
                expectEqual(failures, what, fast, oracle);
            } else {
                expectEqual(failures, what + " differs (reference nonce)", fast.equals(oracle), false);
            }
            Felt publicKey = ORACLE.publicKey(key);
            expectEqual(failures, "starknet-jvm signature verified by fast", FAST.verify(publicKey, hash, oracle), true);
            expectEqual(failures, "fast signature verified by starknet-jvm", ORACLE.verify(publicKey, hash, fast), true);
            count.addAndGet(3);
        });
        assertThat(checks).isEqualTo(3L * SIGNATURES);
    }

    /** Changes one thing, so that most variants are invalid and some (high s, same signature) stay valid. */
    private static Signature tamper(SplittableRandom random, int i, Felt publicKey, Felt hash, Signature sig,
            Felt[] key, Felt[] msg) {
        BigInteger r = sig.r().value();
        BigInteger s = sig.s().value();
        switch (i % 7) {
            case 0:
                msg[0] = new Felt(hash.value().add(BigInteger.ONE).mod(HASH_BOUND));
                return sig;
            case 1:
                return new Signature(sig.r(), new Felt(s.add(BigInteger.ONE)));
            case 2:
                return new Signature(new Felt(r.add(BigInteger.ONE)), sig.s());
            case 3:
                return new Signature(sig.r(), new Felt(N.subtract(s))); // high/low s: still valid
            case 4:
                key[0] = new Felt(randomFelt(random, i)); // often not even a curve x
                return sig;
            case 5:
                key[0] = FAST.publicKey(new Felt(randomKey(random, i)));
                return sig;
            default:
                return new Signature(new Felt(randomFelt(random, i)), new Felt(randomFelt(random, i + 3)));
        }
    }

    private static long runParallel(String label, int count, Slice slice) throws Exception {
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong checks = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            SplittableRandom root = new SplittableRandom(SEED ^ label.hashCode());
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = root.split();
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < count; i += THREADS) {
                        slice.run(random, i, failures, checks);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("StarkCrypto differential [%s]: %,d cases, %,d comparisons, %d failures, %.1f s on %d threads,"
                + " seed %d%n", label, count, checks.get(), failures.size(), seconds, THREADS, SEED);
        assertThat(failures).as("disagreements with starknet-jvm").isEmpty();
        return checks.get();
    }

    private static void expectEqual(Queue<String> failures, String what, Object fast, Object oracle) {
        if (!fast.equals(oracle) && failures.size() < 20) {
            failures.add(what + ": fast " + fast + ", starknet-jvm " + oracle);
        }
    }

    /** Mostly uniform in [1, n), sometimes tiny or next to n. */
    private static BigInteger randomKey(SplittableRandom random, int i) {
        switch (i % 50) {
            case 0:
                return BigInteger.valueOf(1 + random.nextInt(1_000));
            case 1:
                return N.subtract(BigInteger.valueOf(1 + random.nextInt(1_000)));
            default:
                BigInteger k;
                do {
                    k = new BigInteger(252, new Random(random.nextLong()));
                } while (k.signum() == 0 || k.compareTo(N) >= 0);
                return k;
        }
    }

    /** Mostly uniform in [1, 2^251) (so seven in eight have 249 to 251 bits), sometimes tiny, 248-bit or next to 2^251. */
    private static BigInteger randomHash(SplittableRandom random, int i) {
        switch (i % 40) {
            case 0:
                return BigInteger.valueOf(1 + random.nextInt(1_000));
            case 1:
                return HASH_BOUND.subtract(BigInteger.valueOf(1 + random.nextInt(1_000)));
            case 2:
            case 3:
            case 4:
            case 5:
                return new BigInteger(248, new Random(random.nextLong())).setBit(247);
            default:
                BigInteger h;
                do {
                    h = new BigInteger(251, new Random(random.nextLong()));
                } while (h.signum() == 0);
                return h;
        }
    }

    /** Mostly uniform in [0, P), sometimes at the 248-bit split of Pedersen or next to P. */
    private static BigInteger randomFelt(SplittableRandom random, int i) {
        switch (i % 30) {
            case 0:
                return BigInteger.valueOf(random.nextInt(1_000));
            case 1:
                return Felt.PRIME.subtract(BigInteger.valueOf(1 + random.nextInt(1_000)));
            case 2:
                return BigInteger.ONE.shiftLeft(248).add(BigInteger.valueOf(random.nextInt(2_000) - 1_000));
            default:
                return new BigInteger(252, new Random(random.nextLong())).mod(Felt.PRIME);
        }
    }
}
