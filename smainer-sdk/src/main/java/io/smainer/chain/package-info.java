/**
 * Chain value types: {@link io.smainer.chain.Felt}, {@link io.smainer.chain.U256},
 * {@link io.smainer.chain.ContractAddress}, {@link io.smainer.chain.TokenAmount},
 * {@link io.smainer.chain.ChainId} and {@link io.smainer.chain.Calldata} encoding. Each validates on
 * construction and names the bad field.
 */
package io.smainer.chain;
