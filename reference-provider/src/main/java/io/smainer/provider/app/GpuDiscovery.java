package io.smainer.provider.app;

import io.smainer.protocol.NodeCapabilities.GpuInfo;
import java.util.List;
import java.util.Optional;

/** Finds usable GPUs; {@link Hardware#detect} falls back to {@code nvidia-smi} when this finds none. */
public interface GpuDiscovery {
    /** @return a short name for messages, e.g. {@code CUDA driver} */
    String name();

    /** @return the GPUs found, or none with the reason */
    Found discover();

    /**
     * What a discovery found.
     *
     * @param gpus usable GPUs
     * @param reason why there are none, when there are none
     */
    record Found(List<GpuInfo> gpus, Optional<String> reason) {
        /** Copies the list. */
        public Found {
            gpus = List.copyOf(gpus);
        }
    }
}
