/**
 * The CUDA handlers, devices and PTX sandbox behind {@code io.smainer.gpu.CudaJobRunner}.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.gpu.internal;
