package io.smainer.provider.app;

import io.smainer.job.JobRunner;
import java.util.List;

/** Chooses and builds the job runners {@code provider run} serves with. */
public final class JobRunners {
    private JobRunners() {
    }

    /** Builds runners for a configuration and the hardware found. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param config the settings (runner choice, Ollama URL)
         * @param hardware what the machine offers
         * @return the runners, in order of preference
         * @throws io.smainer.SmainerException when the configured runner cannot be had (e.g. runner=gpu, no GPU)
         */
        Chosen create(ProviderConfig config, Hardware hardware);
    }

    /**
     * The runners chosen.
     *
     * @param runners in order of preference; the daemon closes them
     * @param name how they are described, e.g. {@code java} or {@code cuda:0 + java}
     * @param usesGpu whether a GPU runner is among them
     */
    public record Chosen(List<JobRunner> runners, String name, boolean usesGpu) {
        /** Copies the list. */
        public Chosen {
            runners = List.copyOf(runners);
        }
    }
}
