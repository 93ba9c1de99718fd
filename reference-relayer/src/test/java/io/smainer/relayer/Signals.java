package io.smainer.relayer;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends a POSIX signal to a process this test started (SIGSTOP to pause it, SIGCONT to let it go on), with kill(1). */
public final class Signals {
    private Signals() {
    }

    /**
     * @param pid the process
     * @param signal the signal's name, e.g. {@code STOP} or {@code CONT}
     * @throws IOException when kill(1) is missing or refuses
     */
    public static void send(long pid, String signal) throws IOException {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("kill -" + signal + " " + pid + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
