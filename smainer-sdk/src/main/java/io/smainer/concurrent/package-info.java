/**
 * Small concurrency primitives the SDK's own actors run on, and that the reference apps share:
 * {@link io.smainer.concurrent.Loop}, a serial executor whose steps log and swallow their failures, and
 * {@link io.smainer.concurrent.DaemonThreads}, the one thread factory.
 */
package io.smainer.concurrent;
