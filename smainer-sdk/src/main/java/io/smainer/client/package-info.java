/**
 * What a demander calls: {@link io.smainer.client.SmainerClient} (quote, escrow, signed submission,
 * status, awaiting the result) over the JDK's HTTP client, and
 * {@link io.smainer.client.WebhookSignature} to check the relayer's signed webhooks.
 */
package io.smainer.client;
