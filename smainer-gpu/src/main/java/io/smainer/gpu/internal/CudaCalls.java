package io.smainer.gpu.internal;

import jcuda.driver.CUresult;

/**
 * Checks driver-API return codes. The runner does not use JCuda's global exception switch: it needs
 * codes such as {@code CUDA_ERROR_NOT_READY} as values, and a failed call must say which call it was.
 * Not API.
 */
public final class CudaCalls {
    private CudaCalls() {
    }

    /**
     * @param result a driver API return code
     * @param call what was called, for the message
     * @throws CudaCallException unless the code is {@code CUDA_SUCCESS}
     */
    public static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(call, result);
        }
    }

    /** A driver call failed. */
    public static final class CudaCallException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        CudaCallException(String call, int code) {
            super(call + " failed: " + CUresult.stringFor(code) + " (" + code + ")");
            this.code = code;
        }

        /** @return the CUresult code */
        public int code() {
            return code;
        }

        /** @return true for out-of-memory */
        public boolean outOfMemory() {
            return code == CUresult.CUDA_ERROR_OUT_OF_MEMORY;
        }

        /**
         * @return true for errors that leave the context unusable (a faulting kernel): the context must
         *     be reset before the device runs anything else
         */
        public boolean sticky() {
            return code == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || code == CUresult.CUDA_ERROR_LAUNCH_FAILED
                    || code == CUresult.CUDA_ERROR_MISALIGNED_ADDRESS || code == CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION
                    || code == CUresult.CUDA_ERROR_INVALID_PC || code == CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR
                    || code == CUresult.CUDA_ERROR_ASSERT || code == CUresult.CUDA_ERROR_LAUNCH_TIMEOUT;
        }
    }
}
