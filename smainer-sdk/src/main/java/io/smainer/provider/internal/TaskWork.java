package io.smainer.provider.internal;

import io.smainer.InvalidFieldException;
import io.smainer.concurrent.Loop;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.BasisPoints;
import io.smainer.job.JobException;
import io.smainer.job.JobResult;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.provider.ProviderEvent;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealException;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJobs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * What a provider node does with the relayer's task messages: takes an assignment by its {@link Admission}
 * rules, checks the escrow when it reads one, runs the job, signs the receipt ({@link ReceiptMaker}) and
 * keeps every report in the {@link TaskBook}'s outbox until the relayer answers it. An answer of "send it
 * again later" keeps the report and sends it again with backoff; an {@code ack} or any other {@code error}
 * takes it out. Runs on the node's {@link Loop}. Not thread-safe otherwise. Not API.
 */
public final class TaskWork {
    private final Loop loop;
    private final TaskBook book;
    private final Admission admission;
    private final ReceiptMaker receipts;
    private final Escrow escrow;
    private final ExecutorService escrowReads;
    private final Backoff resendBackoff;
    private final Sink sink;
    private final BooleanSupplier closing;
    private final SealKeyPair sealKeys;
    private final SecureRandom random = new SecureRandom();
    private long accepted;
    private long completed;
    private long failed;
    private long refused;
    private long revoked;

    /** Where the work's messages and events go: the node. */
    public interface Sink {
        /**
         * @param m a message for the relayer
         * @return false when not logged in (an outbox report then waits for the next login)
         */
        boolean send(Message m);

        /** @param e an event for the node's listener */
        void fire(ProviderEvent e);

        /** The book or a counter changed: refresh the status snapshot (and finish closing once idle). */
        void changed();
    }

