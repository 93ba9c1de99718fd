package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.EventPage;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes the SmainerContract's events into {@link EscrowEvent}s, and pages through them after a cursor.
 * The layouts are the real contract's ({@code src/smainer.cairo}; OpenZeppelin v0.20.0 for the
 * {@code #[flat]} component events): {@code keys[0]} is the variant's selector, then the {@code #[key]}
 * fields, and {@code data} the others, a {@code u256} as two felts (low, high). An event whose key and data
 * counts do not match its layout is skipped. Not API.
 */
public final class EscrowEvents {
    private interface Layout {
        EscrowEvent decode(ChainEvent e, List<Felt> k, List<Felt> d, Decoder state);
    }

    private record Shape(int keys, int data, Layout layout) {
    }

    private static final Map<Felt, Shape> SHAPES = new HashMap<>();

    static {
        shape(Abi.TASK_CREATED, 4, 9, (e, k, d, st) -> new EscrowEvent.TaskCreated(e.cursor(), e.txHash(), u256(k, 1),
                addr(k.get(3)), addr(d.get(0)), amount(d, 1), amount(d, 3), amount(d, 5),
                Tier.fromCode(d.get(7).value().intValueExact()), d.get(8)));
        shape(Abi.TASK_EXECUTED, 4, 8, (e, k, d, st) -> new EscrowEvent.TaskExecuted(e.cursor(), e.txHash(), u256(k, 1),
                addr(k.get(3)), addr(d.get(0)), amount(d, 1), d.get(3), amount(d, 4), amount(d, 6)));
        shape(Abi.TASK_CANCELLED, 3, 0, (e, k, d, st) -> new EscrowEvent.TaskCancelled(e.cursor(), e.txHash(), u256(k, 1)));
        shape(Abi.TASK_COMPLETED, 4, 1, (e, k, d, st) -> new EscrowEvent.TaskCompleted(e.cursor(), e.txHash(),
                u256(k, 1), addr(k.get(3)), d.get(0)));
        shape(Abi.FEE_COLLECTED, 3, 6, (e, k, d, st) -> st.feeCollected = new EscrowEvent.FeeCollected(e.cursor(),
                e.txHash(), u256(k, 1), amount(d, 0), amount(d, 2), amount(d, 4)));
        shape(Abi.PAYOUT_RELEASED, 4, 3, (e, k, d, st) -> {
            // the flat path emits FeeCollected (the treasury's part) just before, in the same transaction
            EscrowEvent.FeeCollected fee = st.feeCollected;
            U256 id = u256(k, 1);
            if (fee == null || !fee.txHash().equals(e.txHash()) || !fee.taskId().equals(id)) {
                return null;
            }
            return new EscrowEvent.TaskSettled(e.cursor(), e.txHash(), id, addr(k.get(3)), amount(d, 0),
                    fee.treasuryFee(), TokenAmount.ZERO, TokenAmount.ZERO);
        });
        shape(Abi.EFFORT_SETTLEMENT, 4, 10, (e, k, d, st) -> new EscrowEvent.TaskSettled(e.cursor(), e.txHash(),
                u256(k, 1), addr(k.get(3)), amount(d, 4), amount(d, 6), TokenAmount.ZERO, amount(d, 8)));
        shape(Abi.EFFORT_SETTLEMENT_V2, 5, 12, (e, k, d, st) -> new EscrowEvent.TaskSettled(e.cursor(), e.txHash(),
                u256(k, 1), addr(k.get(3)), amount(d, 4), amount(d, 8), amount(d, 6), amount(d, 10)));
        shape(Abi.NODE_REGISTERED, 2, 0, (e, k, d, st) -> new EscrowEvent.NodeRegistered(e.cursor(), e.txHash(),
                addr(k.get(1))));
        shape(Abi.NODE_DEACTIVATED, 2, 0, (e, k, d, st) -> new EscrowEvent.NodeDeactivated(e.cursor(), e.txHash(),
                addr(k.get(1))));
        shape(Abi.NODE_SUSPENDED, 2, 0, (e, k, d, st) -> new EscrowEvent.NodeSuspended(e.cursor(), e.txHash(),
                addr(k.get(1))));
        shape(Abi.RELAYER_SET, 1, 2, (e, k, d, st) -> new EscrowEvent.RelayerSet(e.cursor(), e.txHash(), addr(d.get(0)),
                addr(d.get(1))));
        shape(Abi.TREASURY_SET, 1, 2, (e, k, d, st) -> new EscrowEvent.TreasurySet(e.cursor(), e.txHash(),
                addr(d.get(0)), addr(d.get(1))));
        shape(Abi.TIER_MULTIPLIERS_SET, 1, 6, (e, k, d, st) -> new EscrowEvent.TierMultipliersSet(e.cursor(),
                e.txHash(), bps(d, 0), bps(d, 2), bps(d, 4)));
        shape(Abi.OWNERSHIP_TRANSFERRED, 3, 0, (e, k, d, st) -> new EscrowEvent.OwnershipTransferred(e.cursor(),
                e.txHash(), addr(k.get(1)), addr(k.get(2))));
        shape(Abi.OWNERSHIP_TRANSFER_STARTED, 3, 0, (e, k, d, st) -> new EscrowEvent.OwnershipTransferStarted(
                e.cursor(), e.txHash(), addr(k.get(1)), addr(k.get(2))));
        shape(Abi.PAUSED_EVENT, 1, 1, (e, k, d, st) -> new EscrowEvent.Paused(e.cursor(), e.txHash(), addr(d.get(0))));
        shape(Abi.UNPAUSED_EVENT, 1, 1, (e, k, d, st) -> new EscrowEvent.Unpaused(e.cursor(), e.txHash(),
                addr(d.get(0))));
        shape(Abi.UPGRADED, 1, 1, (e, k, d, st) -> new EscrowEvent.Upgraded(e.cursor(), e.txHash(), d.get(0)));
    }

    private static void shape(String name, int keys, int data, Layout layout) {
        SHAPES.put(Abi.selector(name), new Shape(keys, data, layout));
    }

    private EscrowEvents() {
    }

    /**
     * Decodes a contiguous run of the contract's events (one transaction's, or a stream from the start of a
     * block): a flat settlement's {@code PayoutReleased} takes the treasury's part from the
     * {@code FeeCollected} just before it, so the run must not start between the two.
     */
    public static final class Decoder {
        private EscrowEvent.FeeCollected feeCollected;

        /** A decoder at the start of a run. */
        public Decoder() {
        }

        /**
         * @param e the next event of the contract
         * @return the SDK's event, or empty for a malformed one
         */
        public Optional<EscrowEvent> next(ChainEvent e) {
            List<Felt> k = e.keys();
            List<Felt> d = e.data();
            if (k.isEmpty()) {
                return Optional.empty();
            }
            Shape shape = SHAPES.get(k.get(0));
            if (shape == null || k.size() != shape.keys() || d.size() != shape.data()) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(shape.layout().decode(e, k, d, this));
            } catch (RuntimeException malformed) {
                return Optional.empty();
            }
        }
    }

    /**
     * @param events a contiguous run of the contract's events, oldest first
     * @return their SDK events, in order
     */
    public static List<EscrowEvent> decode(List<ChainEvent> events) {
        Decoder decoder = new Decoder();
        List<EscrowEvent> out = new ArrayList<>();
        for (ChainEvent e : events) {
            decoder.next(e).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Reads up to {@code max} SDK events after a cursor from the contract's events, given in order from
     * the start of the cursor's block (so that their indexes are right, and a flat settlement's
     * {@code FeeCollected} is seen even when the cursor stands between it and its {@code PayoutReleased}).
     *
     * @param after the cursor
     * @param max the most events to return
     * @param contractEvents the contract's events from the start of {@code after.block()}, oldest first
     * @return the page; its cursor is the last event looked at
     */
    public static EventPage page(EventCursor after, int max, Iterator<ChainEvent> contractEvents) {
        if (max < 1) {
            throw new InvalidFieldException("max", "at least 1", max);
        }
        Decoder decoder = new Decoder();
        List<EscrowEvent> out = new ArrayList<>();
        EventCursor next = after;
        while (out.size() < max && contractEvents.hasNext()) {
            ChainEvent e = contractEvents.next();
            Optional<EscrowEvent> decoded = decoder.next(e);
            if (e.cursor().compareTo(after) <= 0) {
                continue;
            }
            next = e.cursor();
            decoded.ifPresent(out::add);
        }
        return new EventPage(out, next);
    }

    /**
     * @param events a transaction's events
     * @param contract the escrow contract
     * @return the id from its {@code TaskCreated} or {@code TaskExecuted}
     */
    public static Optional<U256> createdTaskId(List<ChainEvent> events, ContractAddress contract) {
        for (ChainEvent e : events) {
            if (e.from().equals(contract) && e.keys().size() == 4 && (e.keys().get(0).equals(Abi.selector(Abi.TASK_CREATED))
                    || e.keys().get(0).equals(Abi.selector(Abi.TASK_EXECUTED)))) {
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

    private static BasisPoints bps(List<Felt> felts, int at) {
        return BasisPoints.of(u256(felts, at).value().intValueExact());
    }

    private static ContractAddress addr(Felt f) {
        return new ContractAddress(f);
    }
}
