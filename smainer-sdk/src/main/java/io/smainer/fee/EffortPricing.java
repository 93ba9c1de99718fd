package io.smainer.fee;

import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import java.math.BigInteger;

/**
 * The deployed relayer's effort pricing, in exact integers. The effort score is in units of 1/10000:
 * <pre>
 * score = 30 * inputTokens + floor(625 * outputTokens / 32) + floor(gpuMillis / 5) + sizeTerm
 * </pre>
 * which is {@code 10000 * (0.3*in/100 + 0.5*out/256 + 0.2*gpuSeconds/10 + size)}, then clamped to
 * {@code [10000, 75000]} (the deployed relayer forgets the lower clamp; the contract needs it). The size
 * term is 0.2, 0.4, 0.6, 0.8 or 1.0 for models of up to 10B, 20B, 50B, 200B and more parameters.
 */
public final class EffortPricing {
    /** The deployed base price: 0.1 STRK. */
    public static final TokenAmount BASE_PRICE = TokenAmount.parseStrk("0.1");
    /** The smallest actual cost: 0.01 STRK. */
    public static final TokenAmount MIN_COST = TokenAmount.parseStrk("0.01");
    /** Bounds the relayer enforces on reported metrics. */
    public static final long MAX_INPUT_TOKENS = 128_000;
    /** Largest output token count accepted. */
    public static final long MAX_OUTPUT_TOKENS = 16_000;
    /** Largest GPU time accepted, in milliseconds (one hour). */
    public static final long MAX_GPU_MILLIS = 3_600_000;
    private static final BigInteger SCALE_2 = BigInteger.valueOf(100_000_000L);

    private EffortPricing() {
    }

    /**
     * @param inputTokens tokens read, in {@code [0, 128000]}
     * @param outputTokens tokens written, in {@code [0, 16000]}
     * @param gpuMillis GPU time, in {@code [0, 3600000]}
     * @param modelParamsBillions the model's size in billions of parameters, at least 0
     * @return the effort score in {@code [10000, 75000]}
     */
    public static int effortScore(long inputTokens, long outputTokens, long gpuMillis, long modelParamsBillions) {
        check("input_tokens", inputTokens, MAX_INPUT_TOKENS);
        check("output_tokens", outputTokens, MAX_OUTPUT_TOKENS);
        check("gpu_millis", gpuMillis, MAX_GPU_MILLIS);
        if (modelParamsBillions < 0) {
            throw new InvalidFieldException("model_params_b", "a non-negative number of billions", modelParamsBillions);
        }
        long size = modelParamsBillions <= 10 ? 2_000 : modelParamsBillions <= 20 ? 4_000
                : modelParamsBillions <= 50 ? 6_000 : modelParamsBillions <= 200 ? 8_000 : 10_000;
        long raw = 30 * inputTokens + (625 * outputTokens) / 32 + gpuMillis / 5 + size;
        return (int) Math.max(FeeSchedule.MIN_EFFORT_SCORE, Math.min(FeeSchedule.MAX_EFFORT_SCORE, raw));
    }

    /**
     * The actual cost of a run: {@code floor(base * multiplier * score / 10^8)} clamped to
     * {@code [0.01 STRK, escrow]}.
     *
     * @param base the base price
     * @param multiplier the tier multiplier
     * @param score the effort score, in {@code [10000, 75000]}
     * @param escrow the escrowed amount, the upper clamp
     * @return the cost to settle
     */
    public static TokenAmount actualCost(TokenAmount base, BasisPoints multiplier, int score, TokenAmount escrow) {
        checkScore(score);
        BigInteger raw = base.baseUnits().multiply(BigInteger.valueOf(multiplier.value()))
                .multiply(BigInteger.valueOf(score)).divide(SCALE_2);
        BigInteger clamped = raw.max(MIN_COST.baseUnits()).min(escrow.baseUnits());
        return TokenAmount.ofBaseUnits(clamped);
    }

    /**
     * @param score an effort score
     * @throws InvalidFieldException outside {@code [10000, 75000]} (the contract's "Effort score out of range")
     */
    public static void checkScore(long score) {
        if (score < FeeSchedule.MIN_EFFORT_SCORE || score > FeeSchedule.MAX_EFFORT_SCORE) {
            throw new InvalidFieldException("effort_score", "in [10000, 75000]", score);
        }
    }

    private static void check(String field, long value, long max) {
        if (value < 0 || value > max) {
            throw new InvalidFieldException(field, "in [0, " + max + "]", value);
        }
    }
}
