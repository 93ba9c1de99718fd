package io.smainer.escrow;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SmainerContract escrow and registry, as seen by one account (the {@link #caller()}). Two
 * implementations behave the same way and pass one conformance suite: the in-process ledger and the
 * Starknet client. Every write either takes effect whole or throws; a contract revert surfaces as
 * {@link EscrowRevertedException} with the contract's reason.
 */
public interface Escrow extends AutoCloseable {
    /** Page size {@link #eventsAfter} reads with. */
    int EVENT_PAGE = 1000;

    /** @return the account this client acts for */
    ContractAddress caller();

    /** @return the escrow contract's address */
    ContractAddress contract();

    /** @return the token the escrow takes by default (STRK) */
    ContractAddress token();

    // ---- demander ----

    /**
     * {@code approve} + {@code create_tiered_task} in one multicall.
     *
     * @param token the ERC-20
     * @param baseAmount the base amount; the creator pays the tier-adjusted amount
     * @param tier the required tier
     * @param taskHash a commitment to the task
     * @return the on-chain task id and the transaction
     */
    CreatedTask createTask(ContractAddress token, TokenAmount baseAmount, Tier tier, Felt taskHash);

    /**
     * {@code cancel_task}: the creator takes a CREATED task's escrow back.
     *
     * @param taskId the task
     * @return the transaction
     */
    TxResult cancelTask(U256 taskId);

    // ---- views ----

    /**
     * @param taskId an id
     * @return the task, or empty when no task has the id (the contract reads all zeros)
     */
    Optional<EscrowTask> getTask(U256 taskId);

    /** @return how many tasks were created; ids run from 1 to this */
    U256 taskCount();

    /**
     * @param node an address
     * @return its registry status
     */
    NodeStatus nodeStatus(ContractAddress node);

    /**
     * @param provider an address
     * @return its published public key, or empty when none is set
     */
    Optional<Felt> providerPublicKey(ContractAddress provider);

    /**
     * @param tier a tier
     * @return its multiplier in force
     */
    BasisPoints tierMultiplier(Tier tier);

    /**
     * @param account an address
     * @return its ERC-20 balance of {@link #token()}
     */
    TokenAmount balanceOf(ContractAddress account);

    /**
     * @return the chain this escrow is on, when the client knows it: the in-process ledger's, or the one the Starknet
     *     node reported when the client was built; empty for an implementation that cannot tell
     */
    default Optional<ChainId> chainId() {
        return Optional.empty();
    }

    /** @return true while the contract is paused */
    boolean isPaused();

    /**
     * Whether the contract this client talks to has an entry point. The public Cairo source has every entry point
     * the SDK calls, but a deployed class may be older: the contracts repository's status page listed
     * {@code settle_with_effort_and_affiliate} as not yet deployed on mainnet. The Starknet client reads the class
     * once, when it is built ({@code starknet_getClassAt}); a settlement through an entry point the class lacks is
     * refused before anything is sent ({@link EntryPointMissingException}).
     *
     * @param entryPoint an entry point's name, e.g. {@code settle_with_effort_and_affiliate}
     * @return true when the contract's class has it
     */
    boolean offers(String entryPoint);

    // ---- provider ----

    /** @return the {@code register_node} transaction */
    TxResult registerNode();

    /** @return the {@code deactivate_node} transaction */
    TxResult deactivateNode();

    /**
     * @param publicKey the key receipts are checked against
     * @return the {@code set_provider_public_key} transaction
     */
    TxResult setProviderPublicKey(Felt publicKey);

    // ---- relayer ----

    /**
     * Settles one task (flat, effort, or effort with an affiliate).
     *
     * @param settlement what to settle
     * @return the transaction
     */
    TxResult settle(Settlement settlement);

    /**
     * Settles many tasks in one transaction (one multicall). Atomic, as a Starknet multicall is: one
     * revert reverts them all and nothing is paid.
     *
     * @param settlements what to settle, at least one
     * @return the transaction
     */
    TxResult settleBatch(List<Settlement> settlements);

    /**
     * Settles many tasks and makes other calls in the same transaction (one multicall), e.g. a relayer's
     * active-task counts on the staking contract. Atomic: one revert reverts every call.
     *
     * @param settlements what to settle, at least one
     * @param alongside calls made after the settlements, in order (may be empty)
     * @return the transaction
     */
    TxResult settleBatch(List<Settlement> settlements, List<ContractCall> alongside);

    // ---- events ----

    /**
     * Reads events after a cursor, oldest first. Resuming from the returned page's
     * {@link EventPage#next()} neither misses nor repeats an event.
     *
     * @param after where the last read stopped; {@link EventCursor#START} for the beginning
     * @param max the most events to return
     * @return the events and the cursor to resume from
     */
    EventPage events(EventCursor after, int max);

    /**
     * Reads every event after a cursor, oldest first, page by page through {@link #events}.
     *
     * @param after where to start; {@link EventCursor#START} for the beginning
     * @return the events
     */
    default List<EscrowEvent> eventsAfter(EventCursor after) {
        List<EscrowEvent> all = new ArrayList<>();
        EventCursor cursor = after;
        while (true) {
            EventPage page = events(cursor, EVENT_PAGE);
            if (page.events().isEmpty() || page.next().compareTo(cursor) <= 0) {
                return all;
            }
            all.addAll(page.events());
            cursor = page.next();
        }
    }

    @Override
    void close();
}
