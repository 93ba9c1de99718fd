package io.smainer.relayer.store;

import io.smainer.Require;


/**
 * One attempt at a task's webhook, as the store hands it out: claimed by one relayer, which POSTs it and
 * then reports back ({@link RelayerStore#retryWebhook} or {@link RelayerStore#finishWebhook}).
 *
 * @param taskId the task whose outcome the webhook carries
 * @param attempt the attempt number, from 1; each number is claimed by one relayer only
 * @param owner the relayer holding the claim
 */
public record WebhookDelivery(String taskId, int attempt, String owner) {
    /** Validates every field. */
    public WebhookDelivery {
        Require.text("task_id", taskId, 64);
        Require.range("attempt", attempt, 1, Integer.MAX_VALUE);
        Require.text("owner", owner, 128);
    }
}
