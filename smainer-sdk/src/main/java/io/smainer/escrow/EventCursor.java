package io.smainer.escrow;

import io.smainer.Require;


/**
 * A position in the contract's event stream: after the event at {@code (block, index)} where
 * {@code index} counts the contract's events within that block. Store it to resume after a restart.
 *
 * @param block the block of the last event read
 * @param index the position of the last event read within its block, -1 for none
 */
public record EventCursor(long block, int index) implements Comparable<EventCursor> {
    /** Before the first event. */
    public static final EventCursor START = new EventCursor(0, -1);

    /** Validates the range. */
    public EventCursor {
        Require.range("block", block, 0, Long.MAX_VALUE);
        Require.range("index", index, -1, Integer.MAX_VALUE);
    }

    @Override
    public int compareTo(EventCursor o) {
        int c = Long.compare(block, o.block);
        return c != 0 ? c : Integer.compare(index, o.index);
    }
}
