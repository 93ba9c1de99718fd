package io.smainer.relayer.settlement;

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
     * @param kind a job kind
     * @return its checker
     */
    public Optional<ResultChecker> forKind(String kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
