package io.smainer.config;

import io.smainer.SmainerException;
import java.util.List;

/**
 * Settings did not validate; carries every problem found, not just the first. Each problem names the
 * setting, what was expected and what came (secrets shown as {@code (hidden)}).
 */
public final class ConfigException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems each bad setting with what was expected and what came; at least one */
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem, in the order found */
    public List<String> problems() {
        return problems;
    }
}
