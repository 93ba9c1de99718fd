package io.smainer.provider.internal;

import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.job.JobResult;
import io.smainer.job.JobRunner;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A provider node's book of work: the tasks it runs, and its outbox of reports ({@code task_completed},
 * {@code task_failed}) kept until the relayer acknowledges or refuses them. A report the relayer could not
 * store ("send it again later") stays in the outbox and counts its deferrals, so the node can resend it
 * with backoff. A plain data structure: no sockets, no threads; the node touches it on its loop only.
 * Not thread-safe. Not API.
 */
public final class TaskBook {
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, Report> outbox = new LinkedHashMap<>();

    /** A task being run. */
    public static final class Running {
        private final Messages.TaskAssigned task;
        private final JobRunner runner;
        private BasisPoints multiplier = Tier.BASIC.defaultMultiplier();
        private CompletableFuture<JobResult> future;
        private ScheduledFuture<?> deadlineTimer;

        Running(Messages.TaskAssigned task, JobRunner runner) {
            this.task = task;
            this.runner = runner;
        }

        /** @return the assignment */
        public Messages.TaskAssigned task() {
            return task;
        }

        /** @return the task's id */
        public String taskId() {
            return task.taskId();
        }

        /** @return the runner that runs it */
        public JobRunner runner() {
            return runner;
        }

        /** @return the tier multiplier its effort receipt is priced with */
        public BasisPoints multiplier() {
            return multiplier;
        }

        /**
         * @param multiplier the tier multiplier its effort receipt is priced with
         * @param run the run, once submitted
         */
        public void started(BasisPoints multiplier, CompletableFuture<JobResult> run) {
            this.multiplier = Objects.requireNonNull(multiplier, "multiplier");
            this.future = run;
        }

        /** @param timer the task's deadline timer, cancelled when the task leaves the book */
        public void deadline(ScheduledFuture<?> timer) {
            this.deadlineTimer = timer;
        }

        private void stop(boolean cancelRun) {
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            if (cancelRun && future != null) {
                future.cancel(true);
            }
        }
    }

    /** A report waiting for the relayer's answer. */
    public static final class Report {
        private final String taskId;
        private final Message message;
        private int deferrals;
        private ScheduledFuture<?> resendTimer;

        Report(String taskId, Message message) {
            this.taskId = taskId;
            this.message = message;
        }

        /** @return the task it reports on */
        public String taskId() {
            return taskId;
        }

        /** @return the message sent, and sent again until answered */
        public Message message() {
            return message;
        }

        /** @return how many times the relayer answered "send it again later" */
        public int deferrals() {
            return deferrals;
        }

        /** @param timer the pending resend, cancelled when the report leaves the outbox */
        public void resendAt(ScheduledFuture<?> timer) {
            cancelResend();
            this.resendTimer = timer;
        }

        private void cancelResend() {
            if (resendTimer != null) {
                resendTimer.cancel(false);
                resendTimer = null;
            }
        }
    }

    /** @return tasks running */
    public int runningCount() {
        return running.size();
    }

    /** @return reports not yet answered */
    public int outboxSize() {
        return outbox.size();
    }

    /** @return whether nothing runs and every report was answered */
    public boolean isIdle() {
        return running.isEmpty() && outbox.isEmpty();
    }

    /**
     * @param taskId a task
     * @return whether it runs here
     */
    public boolean isRunning(String taskId) {
        return running.containsKey(taskId);
    }

    /**
     * @param task an accepted assignment, not running yet
     * @param runner the runner that will run it
     * @return its entry
     * @throws IllegalStateException when the task already runs
     */
    public Running start(Messages.TaskAssigned task, JobRunner runner) {
        Running r = new Running(task, runner);
        if (running.putIfAbsent(task.taskId(), r) != null) {
            throw new IllegalStateException("task " + task.taskId() + " already runs");
        }
        return r;
    }

    /**
     * @param r an entry
     * @return whether it is still the book's entry for its task (not revoked, timed out or handed back)
     */
    public boolean holds(Running r) {
        return running.get(r.taskId()) == r;
    }

    /**
     * Takes a task out of the book because its run ended (or will not start): stops its deadline timer.
     *
     * @param r the entry
     * @return false when the entry had already left the book (a late callback to ignore)
     */
    public boolean finish(Running r) {
        if (!holds(r)) {
            return false;
        }
        running.remove(r.taskId());
        r.stop(false);
        return true;
    }

    /**
     * Takes a task out of the book and cancels its run (its deadline passed, or the node closes).
     *
     * @param r the entry
     * @return false when the entry had already left the book
     */
    public boolean abandon(Running r) {
        if (!holds(r)) {
            return false;
        }
        running.remove(r.taskId());
        r.stop(true);
        return true;
    }

    /**
     * The relayer took a task back: cancels its run and drops its reports.
     *
     * @param taskId the task
     * @return whether the book held anything for it
     */
    public boolean revoke(String taskId) {
        Running r = running.remove(taskId);
        if (r != null) {
            r.stop(true);
        }
        boolean dropped = outbox.values().removeIf(p -> {
            if (p.taskId.equals(taskId)) {
                p.cancelResend();
                return true;
            }
            return false;
        });
        return r != null || dropped;
    }

    /**
     * Takes every running task out of the book and cancels its run, for handing back on close.
     *
     * @return the entries, in the order they started
     */
    public List<Running> handBackAll() {
        List<Running> all = new ArrayList<>(running.values());
        running.clear();
        for (Running r : all) {
            r.stop(true);
        }
        return all;
    }

    /**
     * Queues a report until the relayer answers it.
     *
     * @param taskId the task it reports on
     * @param message the report
     * @return its outbox entry
     */
    public Report queue(String taskId, Message message) {
        Report r = new Report(taskId, message);
        outbox.put(message.id(), r);
        return r;
    }

    /**
     * @param taskId a task
     * @return the report waiting for its answer, if any
     */
    public Optional<Report> reportFor(String taskId) {
        for (Report r : outbox.values()) {
            if (r.taskId.equals(taskId)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** @return the reports waiting for an answer, oldest first (a copy) */
    public Collection<Report> outbox() {
        return List.copyOf(outbox.values());
    }

    /**
     * The relayer answered a report for good (acknowledged or refused it): it leaves the outbox.
     *
     * @param messageId the report's message id
     * @return the report, or empty when no report has that id
     */
    public Optional<Report> answered(String messageId) {
        Report r = outbox.remove(messageId);
        if (r != null) {
            r.cancelResend();
        }
        return Optional.ofNullable(r);
    }

    /**
     * The relayer could not store a report and asked for it again later: it stays in the outbox, one more
     * deferral counted.
     *
     * @param messageId the report's message id
     * @return the report, or empty when no report has that id
     */
    public Optional<Report> deferred(String messageId) {
        Report r = outbox.get(messageId);
        if (r != null) {
            r.deferrals++;
        }
        return Optional.ofNullable(r);
    }

    /**
     * @param r a report
     * @return whether it still waits for an answer
     */
    public boolean holds(Report r) {
        return outbox.get(r.message.id()) == r;
    }
}
