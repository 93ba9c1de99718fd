package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.examples.CustomJobHandlerExample.WordCountHandler;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.JobResult;
import io.smainer.protocol.JobSpec;
import io.smainer.relayer.settlement.ReceiptRejectedException;
import io.smainer.relayer.settlement.ResultChecker;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The word-count handler on a real Java runner, and the relayer checker the example registers. */
class CustomJobHandlerExampleTest {

    @Test
    void theRunnerCountsWordsIntoSortedCanonicalLines() throws Exception {
        try (JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false).handler(new WordCountHandler()).build()) {
            assertThat(runner.kinds()).containsExactly("word-count");
            JobResult r = runner.submit(CustomJobHandlerExample.wordCount("B a b, A's café\nb")).get(10, TimeUnit.SECONDS);
            assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("a\t1\na's\t1\nb\t3\ncafé\t1\n");
        }
    }

    @Test
    void textThatIsNotUtf8IsRefusedAsInvalidInput() {
        try (JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false).handler(new WordCountHandler()).build()) {
            JobSpec bad = JobSpec.of("word-count", Map.of(), new byte[] {(byte) 0xC3, (byte) 0x28});
            assertThatThrownBy(() -> runner.submit(bad).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(JobException.class).hasMessageContaining("payload: expected UTF-8 text");
        }
    }

    @Test
    void theRelayersCheckerPassesARightCountAndRejectsAWrongOne() {
        ResultChecker checker = CustomJobHandlerExample.relayerCheckers().forKind("word-count").orElseThrow();
        JobSpec job = CustomJobHandlerExample.wordCount("to be or not to be");
        checker.check(job, "be\t2\nnot\t1\nor\t1\nto\t2\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> checker.check(job, "be\t2\nnot\t1\nor\t1\nto\t3\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ReceiptRejectedException.class).hasMessageContaining("word-count check failed");
        assertThat(CustomJobHandlerExample.relayerCheckers().forKind("matmul-f32")).isPresent();
    }
}
