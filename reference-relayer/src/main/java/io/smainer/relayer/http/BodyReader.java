package io.smainer.relayer.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads (or drops) a request body without holding a thread while it arrives: each chunk is taken as Jetty has it,
 * and when none is there the reader asks to be called back ({@link Request#demand}) and returns. A body that is
 * not all there within its deadline, grows past its size limit or past its {@link BodyBudget.Lease} ends the read
 * with a failure; the caller answers, and Jetty closes a connection whose body was not read to its end.
 */
final class BodyReader implements Runnable {
    /** What became of a read: exactly one of {@link #read} and {@link #failed} is called, once. */
    interface Done {
        /** @param body the whole body (empty when dropping) */
        void read(byte[] body);

        /** @param why {@link HttpFailure} for a client's fault, else what Jetty reported */
        void failed(Throwable why);
    }

    private final Request req;
    private final int max;
    private final boolean keep;
    private final BodyBudget.Lease lease;
    private final Done done;
    private final AtomicBoolean finished = new AtomicBoolean();
    private byte[] body;
    private int size;
    private ScheduledFuture<?> deadline;

    private BodyReader(Request req, int max, boolean keep, BodyBudget.Lease lease, Done done) {
        this.req = req;
        this.max = max;
        this.keep = keep;
        this.lease = lease;
        this.done = done;
        long declared = req.getLength();
        this.body = new byte[keep ? (int) Math.max(0, Math.min(declared, max)) : 0];
    }

    /**
     * Starts reading; returns at once.
     *
     * @param req the request
     * @param max the most bytes kept (or dropped)
     * @param keep false to drop the body (read to its end and forget it)
     * @param lease the budget charge, grown when a chunked body comes in beyond it (null when dropping)
     * @param timeout the longest the body may take to arrive
     * @param timers where the deadline runs
     * @param done told the outcome, on a Jetty thread or the timer's
     */
    static void start(Request req, int max, boolean keep, BodyBudget.Lease lease, Duration timeout,
            ScheduledExecutorService timers, Done done) {
        BodyReader r = new BodyReader(req, max, keep, lease, done);
        r.deadline = timers.schedule(() -> r.fail(HttpFailure.bodyTimeout("the body did not arrive within "
                + timeout.toMillis() + " ms (limits.body_read_timeout_millis)")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        r.run();
    }

    @Override
    public void run() {
        while (!finished.get()) {
            Content.Chunk chunk = req.read();
            if (chunk == null) {
                req.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                fail(chunk.getFailure());
                return;
            }
            ByteBuffer b = chunk.getByteBuffer();
            int n = b.remaining();
            if ((long) size + n > max) {
                chunk.release();
                fail(HttpFailure.payloadTooLarge("the body may be at most " + max + " bytes"));
                return;
            }
            if (keep) {
                if (size + n > body.length) {
                    if (!lease.grow(size + n - body.length)) {
                        chunk.release();
                        fail(HttpFailure.bodiesBusy("the relayer is receiving as many request bodies as it"
                                + " holds at once (limits.body_bytes_in_flight, limits.body_bytes_in_flight_per_address)"));
                        return;
                    }
                    body = Arrays.copyOf(body, size + n);
                }
                b.get(body, size, n);
            }
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                if (finished.compareAndSet(false, true)) {
                    deadline.cancel(false);
                    done.read(keep && size < body.length ? Arrays.copyOf(body, size) : body);
                }
                return;
            }
        }
    }

    private void fail(Throwable why) {
        if (finished.compareAndSet(false, true)) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            done.failed(why);
        }
    }
}
