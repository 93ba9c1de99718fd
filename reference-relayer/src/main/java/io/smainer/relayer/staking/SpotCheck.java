package io.smainer.relayer.staking;

import io.smainer.job.CheckResult;
import io.smainer.job.Jobs;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.JobSpec;
import io.smainer.seal.SealedJobs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Which results are re-checked, and the check: a share of the exact kinds' results (set in basis points) is
 * recomputed with the SDK's Java implementation; the choice hashes the task id with a secret drawn at start, so
 * a provider cannot tell which of its results will be checked. {@code matmul-f32} results are all checked with
 * Freivalds by the relayer's standard result checkers already; kinds without a check (e.g. {@code ptx-kernel})
 * are never chosen. Thread-safe.
 */
public final class SpotCheck {
    private final int basisPoints;
    private final byte[] secret = new byte[32];

    /** @param basisPoints the share of checkable exact-kind results recomputed, 0 to 10,000 */
    public SpotCheck(int basisPoints) {
        if (basisPoints < 0 || basisPoints > 10_000) {
            throw new IllegalArgumentException("staking.spot_check_bps: expected 0 to 10000, got " + basisPoints);
        }
        this.basisPoints = basisPoints;
        new SecureRandom().nextBytes(secret);
    }

    /**
     * @param taskId a task
     * @param job its job
     * @return whether its result is recomputed; never for a sealed task (its result is sealed to its demander)
     */
    public boolean chosen(String taskId, JobSpec job) {
        if (Jobs.MATMUL_F32.equals(job.kind()) || ResultChecks.forKind(job.kind()).isEmpty() || basisPoints == 0
                || SealedJobs.isSealed(job)) {
            return false;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            sha.update(taskId.getBytes(StandardCharsets.UTF_8));
            long draw = Integer.toUnsignedLong(ByteBuffer.wrap(sha.digest()).getInt()) % 10_000;
            return draw < basisPoints;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * @param taskId a task
     * @param job its job
     * @param result the provider's result
     * @return the failed verdict when the task is chosen and the recomputation differs, else empty
     */
    public Optional<CheckResult> wrong(String taskId, JobSpec job, byte[] result) {
        if (!chosen(taskId, job)) {
            return Optional.empty();
        }
        CheckResult verdict = ResultChecks.recompute().check(job, result);
        return verdict.passed() ? Optional.empty() : Optional.of(verdict);
    }
}
