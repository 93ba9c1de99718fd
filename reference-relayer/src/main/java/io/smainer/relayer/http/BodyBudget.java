package io.smainer.relayer.http;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The request body bytes being received at once, bounded in total ({@code limits.body_bytes_in_flight}) and per
 * client address ({@code limits.body_bytes_in_flight_per_address}): a body is charged its declared length before
 * any of it is read (a chunked body, as it arrives), and its charge is given back once it is read or refused.
 * Past a bound the request is refused with 503 before its body is kept. Thread-safe.
 */
final class BodyBudget {
    private final long total;
    private final long perAddress;
    private final Map<String, Long> byAddress = new HashMap<>();
    private long used;

    /**
     * @param total the bound over every client
     * @param perAddress the bound for one client address
     */
    BodyBudget(long total, long perAddress) {
        this.total = total;
        this.perAddress = perAddress;
    }

    /** A charge on the budget, grown as a body arrives and given back once. */
    final class Lease {
        private final String address;
        private long held;
        private boolean released;

        private Lease(String address, long held) {
            this.address = address;
            this.held = held;
        }

        /**
         * @param bytes more bytes to hold
         * @return false when the budget has no room for them (nothing more is held)
         */
        boolean grow(long bytes) {
            synchronized (BodyBudget.this) {
                if (released || !fits(address, bytes)) {
                    return false;
                }
                take(address, bytes);
                held += bytes;
                return true;
            }
        }

        /** Gives back what it holds; idempotent. */
        void release() {
            synchronized (BodyBudget.this) {
                if (!released) {
                    released = true;
                    take(address, -held);
                }
            }
        }
    }

    /**
     * @param address the client address
     * @param bytes the bytes to hold at first (the declared length, or 0 for a chunked body)
     * @return the lease, or empty when the budget has no room
     */
    synchronized Optional<Lease> reserve(String address, long bytes) {
        if (!fits(address, bytes)) {
            return Optional.empty();
        }
        take(address, bytes);
        return Optional.of(new Lease(address, bytes));
    }

    /** @return the bytes held now, all clients together */
    synchronized long used() {
        return used;
    }

    private boolean fits(String address, long bytes) {
        return used + bytes <= total && byAddress.getOrDefault(address, 0L) + bytes <= perAddress;
    }

    private void take(String address, long bytes) {
        used += bytes;
        byAddress.merge(address, bytes, (a, b) -> a + b == 0 ? null : a + b);
    }
}
