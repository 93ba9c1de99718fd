package io.smainer.relayer.store;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.util.Map;
import java.util.Optional;

/**
 * The slashing role of the {@link RelayerStore}: what the staking policy found and the slashes it still drives, so that
 * a relayer restarted (or another relayer on the same store) picks them up. It keeps the evidence JSON by its hash (the
 * slash's reason, served at {@code GET /api/v1/evidence/<hash>}; written once), the slashes still to initiate
 * (provider to reason hash, at most one a provider), the slashes initiated and watched until they end (provider to
 * reason hash), and which sealed tasks were disputed (task id to reason hash, set once).
 *
 * <p>Retention: evidence and disputes are kept for as long as the store holds its data, never dropped: a slash's
 * reason hash is on chain for good, and the evidence is what lets anyone check it; a disputed task must stay refused.
 * There is one piece of evidence a wrong result found, so they grow with the wrong results found, not with the tasks.
 * An initiation leaves when the slash is initiated (or refused for good), a watched slash when it has ended.
 */
public interface SlashRecords {
    /**
     * Keeps a piece of evidence and queues the slash it proves, in one step: the evidence under its hash (kept once;
     * the same hash again changes nothing), the initiation unless {@code provider} already has one queued, and for a
     * disputed sealed task the dispute. A task is disputed once: when {@code disputedTask} was disputed before,
     * nothing at all is written and the first dispute's hash is returned, so that of two relayers receiving the same
     * dispute only one keeps evidence and initiates.
     *
     * @param reasonHash the evidence's hash
     * @param json the evidence
     * @param provider who signed the wrong result
     * @param disputedTask the sealed task disputed, or empty for a result the relayer checked itself
     * @return empty when kept; else the reason hash of the task's earlier dispute
     */
    Optional<Felt> keepEvidence(Felt reasonHash, String json, ContractAddress provider, Optional<String> disputedTask);

    /**
     * @param reasonHash a slash's reason hash
     * @return the evidence kept under it
     */
    Optional<String> evidence(Felt reasonHash);

    /**
     * @param taskId a task
     * @return the reason hash of its dispute, if it was disputed
     */
    Optional<Felt> disputeOf(String taskId);

    /** @return the slashes still to initiate: provider to reason hash */
    Map<ContractAddress, Felt> slashesToInitiate();

    /** @return the slashes watched until they end: provider to reason hash */
    Map<ContractAddress, Felt> slashesWatched();

    /**
     * A slash is active on chain with this reason (this relayer or another initiated it): it leaves the initiations
     * (if it is the one queued for the provider) and is watched.
     *
     * @param provider the slashed provider
     * @param reasonHash its reason hash
     */
    void slashInitiated(ContractAddress provider, Felt reasonHash);

    /**
     * Another slash of the provider is active on chain: it is watched (to execute it when due), and the queued one
     * waits for it to end.
     *
     * @param provider the provider
     * @param reasonHash the active slash's reason hash
     */
    void watchSlash(ContractAddress provider, Felt reasonHash);

    /**
     * The contract refused the initiation for good: it leaves the queue (the evidence stays).
     *
     * @param provider the provider
     * @param reasonHash the initiation's reason hash (nothing changes if another is queued now)
     */
    void dropInitiation(ContractAddress provider, Felt reasonHash);

    /**
     * The watched slash ended (executed, or cancelled on appeal): it is no longer watched.
     *
     * @param provider the provider
     * @param reasonHash the watched slash's reason hash (nothing changes if another is watched now)
     */
    void slashEnded(ContractAddress provider, Felt reasonHash);
}
