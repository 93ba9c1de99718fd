package io.smainer.escrow;

import java.util.List;

/**
 * Staking events read after a cursor.
 *
 * @param events oldest first
 * @param next the cursor to resume from (the position of the last event, or the one asked for when none)
 */
public record StakingEventPage(List<StakingEvent> events, EventCursor next) {
    /** Copies the list. */
    public StakingEventPage {
        events = List.copyOf(events);
    }
}
