package io.smainer.provider.app;

import io.smainer.SmainerException;
import java.util.List;

/** The provider's configuration did not validate; carries every problem found, not just the first. */
public final class ConfigException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems each bad setting with what was expected and what came */
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem */
    public List<String> problems() {
        return problems;
    }
}
