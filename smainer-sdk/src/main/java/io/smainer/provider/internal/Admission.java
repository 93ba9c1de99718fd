package io.smainer.provider.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.job.JobRunner;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * A provider node's admission rules: which assignment it takes, on which runner, and which escrow it works
 * for. Pure decisions over their inputs (the clock aside). Immutable. Not API.
 *
 * @param runners the runners, in the order a job kind is looked up
 * @param concurrency tasks run at once
 * @param clock the time source for deadlines
 * @param minEffortBasePrice the lowest effort base price accepted
 * @param tierParam the job parameter naming the tier, for relayers that send no multiplier
 */
public record Admission(List<JobRunner> runners, int concurrency, Clock clock, TokenAmount minEffortBasePrice,
        String tierParam) {
    /** Copies the runners and checks presence. */
    public Admission {
        runners = List.copyOf(runners);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(minEffortBasePrice, "minEffortBasePrice");
        Objects.requireNonNull(tierParam, "tierParam");
    }

    /**
     * What to do with an assignment: run it on {@code runner}, or refuse it for {@code refusal} (a retryable
     * failure: another node may take it).
     *
     * @param runner the runner, when taken
     * @param refusal why not, when refused
     */
    public record Decision(Optional<JobRunner> runner, Optional<String> refusal) {
        static Decision take(JobRunner runner) {
            return new Decision(Optional.of(runner), Optional.empty());
        }

        static Decision refuse(String why) {
            return new Decision(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * A problem that stops a task before or while it runs.
     *
     * @param reason what to tell the relayer
     * @param retryable whether another try (elsewhere) may succeed
     */
    public record Problem(String reason, boolean retryable) {
    }

    /**
     * The refusal ladder, first match wins: closing, no runner for the kind, at capacity, past its deadline,
     * an effort base price under this node's minimum.
     *
     * @param t the assignment
     * @param closing whether the node is closing
     * @param runningNow tasks running now
     * @return the decision
     */
    public Decision decide(Messages.TaskAssigned t, boolean closing, int runningNow) {
        String kind = t.job().kind();
        JobRunner runner = runners.stream().filter(r -> r.kinds().contains(kind)).findFirst().orElse(null);
        if (closing) {
            return Decision.refuse("node is shutting down");
        }
        if (runner == null) {
            return Decision.refuse("this node does not run job kind '" + kind + "' (it runs " + kinds() + ")");
        }
        if (runningNow >= concurrency) {
            return Decision.refuse("at capacity (" + runningNow + " of " + concurrency + " tasks running)");
        }
        if (clock.millis() >= t.deadlineMillis()) {
            return Decision.refuse("the task's deadline had passed when it arrived");
        }
        if (t.settlement() == SettlementMode.EFFORT && t.effortBasePrice().isPresent()
                && t.effortBasePrice().get().compareTo(minEffortBasePrice) < 0) {
            return Decision.refuse("effort base price " + t.effortBasePrice().get()
                    + " base units is below this node's minimum of " + minEffortBasePrice + " base units");
        }
        return Decision.take(runner);
    }

    /** @return every job kind the runners run, in lookup order */
    public List<String> kinds() {
        return runners.stream().flatMap(r -> r.kinds().stream()).distinct().toList();
    }

    /**
     * Whether to work for an escrow as read on-chain: it must exist and be open, and an effort task's
     * multiplier named by the relayer must be the escrow's.
     *
     * @param t the assignment
     * @param onChain the escrow as read, when the read succeeded
     * @param err the read's failure, or null
     * @return the problem, or empty when the task may run (at the escrow's multiplier)
     */
    public Optional<Problem> escrowProblem(Messages.TaskAssigned t, Optional<EscrowTask> onChain, Throwable err) {
        if (err != null) {
            Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            return Optional.of(new Problem("could not read escrow " + t.escrowId() + ": " + e.getMessage(), true));
        }
        if (onChain.isEmpty()) {
            return Optional.of(new Problem("escrow " + t.escrowId() + " does not exist on-chain", false));
        }
        EscrowTask e = onChain.get();
        if (e.status() != EscrowStatus.CREATED) {
            return Optional.of(new Problem("escrow " + t.escrowId() + " is " + e.status().name().toLowerCase(Locale.ROOT)
                    + ", not open for work", false));
        }
        if (t.settlement() == SettlementMode.EFFORT && t.tierMultiplier().isPresent()
                && !t.tierMultiplier().get().equals(e.tierMultiplier())) {
            return Optional.of(new Problem("the relayer's tier multiplier " + t.tierMultiplier().get().value()
                    + " bps does not match escrow " + t.escrowId() + "'s on-chain multiplier " + e.tierMultiplier().value()
                    + " bps; refusing to sign a receipt the contract's books would not match", false));
        }
        return Optional.empty();
    }

    /**
     * The multiplier to price with when the node reads no escrow: the assignment's, else the job's tier
     * parameter's (basic when absent or unreadable).
     *
     * @param t the assignment
     * @return the multiplier
     */
    public BasisPoints trustedMultiplier(Messages.TaskAssigned t) {
        if (t.tierMultiplier().isPresent()) {
            return t.tierMultiplier().get();
        }
        String tierName = t.job().params().get(tierParam);
        try {
            return (tierName == null ? Tier.BASIC : Tier.parse(tierName)).defaultMultiplier();
        } catch (InvalidFieldException e) {
            return Tier.BASIC.defaultMultiplier();
        }
    }
}
