package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionTest {
    @Test
    void theRelayerPrunesEveryTenthOfTheRetentionBetweenASecondAndAMinute() {
        assertThat(new Retention(Duration.ofSeconds(1), 10).pruneEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new Retention(Duration.ofSeconds(30), 10).pruneEvery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(new Retention(Duration.ofMinutes(5), 10).pruneEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Retention.DEFAULT.pruneEvery()).as("an hour").isEqualTo(Duration.ofMinutes(1));
    }
}
