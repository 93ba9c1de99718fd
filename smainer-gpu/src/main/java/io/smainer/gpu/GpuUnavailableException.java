package io.smainer.gpu;

import io.smainer.SmainerException;

/** No GPU runner can be built here: no driver, no device, or a device that would not set up. */
public class GpuUnavailableException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** @param reason why, e.g. the missing library or the failing driver call */
    public GpuUnavailableException(String reason) {
        super(reason);
    }

    /**
     * @param reason why
     * @param cause the underlying failure
     */
    public GpuUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
