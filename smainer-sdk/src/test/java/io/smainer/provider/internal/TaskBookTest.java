package io.smainer.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobResult;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The book of a provider's work: no sockets, no threads. */
class TaskBookTest {
    private final JavaJobRunner runner = JavaJobRunner.create();
    private final TaskBook book = new TaskBook();

    @AfterEach
    void close() {
        runner.close();
    }

    private static Messages.TaskAssigned task(String id) {
        return new Messages.TaskAssigned(Messages.newId(), id, U256.of(1), JobSpec.of("echo", Map.of(), new byte[0]),
                SettlementMode.FLAT, TokenAmount.ONE_STRK, Long.MAX_VALUE);
    }

    private static Messages.TaskFailed failed(String taskId) {
        return new Messages.TaskFailed(Messages.newId(), taskId, "no", true);
    }

    @Test
    void aTaskRunsOnceAndALateCallbackForItIsIgnored() {
        TaskBook.Running r = book.start(task("a"), runner);

        assertThatThrownBy(() -> book.start(task("a"), runner)).isInstanceOf(IllegalStateException.class);
        assertThat(book.finish(r)).isTrue();
        assertThat(book.finish(r)).isFalse();
        assertThat(book.abandon(r)).isFalse();
        assertThat(book.isIdle()).isTrue();
    }

    @Test
    void abandoningATaskCancelsItsRun() {
        TaskBook.Running r = book.start(task("a"), runner);
        CompletableFuture<JobResult> run = new CompletableFuture<>();
        r.started(r.multiplier(), run);

        assertThat(book.abandon(r)).isTrue();

        assertThat(run).isCancelled();
        assertThat(book.isRunning("a")).isFalse();
    }

    @Test
    void aReportStaysUntilAnsweredAndADeferralKeepsIt() {
        Messages.TaskFailed m = failed("a");
        book.queue("a", m);

        assertThat(book.deferred(m.id())).hasValueSatisfying(r -> assertThat(r.deferrals()).isEqualTo(1));
        assertThat(book.deferred(m.id())).hasValueSatisfying(r -> assertThat(r.deferrals()).isEqualTo(2));
        assertThat(book.outboxSize()).isEqualTo(1);
        assertThat(book.reportFor("a")).hasValueSatisfying(r -> assertThat(r.message()).isEqualTo(m));

        assertThat(book.answered(m.id())).isPresent();
        assertThat(book.answered(m.id())).isEmpty();
        assertThat(book.deferred(m.id())).isEmpty();
        assertThat(book.isIdle()).isTrue();
    }

    @Test
    void revokingATaskCancelsItsRunAndDropsItsReports() {
        TaskBook.Running r = book.start(task("a"), runner);
        CompletableFuture<JobResult> run = new CompletableFuture<>();
        r.started(r.multiplier(), run);
        book.queue("a", failed("a"));
        book.queue("b", failed("b"));

        assertThat(book.revoke("a")).isTrue();
        assertThat(book.revoke("a")).isFalse();

        assertThat(run).isCancelled();
        assertThat(book.runningCount()).isZero();
        assertThat(book.outbox()).extracting(TaskBook.Report::taskId).containsExactly("b");
    }

    @Test
    void handingBackTakesEveryRunningTaskInTheOrderTheyStarted() {
        book.start(task("a"), runner);
        book.start(task("b"), runner);

        assertThat(book.handBackAll()).extracting(TaskBook.Running::taskId).containsExactly("a", "b");
        assertThat(book.runningCount()).isZero();
    }
}
