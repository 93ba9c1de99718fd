package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.StakingEvent;
import io.smainer.escrow.StakingEventPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Decodes {@code SmainerStakingContract}'s events (layouts from {@code src/smainer_staking.cairo}: one key,
 * the provider, after the selector) into {@link StakingEvent}s, and pages through them. Not API.
 */
public final class StakingEvents {
    private StakingEvents() {
    }

    /**
     * @param e an event of the staking contract
     * @return the SDK's event, or empty for other or malformed events
     */
    public static Optional<StakingEvent> decode(ChainEvent e) {
        List<Felt> k = e.keys();
        List<Felt> d = e.data();
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Felt sel = k.get(0);
        EventCursor c = e.cursor();
        Felt tx = e.txHash();
        try {
            if (sel.equals(Abi.selector(StakingAbi.OWNERSHIP_TRANSFERRED)) && k.size() == 3 && d.isEmpty()) {
                return Optional.of(new StakingEvent.OwnershipTransferred(c, tx, addr(k.get(1)), addr(k.get(2))));
            }
            if (k.size() != 2) {
                return Optional.empty();
            }
            ContractAddress p = addr(k.get(1));
            if (sel.equals(Abi.selector(StakingAbi.STAKE_DEPOSITED)) && d.size() == 4) {
                return Optional.of(new StakingEvent.StakeDeposited(c, tx, p, amount(d, 0), amount(d, 2)));
            }
            if (sel.equals(Abi.selector(StakingAbi.STAKE_WITHDRAWAL_REQUESTED)) && d.size() == 1) {
                return Optional.of(new StakingEvent.StakeWithdrawalRequested(c, tx, p, instant(d.get(0))));
            }
            if (sel.equals(Abi.selector(StakingAbi.STAKE_WITHDRAWN)) && d.size() == 2) {
                return Optional.of(new StakingEvent.StakeWithdrawn(c, tx, p, amount(d, 0)));
            }
            if (sel.equals(Abi.selector(StakingAbi.SLASH_INITIATED)) && d.size() == 3) {
                return Optional.of(new StakingEvent.SlashInitiated(c, tx, p, d.get(0).value().intValueExact(), d.get(1),
                        instant(d.get(2))));
            }
            if (sel.equals(Abi.selector(StakingAbi.SLASH_EXECUTED)) && d.size() == 6) {
                return Optional.of(new StakingEvent.SlashExecuted(c, tx, p, amount(d, 0), amount(d, 2), amount(d, 4)));
            }
            if (sel.equals(Abi.selector(StakingAbi.APPEAL_SUBMITTED)) && d.size() == 1) {
                return Optional.of(new StakingEvent.AppealSubmitted(c, tx, p, instant(d.get(0))));
            }
            if (sel.equals(Abi.selector(StakingAbi.APPEAL_RESOLVED)) && d.size() == 1) {
                return Optional.of(new StakingEvent.AppealResolved(c, tx, p, d.get(0).value().signum() != 0));
            }
            if (sel.equals(Abi.selector(StakingAbi.TASK_ABANDONED)) && d.size() == 2) {
                return Optional.of(new StakingEvent.TaskAbandoned(c, tx, p, amount(d, 0)));
            }
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Reads up to {@code max} staking events after a cursor.
     *
     * @param after the cursor
     * @param max the most events to return, at least 1
     * @param contractEvents the staking contract's events from the start of {@code after.block()}, oldest first
     * @return the page; its cursor is the last event looked at
     */
    public static StakingEventPage page(EventCursor after, int max, Iterator<ChainEvent> contractEvents) {
        if (max < 1) {
            throw new InvalidFieldException("max", "at least 1", max);
        }
        List<StakingEvent> out = new ArrayList<>();
        EventCursor next = after;
        while (out.size() < max && contractEvents.hasNext()) {
            ChainEvent e = contractEvents.next();
            if (e.cursor().compareTo(after) <= 0) {
                continue;
            }
            next = e.cursor();
            decode(e).ifPresent(out::add);
        }
        return new StakingEventPage(out, next);
    }

    private static TokenAmount amount(List<Felt> felts, int at) {
        return TokenAmount.ofBaseUnits(EscrowEvents.u256(felts, at).value());
    }

    private static Instant instant(Felt seconds) {
        return Instant.ofEpochSecond(seconds.value().longValueExact());
    }

    private static ContractAddress addr(Felt f) {
        return new ContractAddress(f);
    }
}
