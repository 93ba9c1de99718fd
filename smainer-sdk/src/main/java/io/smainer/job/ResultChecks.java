package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import io.smainer.crypto.Receipts;
import io.smainer.job.internal.RunContext;
import io.smainer.job.internal.StandardHandlers;
import io.smainer.protocol.JobSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The result checks for the built-in kinds. {@value Jobs#MATMUL_F32} is checked with {@link Freivalds}
 * in O(n^2), because float products differ between devices. The other portable kinds are bit-exact on
 * every runner, so their outputs are checked by {@code result_hash}: against a hash another provider
 * returned ({@link #sameHash}), or against a recomputation on this machine ({@link #recompute()}),
 * which costs as much as the job (cheap for these kinds).
 */
public final class ResultChecks {
    private ResultChecks() {
    }

    /**
     * @param kind a job kind
     * @return the check for it: Freivalds for {@value Jobs#MATMUL_F32}, recomputation for the other
     *     portable kinds, nothing for kinds that cannot be checked here (e.g. {@value Jobs#PTX_KERNEL})
     */
    public static Optional<ResultCheck> forKind(String kind) {
        if (Jobs.MATMUL_F32.equals(kind)) {
            return Optional.of(Freivalds.create());
        }
        return Jobs.PORTABLE_KINDS.contains(kind) ? Optional.of(recompute()) : Optional.empty();
    }

    /**
     * A check that reruns an exact kind with the Java implementation, on the calling thread, and
     * compares result hashes.
     *
     * @return the check
     */
    public static ResultCheck recompute() {
        return (spec, output) -> {
            if (Jobs.MATMUL_F32.equals(spec.kind())) {
                return CheckResult.fail("matmul-f32 is not bit-exact across devices; use Freivalds");
            }
            JobHandler handler = StandardHandlers.all().stream().filter(h -> h.kind().equals(spec.kind())).findFirst()
                    .orElse(null);
            if (handler == null) {
                return CheckResult.fail("no exact recomputation for kind " + spec.kind());
            }
            byte[] expected;
            try {
                RunContext ctx = new RunContext(spec.kind(), Clock.systemUTC(), Instant.MAX, 1, null);
                expected = handler.run(spec, ctx).output();
            } catch (InvalidFieldException e) {
                return CheckResult.fail("the spec is malformed: " + e.getMessage());
            }
            return sameHash(Receipts.resultHash(expected), output);
        };
    }

    /**
     * @param expected a result hash to match, e.g. another provider's or a recomputation's
     * @param output the output to check
     * @return passed when the output's result hash is the expected one
     */
    public static CheckResult sameHash(Felt expected, byte[] output) {
        if (output == null) {
            return CheckResult.fail("no output");
        }
        Felt actual = Receipts.resultHash(output);
        return actual.equals(expected)
                ? CheckResult.pass("result_hash " + actual + " matches")
                : CheckResult.fail("result_hash " + actual + " differs from the expected " + expected);
    }

    /**
     * @param a one result
     * @param b another result of the same exact-kind spec
     * @return passed when their result hashes match
     */
    public static CheckResult sameHash(JobResult a, JobResult b) {
        return sameHash(a.resultHash(), b.output());
    }

    /**
     * @param spec a spec of any kind that has a check here
     * @param output the output to check
     * @return the verdict of {@link #forKind}'s check
     */
    public static CheckResult check(JobSpec spec, byte[] output) {
        return forKind(spec.kind()).map(c -> c.check(spec, output))
                .orElseGet(() -> CheckResult.fail("no check for kind " + spec.kind()));
    }
}
