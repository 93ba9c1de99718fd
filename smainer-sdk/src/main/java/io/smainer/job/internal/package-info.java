/**
 * The standard job handlers and the run context of {@link io.smainer.job.JavaJobRunner}.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.job.internal;
