package io.smainer.protocol;

import io.smainer.Require;
import io.smainer.fee.EffortPricing;

/**
 * What a run consumed, reported with an effort receipt. Bounds as the deployed relayer enforces them.
 *
 * @param inputTokens tokens read, in {@code [0, 128000]}
 * @param outputTokens tokens written, in {@code [0, 16000]}
 * @param gpuMillis GPU time, in {@code [0, 3600000]}
 * @param modelParamsBillions the model's size, in billions of parameters
 */
public record EffortMetrics(long inputTokens, long outputTokens, long gpuMillis, long modelParamsBillions) {
    /** Validates the bounds. */
    public EffortMetrics {
        Require.range("effort.input_tokens", inputTokens, 0, EffortPricing.MAX_INPUT_TOKENS);
        Require.range("effort.output_tokens", outputTokens, 0, EffortPricing.MAX_OUTPUT_TOKENS);
        Require.range("effort.gpu_millis", gpuMillis, 0, EffortPricing.MAX_GPU_MILLIS);
        Require.range("effort.model_params_billions", modelParamsBillions, 0, 100_000);
    }

    /** @return the effort score these metrics earn, in {@code [10000, 75000]} */
    public int effortScore() {
        return EffortPricing.effortScore(inputTokens, outputTokens, gpuMillis, modelParamsBillions);
    }
}
