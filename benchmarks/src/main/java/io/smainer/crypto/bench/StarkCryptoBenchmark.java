package io.smainer.crypto.bench;

import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import java.math.BigInteger;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The four Stark-curve operations, for each implementation, over 64 rotating random inputs (the same
 * inputs for both implementations). Run it with {@link StarkCryptoBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StarkCryptoBenchmark {
    private static final int INPUTS = 64;

    /** Which implementation, by {@link StarkCrypto#named(String)}. */
    @Param({"fast", "starknet-jvm"})
    public String implementation;

    private StarkCrypto crypto;
    private final Felt[] keys = new Felt[INPUTS];
    private final Felt[] publicKeys = new Felt[INPUTS];
    private final Felt[] hashes = new Felt[INPUTS];
    private final Felt[] lefts = new Felt[INPUTS];
    private final Felt[] rights = new Felt[INPUTS];
    private final Signature[] signatures = new Signature[INPUTS];
    private int next;

    /** Builds the inputs; signatures come from the fast implementation (identical to starknet-jvm's). */
    @Setup
    public void setUp() {
        crypto = StarkCrypto.named(implementation);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < INPUTS; i++) {
            keys[i] = new Felt(uniform(random, KeyPair.CURVE_ORDER.subtract(BigInteger.ONE)).add(BigInteger.ONE));
            hashes[i] = new Felt(uniform(random, BigInteger.ONE.shiftLeft(251).subtract(BigInteger.ONE)).add(BigInteger.ONE));
            lefts[i] = new Felt(uniform(random, Felt.PRIME));
            rights[i] = new Felt(uniform(random, Felt.PRIME));
            publicKeys[i] = StarkCrypto.fast().publicKey(keys[i]);
            signatures[i] = StarkCrypto.fast().sign(keys[i], hashes[i]);
        }
    }

    private static BigInteger uniform(SplittableRandom random, BigInteger bound) {
        BigInteger v;
        do {
            v = new BigInteger(bound.bitLength(), new Random(random.nextLong()));
        } while (v.compareTo(bound) >= 0);
        return v;
    }

    private int index() {
        next = (next + 1) & (INPUTS - 1);
        return next;
    }

    /** @return the public key of a private key */
    @Benchmark
    public Felt publicKey() {
        return crypto.publicKey(keys[index()]);
    }

    /** @return an RFC 6979 signature */
    @Benchmark
    public Signature sign() {
        int i = index();
        return crypto.sign(keys[i], hashes[i]);
    }

    /** @return the verdict on a valid signature */
    @Benchmark
    public boolean verify() {
        int i = index();
        return crypto.verify(publicKeys[i], hashes[i], signatures[i]);
    }

    /** @return the Pedersen hash of two felts */
    @Benchmark
    public Felt pedersen() {
        int i = index();
        return crypto.pedersen(lefts[i], rights[i]);
    }
}
