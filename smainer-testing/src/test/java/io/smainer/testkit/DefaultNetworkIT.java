package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension named declaratively: one default network (one demander, one standard provider) for the class. */
@ExtendWith(LocalNetworkExtension.class)
class DefaultNetworkIT {
    private static LocalNetwork previous;

    @Test
    void aStandardKindRuns(LocalNetwork net) {
        checkShared(net);
        Api.TaskResult r = net.run(Jobs.sha256Batch(List.of("abc".getBytes(StandardCharsets.UTF_8))),
                TokenAmount.parseStrk("0.1"));
        assertThat(r.result()).hasSize(32);
    }

    @Test
    void theTestsShareOneNetwork(LocalNetwork net) {
        checkShared(net);
        assertThat(net.providers()).hasSize(1);
        assertThat(net.demanders()).hasSize(1);
    }

    private static synchronized void checkShared(LocalNetwork net) {
        if (previous != null) {
            assertThat(net).isSameAs(previous);
        }
        previous = net;
    }
}
