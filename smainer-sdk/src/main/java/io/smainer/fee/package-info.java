/**
 * Exact fee math: {@link io.smainer.fee.FeeMath} (tier adjustment, flat, effort and affiliate splits,
 * quotes), {@link io.smainer.fee.EffortPricing} and the deployed constants in
 * {@link io.smainer.fee.FeeSchedule}. Integers in base units only.
 */
package io.smainer.fee;
