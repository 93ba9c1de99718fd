/**
 * Jobs: the {@link io.smainer.job.JobRunner} interface, results, the pure-Java runner, job handlers for
 * workloads of one's own, and result checks (hashes, Freivalds).
 */
package io.smainer.job;
