package io.smainer.relayer.settlement;

import io.smainer.job.CheckResult;
import io.smainer.job.Freivalds;
import io.smainer.job.Jobs;
import io.smainer.job.ResultCheck;
import io.smainer.protocol.JobSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The result checkers in force, by job kind. Immutable. */
public final class ResultCheckers {
    /** No checker: every kind is checked by hash and receipt only. */
    public static final ResultCheckers NONE = new ResultCheckers(List.of());

    private final Map<String, ResultChecker> byKind;

    private ResultCheckers(List<ResultChecker> checkers) {
        Map<String, ResultChecker> m = new HashMap<>();
        for (ResultChecker c : checkers) {
            if (m.put(c.kind(), c) != null) {
                throw new IllegalArgumentException("two result checkers for kind " + c.kind());
            }
        }
        this.byKind = Map.copyOf(m);
    }

    /**
     * @param checkers one per kind
     * @return the registry
     */
    public static ResultCheckers of(List<ResultChecker> checkers) {
        return new ResultCheckers(checkers);
    }

    /**
     * The checks that cost the relayer much less than the job: Freivalds' check for
     * {@value io.smainer.job.Jobs#MATMUL_F32} (O(n^2) against the job's O(n^3)). Other kinds are checked
     * by result hash and receipt; recomputing them would cost the relayer as much as the provider.
     *
     * @return the registry
     */
    public static ResultCheckers standard() {
        return of(List.of(adapt(Jobs.MATMUL_F32, Freivalds.create())));
    }

    /**
     * @param kind the job kind
     * @param check a check from {@code io.smainer.job}
     * @return it as a relayer result checker: a failing verdict refuses the result
     */
    public static ResultChecker adapt(String kind, ResultCheck check) {
        return new ResultChecker() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public void check(JobSpec job, byte[] result) {
                CheckResult verdict = check.check(job, result);
                if (!verdict.passed()) {
                    throw new ReceiptRejectedException("result", "result: " + kind + " check failed: " + verdict.detail());
                }
            }
        };
    }

    /**
     * Adds checkers to these, e.g. one for a job kind of your own next to the standard ones:
     * {@code ResultCheckers.standard().with(ResultCheckers.adapt("word-count", recount))}.
     *
     * @param more checkers for kinds these do not check yet
     * @return a registry with both
     * @throws IllegalArgumentException when a kind would have two checkers
     */
    public ResultCheckers with(ResultChecker... more) {
        List<ResultChecker> all = new ArrayList<>(byKind.values());
        all.addAll(List.of(more));
        return new ResultCheckers(all);
    }

    /**
     * @param kind a job kind
     * @return its checker
     */
    public Optional<ResultChecker> forKind(String kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