    /**
     * @param loop the node's loop
     * @param book the node's book
     * @param admission the rules
     * @param receipts the receipt maker
     * @param escrow the escrow client to check assignments against, or null to trust them
     * @param escrowReads where escrow reads block, or null without an escrow
     * @param resendBackoff waits before a deferred report is sent again
     * @param sink the node
     * @param closing whether the node is closing
     * @param sealKeys the node's sealing key pair, which opens the sealed jobs sent to it; null for a node that takes
     *     no sealed jobs
     */
    public TaskWork(Loop loop, TaskBook book, Admission admission, ReceiptMaker receipts, Escrow escrow,
            ExecutorService escrowReads, Backoff resendBackoff, Sink sink, BooleanSupplier closing, SealKeyPair sealKeys) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.book = Objects.requireNonNull(book, "book");
        this.admission = Objects.requireNonNull(admission, "admission");
        this.receipts = Objects.requireNonNull(receipts, "receipts");
        this.escrow = escrow;
        this.escrowReads = escrowReads;
        this.resendBackoff = Objects.requireNonNull(resendBackoff, "resendBackoff");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.closing = Objects.requireNonNull(closing, "closing");
        this.sealKeys = sealKeys;
    }

    /** @return tasks accepted */
    public long accepted() {
        return accepted;
    }

    /** @return tasks completed (receipt signed) */
    public long completed() {
        return completed;
    }

    /** @return tasks failed, timed out or handed back */
    public long failed() {
        return failed;
    }

    /** @return assignments refused */
    public long refused() {
        return refused;
    }

    /** @return tasks the relayer took back */
    public long revoked() {
        return revoked;
    }

    /**
     * A {@code task_assigned}: answered by {@code task_accepted} (again, for a task already running), by the
     * report already made for it, or by a retryable {@code task_failed} when refused.
     *
     * @param t the assignment
     */
    public void assigned(Messages.TaskAssigned t) {
        String taskId = t.taskId();
        if (book.isRunning(taskId)) {
            sink.send(new Messages.TaskAccepted(Messages.newId(), taskId));
            return;
        }
        Optional<TaskBook.Report> made = book.reportFor(taskId);
        if (made.isPresent()) {
            sink.send(made.get().message());
            return;
        }
        Admission.Decision d = admission.decide(t, closing.getAsBoolean(), book.runningCount());
        if (d.refusal().isPresent()) {
            refused++;
            sink.fire(new ProviderEvent.TaskRefused(taskId, d.refusal().get()));
            report(new Messages.TaskFailed(Messages.newId(), taskId, d.refusal().get(), true), taskId);
            return;
        }
        TaskBook.Running r = book.start(t, d.runner().get());
        accepted++;
        sink.send(new Messages.TaskAccepted(Messages.newId(), taskId));
        r.deadline(loop.schedule(() -> deadlinePassed(r),
                Duration.ofMillis(Math.max(0, t.deadlineMillis() - admission.clock().millis()))));
        sink.changed();
        sink.fire(new ProviderEvent.TaskStarted(taskId, t.job().kind(), r.runner().name()));
        if (escrow == null) {
            run(r, admission.trustedMultiplier(t));
            return;
        }
        CompletableFuture.supplyAsync(() -> escrow.getTask(t.escrowId()), escrowReads)
                .whenComplete((onChain, err) -> loop.post(() -> escrowRead(r, onChain, err)));
    }

    private void escrowRead(TaskBook.Running r, Optional<EscrowTask> onChain, Throwable err) {
        if (!book.holds(r)) {
            return;
        }
        Optional<Admission.Problem> problem = admission.escrowProblem(r.task(), onChain, err);
        if (problem.isPresent()) {
            book.finish(r);
            fail(r.taskId(), problem.get().reason(), problem.get().retryable());
            return;
        }
        run(r, onChain.get().tierMultiplier());
    }

    private void run(TaskBook.Running r, BasisPoints multiplier) {
        JobSpec job = r.task().job();
        Optional<Envelope.Recipient> replyTo = Optional.empty();
        if (SealedJobs.isSealed(job)) {
            if (sealKeys == null) {
                book.finish(r);
                fail(r.taskId(), "this node has no sealing key and takes no sealed jobs", true);
                return;
            }
            try {
                SealedJobs.OpenedJob opened = SealedJobs.open(job, sealKeys);
                job = opened.plain();
                replyTo = Optional.of(opened.replyTo());
            } catch (SealException e) {
                book.finish(r);
                fail(r.taskId(), "the sealed job could not be opened: " + e.getMessage(),
                        e.problem() == SealException.Problem.NOT_RECIPIENT);
                return;
            }
        }
        CompletableFuture<JobResult> future;
        try {
            future = r.runner().submit(job);
        } catch (RuntimeException e) {
            book.finish(r);
            String why = "runner " + r.runner().name() + " refused the job: " + e.getMessage();
            fail(r.taskId(), replyTo.isPresent() ? "the runner refused the sealed job (details withheld: the task is"
                    + " sealed)" : why, why, !(e instanceof InvalidFieldException));
            return;
        }
        r.started(multiplier, future);
        Optional<Envelope.Recipient> sealTo = replyTo;
        future.whenComplete((result, err) -> {
            if (sealTo.isEmpty() || err != null) {
                loop.post(() -> finished(r, result, err, sealTo.isPresent()));
                return;
            }
            JobResult sealed; // sealed on the runner's thread: the loop only sends it
            try {
                sealed = JobResult.of(SealedJobs.sealResult(result.output(), sealTo.get(), random), result.queued(),
                        result.ran(), result.device(), result.effort());
            } catch (RuntimeException e) {
                loop.post(() -> finished(r, null, e, true));
                return;
            }
            loop.post(() -> finished(r, sealed, null, true));
        });
    }

    private void deadlinePassed(TaskBook.Running r) {
        if (book.abandon(r)) {
            fail(r.taskId(), "the task's deadline passed before the run finished", true);
        }
    }

    private void finished(TaskBook.Running r, JobResult result, Throwable err, boolean sealed) {
        if (!book.finish(r)) {
            return; // revoked, past its deadline or handed back
        }
        String taskId = r.taskId();
        if (err != null) {
            Admission.Problem p = runProblem(err);
            if (sealed) { // a handler's words may quote the sealed input: the relayer gets none of them
                fail(taskId, "the sealed run failed (details withheld: the task is sealed)", p.reason(), p.retryable());
            } else {
                fail(taskId, p.reason(), p.retryable());
            }
            return;
        }
        Messages.TaskCompleted done;
        try {
            done = receipts.completion(r.task(), r.multiplier(), result);
        } catch (RuntimeException e) {
            fail(taskId, "could not sign the receipt: " + e.getMessage(), true);
            return;
        }
        completed++;
        report(done, taskId);
        sink.fire(new ProviderEvent.TaskCompleted(taskId, done.resultHash(), done.actualCost(), result.ran()));
    }

    /**
     * @param err how a run failed
     * @return what to report: a job's own verdict, a cancellation (retryable), bad input, or anything else
     */
    static Admission.Problem runProblem(Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof JobException je) {
            return new Admission.Problem(je.getMessage(), je.retryable());
        }
        if (e instanceof CancellationException) {
            return new Admission.Problem("the run was cancelled", true);
        }
        if (e instanceof InvalidFieldException ife) {
            return new Admission.Problem("bad job input: " + ife.getMessage(), false);
        }
        return new Admission.Problem("the run failed: " + e, false);
    }

    /**
     * A {@code task_revoked}: cancels the run and drops its reports.
     *
     * @param m the revocation
     */
    public void revoked(Messages.TaskRevoked m) {
        if (book.revoke(m.taskId())) {
            revoked++;
            sink.fire(new ProviderEvent.TaskRevoked(m.taskId(), m.reason()));
            sink.changed();
        }
    }

    /**
     * An {@code ack} of a report: it leaves the outbox.
     *
     * @param ack the ack
     */
    public void acknowledged(Messages.Ack ack) {
        book.answered(ack.refId()).ifPresent(r -> {
            sink.fire(new ProviderEvent.ReportAcknowledged(r.taskId()));
            sink.changed();
        });
    }

    /**
     * An {@code error} about a report: "send it again later" keeps it and resends it with backoff; any other
     * error refuses it for good.
     *
     * @param err the error
     * @return false when it names no report in the outbox
     */
    public boolean refused(Messages.ErrorMessage err) {
        if (err.retryLater()) {
            Optional<TaskBook.Report> kept = book.deferred(err.refId());
            kept.ifPresent(r -> {
                Duration wait = resendBackoff.delay(r.deferrals() - 1, b -> ThreadLocalRandom.current().nextLong(b));
                r.resendAt(loop.schedule(() -> {
                    if (book.holds(r)) {
                        sink.send(r.message());
                    }
                }, wait));
                sink.fire(new ProviderEvent.ReportDeferred(r.taskId(), err.code(), err.message(), wait));
            });
            return kept.isPresent();
        }
        Optional<TaskBook.Report> gone = book.answered(err.refId());
        gone.ifPresent(r -> {
            sink.fire(new ProviderEvent.ReportRejected(r.taskId(), err.code(), err.message()));
            sink.changed();
        });
        return gone.isPresent();
    }

    /**
     * Reports every running task as a retryable failure and cancels its run: the close grace is over.
     *
     * @return how many were handed back
     */
    public int handBack() {
        int n = 0;
        for (TaskBook.Running r : book.handBackAll()) {
            n++;
            fail(r.taskId(), "the node shut down before the task finished; handed back", true);
        }
        return n;
    }

    /**
     * Sends every report still waiting for an answer (after a login).
     *
     * @return how many
     */
    public int resendAll() {
        int n = 0;
        for (TaskBook.Report r : book.outbox()) {
            sink.send(r.message());
            n++;
        }
        return n;
    }

    private void fail(String taskId, String reason, boolean retryable) {
        fail(taskId, reason, reason, retryable);
    }

    /** Reports {@code reason} to the relayer and tells this node's listener {@code localReason}. */
    private void fail(String taskId, String reason, String localReason, boolean retryable) {
        failed++;
        report(new Messages.TaskFailed(Messages.newId(), taskId, truncate(reason), retryable), taskId);
        sink.fire(new ProviderEvent.TaskFailed(taskId, localReason, retryable));
    }

    private static String truncate(String s) {
        String text = s == null || s.isBlank() ? "unknown failure" : s;
        return text.length() <= 1024 ? text : text.substring(0, 1021) + "...";
    }

    private void report(Message message, String taskId) {
        book.queue(taskId, message);
        sink.changed();
        sink.send(message);
    }
}
