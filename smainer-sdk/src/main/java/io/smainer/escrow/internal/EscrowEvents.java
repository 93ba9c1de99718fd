package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.EventPage;
import io.smainer.fee.Tier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the SmainerContract's events into {@link EscrowEvent}s, and pages through them after a cursor.
 * The layouts are those of {@code contracts/smainer_contract.abi.json}. Not API.
 */
public final class EscrowEvents {
    private EscrowEvents() {
    }

    /**
     * @param e an event of the contract
     * @return the SDK's event, or empty for events the SDK does not follow (and malformed ones)
     */
    public static Optional<EscrowEvent> decode(ChainEvent e) {
        List<Felt> k = e.keys();
        List<Felt> d = e.data();
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Felt sel = k.get(0);
        EventCursor c = e.cursor();
        try {
            if (sel.equals(Abi.selector(Abi.TASK_CREATED)) && k.size() == 4 && d.size() == 9) {
                return Optional.of(new EscrowEvent.TaskCreated(c, e.txHash(), u256(k, 1), addr(k.get(3)), addr(d.get(0)),
                        amount(d, 1), amount(d, 3), amount(d, 5), Tier.fromCode(d.get(7).value().intValueExact()),
                        d.get(8)));
            }
            if (sel.equals(Abi.selector(Abi.PAYOUT_RELEASED)) && k.size() == 4 && d.size() == 4) {
                return Optional.of(new EscrowEvent.TaskSettled(c, e.txHash(), u256(k, 1), addr(k.get(3)), amount(d, 0),
                        amount(d, 2), TokenAmount.ZERO, TokenAmount.ZERO));
            }
            if (sel.equals(Abi.selector(Abi.EFFORT_SETTLEMENT)) && k.size() == 4 && d.size() == 10) {
                return Optional.of(new EscrowEvent.TaskSettled(c, e.txHash(), u256(k, 1), addr(k.get(3)), amount(d, 4),
                        amount(d, 6), TokenAmount.ZERO, amount(d, 8)));
            }
            if (sel.equals(Abi.selector(Abi.EFFORT_SETTLEMENT_V2)) && k.size() == 5 && d.size() == 12) {
                return Optional.of(new EscrowEvent.TaskSettled(c, e.txHash(), u256(k, 1), addr(k.get(3)), amount(d, 4),
                        amount(d, 8), amount(d, 6), amount(d, 10)));
            }
            if (sel.equals(Abi.selector(Abi.TASK_CANCELLED)) && k.size() == 4 && d.size() == 2) {
                return Optional.of(new EscrowEvent.TaskCancelled(c, e.txHash(), u256(k, 1), addr(k.get(3)), amount(d, 0)));
            }
            if (sel.equals(Abi.selector(Abi.NODE_REGISTERED)) && k.size() == 2) {
                return Optional.of(new EscrowEvent.NodeRegistered(c, e.txHash(), addr(k.get(1))));
            }
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Reads up to {@code max} SDK events after a cursor from the contract's events, given in order from
     * the start of the cursor's block (so that their indexes are right).
     *
     * @param after the cursor
     * @param max the most events to return
     * @param contractEvents the contract's events from the start of {@code after.block()}, oldest first
     * @return the page; its cursor is the last event looked at
     */
    public static EventPage page(EventCursor after, int max, Iterator<ChainEvent> contractEvents) {
        if (max < 1) {
            throw new io.smainer.InvalidFieldException("max", "at least 1", max);
        }
        List<EscrowEvent> out = new ArrayList<>();
        EventCursor next = after;
        while (out.size() < max && contractEvents.hasNext()) {
            ChainEvent e = contractEvents.next();
            if (e.cursor().compareTo(after) <= 0) {
                continue;
            }
            next = e.cursor();
            decode(e).ifPresent(out::add);
        }
        return new EventPage(out, next);
    }

    /**
     * @param events a transaction's events
     * @param contract the escrow contract
     * @return the id from its {@code TaskCreated}
     */
    public static Optional<U256> createdTaskId(List<ChainEvent> events, ContractAddress contract) {
        for (ChainEvent e : events) {
            if (e.from().equals(contract) && e.keys().size() == 4 && e.keys().get(0).equals(Abi.selector(Abi.TASK_CREATED))) {
                return Optional.of(u256(e.keys(), 1));
            }
        }
        return Optional.empty();
    }

    static U256 u256(List<Felt> felts, int at) {
        return U256.fromParts(felts.get(at), felts.get(at + 1));
    }

    private static TokenAmount amount(List<Felt> felts, int at) {
        return TokenAmount.ofBaseUnits(u256(felts, at).value());
    }

    private static ContractAddress addr(Felt f) {
        return new ContractAddress(f);
    }
}
