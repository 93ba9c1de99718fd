package io.smainer.escrow;

import java.util.List;

/**
 * Events read after a cursor.
 *
 * @param events oldest first
 * @param next the cursor to resume from (the position of the last event, or the one asked for when none)
 */
public record EventPage(List<EscrowEvent> events, EventCursor next) {
    /** Copies the list. */
    public EventPage {
        events = List.copyOf(events);
    }
}
